"""双随机 inspection (seed §6, §9): what each grade means for on-site checks, and a
seeded random sample per grade that anyone holding the seed can draw again."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.codes import SubjectKind
from domain.grading import Grade, InspectionPolicy


@dataclass(frozen=True)
class InspectionTerms:
    """How a subject of this grade is supervised."""

    grade: Grade
    ratio: float
    checks_per_year: int
    # Poor-grade enterprises' principals are summoned for a warning talk (§9):
    # an enterprise's, not a natural person's.
    warning_talk: bool


def terms_for(
    grade: Grade, policy: InspectionPolicy, kind: SubjectKind | None = None
) -> InspectionTerms:
    """The grade's terms; for a subject of ``kind``, if given (the warning talk
    is for legal persons only), else for the grade's enterprises."""
    return InspectionTerms(
        grade=grade,
        ratio=policy.ratio[grade],
        checks_per_year=policy.checks_per_year[grade],
        warning_talk=grade is Grade.POOR and kind is not SubjectKind.NATURAL_PERSON,
    )


def sample_size(population: int, ratio: float) -> int:
    """ceil(ratio × population): a non-zero ratio never samples nobody."""
    return min(population, math.ceil(round(ratio * population, 9)))


def draw_sample(
    codes: Iterable[str], ratio: float, seed: str, grade: Grade
) -> list[str]:
    """The same codes, ratio and seed always give the same sample: codes are
    sorted first, and the generator is seeded with the seed and the grade (so
    the grades' samples are independent of each other)."""
    population = sorted(set(codes))
    chosen = random.Random(f"{seed}:{grade.value}").sample(
        population, sample_size(len(population), ratio)
    )
    return sorted(chosen)


def sample_by_grade(
    codes_by_grade: Mapping[Grade, Iterable[str]],
    ratio_by_grade: Mapping[Grade, float],
    seed: str,
) -> dict[Grade, list[str]]:
    return {
        grade: draw_sample(
            codes_by_grade.get(grade, ()), ratio_by_grade[grade], seed, grade
        )
        for grade in Grade
    }
