"""What has reached its last public day is left out of the public lists, the
credit check, the inspection plan and the subject's own grade at once, before
the expiry run (on its timer) records it ended."""

from __future__ import annotations

from datetime import date

from application.commands import Actor
from application.inspection_plan import plan_inspections
from domain.matters import Matter
from infrastructure.expiry_scheduler import expire_caught_up
from infrastructure.views.grading_population import SqlGradingPopulation
from projections.paging import PageQuery
from tests.factories import listing, penalty, red_listing, uscc
from tests.view_scene import Scene

ALL = PageQuery(limit=None)
ASKER = Actor("finance", "zhao")
# Recorded on 2022-10-20 (the scene's clock), each past its last public day:
ENDED = (
    # general, 2019 rules: published a year at most, to 2020-06-03
    penalty("P1", decided_on=date(2019, 6, 3), severity="general"),
    listing(
        "S1",
        decided_on=date(2020, 1, 10),
        term_ends_on=date(2021, 1, 10),
        notified_on=None,
    ),
)
# On another subject: a listing would end its red-list entry.
RED_ENDED = red_listing("R1", decided_on=date(2021, 3, 1), valid_to=date(2022, 3, 1))


def lists(scene: Scene) -> tuple[list[str], list[str], list[str]]:
    public = scene.public
    return (
        [r.record_id for r in public.penalties(ALL).rows],
        [r.record_id for r in public.serious_list(ALL).rows],
        [r.record_id for r in public.red_list(ALL).rows],
    )


def test_records_past_their_last_public_day_are_left_out_before_expiry(
    scene: Scene,
) -> None:
    code = scene.register(uscc(1))
    scene.record(code, *ENDED, penalty("P2", decided_on=date(2022, 10, 10)))
    scene.record(scene.register(uscc(2)), RED_ENDED)
    scene.project()

    assert lists(scene) == (["P2"], [], [])


def test_the_credit_check_reads_them_as_the_expiry_run_will_record_them(
    scene: Scene,
) -> None:
    code = scene.register(uscc(1))
    scene.record(code, *ENDED)
    scene.record(scene.register(uscc(2)), RED_ENDED)
    scene.project()
    checks = scene.read_models.checks

    before = checks.check(code, Matter.PROCUREMENT, ASKER)
    expire_caught_up(scene.ledger, scene.read_models, timeout=5)
    scene.project()
    after = checks.check(code, Matter.PROCUREMENT, ASKER)

    assert before.outcome == after.outcome == "clear"
    assert (before.grade, before.reasons) == (after.grade, after.reasons)
    assert lists(scene) == ([], [], [])


def test_a_record_on_its_last_public_day_is_still_shown(scene: Scene) -> None:
    code = scene.register(uscc(1))
    scene.record(
        code,
        listing(
            "S1",
            decided_on=date(2020, 10, 20),
            term_ends_on=date(2022, 10, 21),
            notified_on=None,
        ),
    )
    scene.project()

    assert lists(scene) == ([], ["S1"], [])


def test_the_inspection_plan_and_the_subject_s_own_state_grade_them_alike(
    scene: Scene,
) -> None:
    code = scene.register(uscc(1))
    scene.record(code, *ENDED)
    scene.project()
    ledger = scene.ledger

    plan = plan_inspections(
        SqlGradingPopulation(scene.public),
        "seed",
        ledger.today(),
        ledger.rules.grading,
        ledger.rules.inspection,
    )
    check = scene.read_models.checks.check(code, Matter.PROCUREMENT, ASKER)

    [graded] = [g.grade for g in plan.grades if code in {s.subject for s in g.subjects}]
    assert graded == ledger.state(code).grade == check.grade == "high"
