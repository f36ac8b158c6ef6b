"""Graded supervision over HTTP: the 双随机 plan (reviewers and auditors only),
and the grade's inspection terms in the check and the subject view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.grading import Grade
from domain.inspection import draw_sample
from tests.api.support import Api, assert_problem
from tests.factories import listing, penalty, resident_id, uscc

HIGH = [uscc(n) for n in range(1, 7)]
MEDIUM = [uscc(n) for n in range(7, 9)]
POOR = [uscc(n) for n in range(9, 11)]


def graded_county(api: Api) -> int:
    """Six clean enterprises, two with a penalty, two listed, one person."""
    for code in HIGH + MEDIUM + POOR:
        api.register(code, f"enterprise {code[-4:]}")
    for code in MEDIUM:
        api.record(code, penalty("P1"))
    for code in POOR:
        api.record(code, listing("S1"))
    api.register(resident_id(1), "张三")
    [last] = api.record(resident_id(1), listing("S1"))
    position: int = last["position"]
    return position


def plan(api: Api, position: int, **params: Any) -> dict[str, Any]:
    response = api.client.get(
        "/v1/inspection/plan",
        params={"seed": "2022-Q4", "min_position": position, **params},
        headers=api.key("review"),
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def by_grade(answer: dict[str, Any], field: str) -> dict[str, Any]:
    return {g["grade"]: g[field] for g in answer["grades"]}


def codes(subjects: list[dict[str, Any]]) -> list[str]:
    return [s["subject"] for s in subjects]


def test_the_plan_needs_a_review_or_audit_key(api: Api) -> None:
    url, seed = "/v1/inspection/plan", {"seed": "s"}

    assert_problem(api.client.get(url, params=seed), 401)
    assert_problem(api.client.get(url, params=seed, headers=api.key("record")), 403)
    for scope in ("review", "audit"):
        response = api.client.get(url, params=seed, headers=api.key(scope))
        assert response.status_code == 200, response.text


def test_the_plan_grades_enterprises_and_samples_each_grade_with_the_config(
    api: Api,
) -> None:
    answer = plan(api, graded_county(api), population="true")

    assert by_grade(answer, "population") == {"high": 6, "medium": 2, "poor": 2}
    # ceil(3% of 6), ceil(10% of 2), ceil(30% of 2)
    assert by_grade(answer, "sample_size") == {"high": 1, "medium": 1, "poor": 1}
    assert by_grade(answer, "checks_per_year") == {"high": 0, "medium": 1, "poor": 2}
    assert by_grade(answer, "warning_talk") == {
        "high": False,
        "medium": False,
        "poor": True,
    }
    subjects = by_grade(answer, "subjects")
    assert [codes(subjects[g]) for g in ("high", "medium", "poor")] == [
        HIGH,
        MEDIUM,
        POOR,
    ]
    assert answer["graded_on"] == "2022-10-20"


def test_the_same_seed_draws_the_same_sample_anyone_can_check(api: Api) -> None:
    position = graded_county(api)

    first = plan(api, position, ratio="0.5")
    again = plan(api, position, ratio="0.5")
    other_seed = plan(api, position, ratio="0.5", seed="2023-Q1")

    samples = by_grade(first, "sample")
    assert samples == by_grade(again, "sample")
    assert codes(samples["high"]) == draw_sample(HIGH, 0.5, "2022-Q4", Grade.HIGH)
    assert codes(by_grade(other_seed, "sample")["high"]) == draw_sample(
        HIGH, 0.5, "2023-Q1", Grade.HIGH
    )
    assert len(samples["high"]) == 3
    assert by_grade(first, "subjects") == {"high": None, "medium": None, "poor": None}


def test_a_grade_ratio_overrides_the_one_ratio_which_overrides_config(
    api: Api,
) -> None:
    answer = plan(api, graded_county(api), ratio="0", ratio_poor="1")

    assert by_grade(answer, "ratio") == {"high": 0.0, "medium": 0.0, "poor": 1.0}
    assert {g: codes(s) for g, s in by_grade(answer, "sample").items()} == {
        "high": [],
        "medium": [],
        "poor": POOR,
    }


def test_grade_rules_and_inspection_terms_come_from_configuration(
    configured_api: Callable[..., Api],
) -> None:
    api = configured_api(
        grade_general_penalties_for_poor=1,
        inspection_ratio_poor=0.5,
        inspection_checks_per_year_poor=4,
    )
    code = api.register()
    [recorded] = api.record(code, penalty("P1"))

    check = api.client.get(
        f"/v1/checks/{code}",
        params={"matter": "subsidy", "min_position": recorded["position"]},
        headers=api.key("record"),
    ).json()
    state = api.state(code)

    expected = {
        "grade": "poor",
        "ratio": 0.5,
        "checks_per_year": 4,
        "warning_talk": True,
    }
    assert check["inspection"] == expected
    assert (state["grade"], state["inspection"]) == ("poor", expected)
