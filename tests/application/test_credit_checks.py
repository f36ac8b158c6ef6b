"""逢办必查: grade, restrictions for the matter, reasons; every check recorded."""

from __future__ import annotations

import pytest

from application.commands import Actor
from application.credit_checks import CheckEntry, CreditChecks
from application.errors import SubjectNotFound
from domain.matters import Matter
from tests.factories import (
    NOW,
    breach,
    commitment,
    listing,
    penalty,
    revocation,
    uscc,
)
from tests.view_scene import Scene

ASKER = Actor(department="finance", actor="zhao")


def checks(scene: Scene) -> CreditChecks:
    return scene.read_models.checks


def test_a_listing_whose_measures_name_the_matter_restricts_it(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing("S1", measures=["限制参与政府采购活动"]))
    position = scene.project()

    answer = checks(scene).check(code, Matter.PROCUREMENT, ASKER)

    assert (answer.outcome, answer.grade, answer.position) == (
        "restricted",
        "poor",
        position,
    )
    [restriction] = answer.restrictions
    assert (restriction.record_id, restriction.measures) == (
        "S1",
        ("限制参与政府采购活动",),
    )
    assert any("S1" in reason for reason in answer.reasons)


def test_a_listing_for_other_matters_calls_for_caution(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing("S1", measures=["限制参与政府采购活动"]))
    scene.project()

    answer = checks(scene).check(code, Matter.AWARD, ASKER)

    assert (answer.outcome, answer.restrictions) == ("caution", ())


def test_a_subject_with_a_clean_record_is_clear_and_graded_high(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, listing("S1"), revocation("S1"))
    scene.project()

    answer = checks(scene).check(code, Matter.PROCUREMENT, ASKER)

    assert (answer.outcome, answer.grade) == ("clear", "high")


def test_the_grade_is_the_one_the_subjects_state_gives(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), commitment("C1"), breach("C1"))
    scene.project()

    answer = checks(scene).check(code, Matter.SUBSIDY, ASKER)

    state = scene.ledger.state(code)
    assert (answer.grade, answer.reasons) == (state.grade, tuple(state.grade_reasons))
    assert answer.outcome == "caution"


def test_every_check_is_recorded_with_who_asked_and_the_answer(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, listing("S1"))
    scene.project()

    answer = checks(scene).check(code, Matter.PROCUREMENT, ASKER)

    assert scene.read_models.check_log.entries(code) == [
        CheckEntry(
            checked_at=NOW,
            subject_code=code,
            matter="procurement",
            department="finance",
            actor="zhao",
            outcome="restricted",
            grade="poor",
            restrictions=("barred from government procurement",),
            position=answer.position,
        )
    ]


def test_a_check_on_an_unknown_subject_is_refused_and_still_recorded(
    scene: Scene,
) -> None:
    with pytest.raises(SubjectNotFound):
        checks(scene).check(uscc(9), Matter.LICENSING, ASKER)

    [entry] = scene.read_models.check_log.entries()
    assert (entry.subject_code, entry.outcome) == (uscc(9), "unregistered")
    assert scene.read_models.check_log.count() == 1
