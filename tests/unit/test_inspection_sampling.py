"""双随机 sampling: seeded, reproducible, ceil(ratio × population) per grade."""

from __future__ import annotations

from domain.codes import SubjectKind
from domain.grading import DEFAULT_INSPECTION_POLICY, Grade
from domain.inspection import draw_sample, sample_by_grade, sample_size, terms_for

CODES = [f"code-{n:03d}" for n in range(100)]


def test_the_sample_size_is_the_ratio_of_the_population_rounded_up() -> None:
    assert sample_size(100, 0.03) == 3
    assert sample_size(101, 0.03) == 4
    assert sample_size(7, 0.10) == 1
    assert sample_size(10, 0.3) == 3  # 0.3 × 10 is 3.0000000000000004 in floats
    assert sample_size(5, 1.0) == 5
    assert sample_size(5, 0.0) == 0
    assert sample_size(0, 0.5) == 0


def test_the_same_seed_draws_the_same_sample_whatever_the_order_of_codes() -> None:
    first = draw_sample(CODES, 0.1, "2024-Q1", Grade.MEDIUM)
    again = draw_sample(reversed(CODES), 0.1, "2024-Q1", Grade.MEDIUM)

    assert first == again
    assert len(first) == 10
    assert set(first) <= set(CODES)


def test_another_seed_draws_another_sample() -> None:
    assert draw_sample(CODES, 0.1, "2024-Q1", Grade.MEDIUM) != draw_sample(
        CODES, 0.1, "2024-Q2", Grade.MEDIUM
    )


def test_each_grade_draws_with_its_own_ratio() -> None:
    samples = sample_by_grade(
        {Grade.HIGH: CODES, Grade.MEDIUM: CODES[:20], Grade.POOR: CODES[:3]},
        {Grade.HIGH: 0.03, Grade.MEDIUM: 0.10, Grade.POOR: 0.30},
        "seed",
    )

    assert {g: len(s) for g, s in samples.items()} == {
        Grade.HIGH: 3,
        Grade.MEDIUM: 2,
        Grade.POOR: 1,
    }


def test_poor_grade_means_more_inspection_and_a_warning_talk() -> None:
    high = terms_for(Grade.HIGH, DEFAULT_INSPECTION_POLICY)
    poor = terms_for(Grade.POOR, DEFAULT_INSPECTION_POLICY)

    assert (high.ratio, high.checks_per_year, high.warning_talk) == (0.03, 0, False)
    assert (poor.ratio, poor.checks_per_year, poor.warning_talk) == (0.30, 2, True)


def test_only_an_enterprises_principal_is_summoned_for_a_warning_talk() -> None:
    talks = {
        kind: terms_for(Grade.POOR, DEFAULT_INSPECTION_POLICY, kind).warning_talk
        for kind in SubjectKind
    }

    assert talks == {SubjectKind.LEGAL_PERSON: True, SubjectKind.NATURAL_PERSON: False}
