"""The repair history: requests with materials, every decision, deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from projections.repair_view import RepairQuery
from tests.factories import (
    penalty,
    repair_grant,
    repair_rejection,
    repair_request,
    uscc,
)
from tests.view_scene import Scene, every_page

REQUESTED = date(2022, 10, 18)
DUE = date(2022, 11, 1)  # ten working days later (Monday-Friday fallback)


def test_a_request_shows_its_materials_commitment_and_deadline(
    scene: Scene,
) -> None:
    code = scene.register()
    position = scene.record(code, penalty("P1"), repair_request("F1", "P1"))
    scene.project()

    [row] = scene.repairs.repairs(RepairQuery(), today=REQUESTED).rows

    assert (row.subject, row.repair_id, row.record_id) == (code, "F1", "P1")
    assert row.materials == ("fine receipt", "training certificate")
    assert row.commitment.startswith("I commit")
    assert (row.department, row.actor) == ("market-regulation", "wang")
    assert (row.requested_on, row.decision_due_on) == (REQUESTED, DUE)
    assert (row.status, row.decisions, row.position) == ("pending", (), position)


def test_a_pending_request_is_overdue_only_after_its_deadline(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"))
    scene.project()

    on_deadline = scene.repairs.repairs(RepairQuery(), today=DUE).rows[0]
    after = scene.repairs.repairs(RepairQuery(), today=date(2022, 11, 2)).rows[0]

    assert (on_deadline.overdue, after.overdue) == (False, True)


def test_a_decision_is_recorded_with_who_decided_and_when(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"))
    position = scene.record(code, repair_grant("F1"))
    scene.project()

    [row] = scene.repairs.repairs(RepairQuery(), today=date(2023, 1, 1)).rows
    [decision] = row.decisions

    assert (row.status, row.decided_on, row.overdue) == (
        "granted",
        date(2022, 10, 20),
        False,
    )
    assert (decision.decision, decision.department, decision.actor) == (
        "granted",
        "credit-office",
        "li",
    )
    assert decision.recorded_at == scene.clock.now()
    assert decision.position == position


def test_a_rejection_keeps_its_reason(scene: Scene) -> None:
    code = scene.register()
    scene.record(
        code, penalty("P1"), repair_request("F1", "P1"), repair_rejection("F1")
    )
    scene.project()

    [row] = scene.repairs.repairs(RepairQuery(), today=REQUESTED).rows

    assert row.status == "rejected"
    assert row.decisions[0].reason == "fine not paid"


def test_a_decision_after_the_deadline_is_marked_decided_late(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"))
    scene.clock.set(scene.clock.now().replace(month=12))
    scene.record(code, repair_grant("F1", decided_on=date(2022, 12, 1)))
    scene.project()

    [row] = scene.repairs.repairs(RepairQuery(), today=date(2022, 12, 1)).rows

    assert (row.decided_late, row.overdue) == (True, False)


def test_repairs_filter_by_status_and_overdue(scene: Scene) -> None:
    first, second = scene.register(uscc(1)), scene.register(uscc(2))
    scene.record(first, penalty("P1"), repair_request("F1", "P1"))
    scene.record(second, penalty("P1"), repair_request("F1", "P1"))
    scene.record(second, repair_grant("F1"))
    scene.project()
    later = date(2022, 12, 1)

    overdue = scene.repairs.repairs(RepairQuery(overdue=True), later).rows
    granted = scene.repairs.repairs(RepairQuery(status="granted"), later).rows

    assert [r.subject for r in overdue] == [first]
    assert [r.subject for r in granted] == [second]


def test_one_repair_id_may_name_repairs_of_several_subjects(scene: Scene) -> None:
    first, second = scene.register(uscc(1)), scene.register(uscc(2))
    for code in (first, second):
        scene.record(code, penalty("P1"), repair_request("F1", "P1"))
    scene.project()

    both = scene.repairs.repairs_with_id("F1", None, REQUESTED).rows
    one = scene.repairs.repairs_with_id("F1", second, REQUESTED).rows

    assert [r.subject for r in both] == sorted([first, second])
    assert [r.subject for r in one] == [second]


def test_repairs_are_paged_newest_request_first(scene: Scene) -> None:
    codes = [scene.register(uscc(n)) for n in range(1, 4)]
    for n, code in enumerate(codes):
        requested = date(2022, 10, 10 + n)
        scene.record(
            code, penalty("P1"), repair_request("F1", "P1", requested_on=requested)
        )
    scene.project()

    first = scene.repairs.repairs(RepairQuery(limit=2), REQUESTED)
    rest = scene.repairs.repairs(RepairQuery(limit=2, after=first.next_key), REQUESTED)

    assert [r.subject for r in first.rows + rest.rows] == codes[::-1]
    assert rest.next_key is None


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "pending"}, {"overdue": False}, {"since": date(2022, 10, 11)}],
)
def test_filtered_repair_pages_join_up_to_the_whole_filtered_list(
    scene: Scene, filters: dict[str, Any]
) -> None:
    codes = [scene.register(uscc(n)) for n in range(1, 8)]
    for n, code in enumerate(codes):
        # Two requests a day: pages end between requests of one day too.
        requested = date(2022, 10, 10 + n // 2)
        scene.record(
            code, penalty("P1"), repair_request("F1", "P1", requested_on=requested)
        )
        if n % 3 == 0:
            scene.record(code, repair_grant("F1"))
    scene.project()

    whole = scene.repairs.repairs(RepairQuery(limit=None, **filters), REQUESTED).rows
    paged = every_page(
        lambda after: scene.repairs.repairs(
            RepairQuery(limit=2, after=after, **filters), REQUESTED
        )
    )

    assert whole
    assert paged == whole
    keys = [(row.requested_on, row.position) for row in whole]
    assert keys == sorted(keys, reverse=True)
