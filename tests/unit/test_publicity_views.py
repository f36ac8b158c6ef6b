"""双公示 and commitment columns: each event type's effect, through the handlers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from projections.paging import PageQuery
from tests.factories import (
    breach,
    commitment,
    correction,
    expiry,
    fulfilment,
    licence,
    penalty,
    repair_grant,
    repair_request,
    revocation,
)
from tests.view_scene import Scene

ALL = PageQuery(limit=None)


def test_a_published_licence_shows_the_national_fields(scene: Scene) -> None:
    code = scene.register()
    position = scene.record(code, licence("L1"))
    scene.project()

    [row] = scene.public.licences(ALL).rows

    assert (row.subject, row.record_id, row.decision_no) == (code, "L1", "JS-XK-L1")
    assert (row.licence_category, row.licence_no) == ("general", "JY13501000012345")
    assert (row.valid_from, row.valid_to) == (date(2022, 10, 19), date(2027, 10, 18))
    assert row.authority_code == "11140824MB1234567X"
    assert row.data_source == "market-regulation"
    assert (row.late, row.position) == (False, position)


def test_a_licence_the_law_forbids_publishing_is_never_shown(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1", publish=False))
    scene.project()

    assert scene.public.licences(ALL).rows == []


def test_a_decision_received_after_its_deadline_is_flagged_late(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, licence("L1", decided_on=date(2022, 6, 1)))
    scene.project()

    [row] = scene.public.licences(ALL).rows

    assert row.late is True


def test_a_penalty_shows_its_content_and_publicity_end(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"))
    scene.project()

    [row] = scene.public.penalties(ALL).rows

    assert (row.violation_type, row.basis) == ("pricing", "Price Law art. 13")
    assert (row.penalty_types, row.fine_amount) == (("fine",), "5000.00")
    assert row.publicity_until == date(2023, 6, 15)


def test_a_warning_only_penalty_is_not_shown(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1", penalty_types=["warning"], severity="minor"))
    scene.project()

    assert scene.public.penalties(ALL).rows == []


def test_an_expired_penalty_leaves_the_column(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"))
    scene.clock.set(datetime(2023, 7, 1, 3, tzinfo=UTC))
    scene.record(code, expiry("P1", expired_on=date(2023, 6, 15)))
    scene.project()

    assert scene.public.penalties(ALL).rows == []


def test_a_repaired_penalty_leaves_the_column(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    scene.project()

    assert scene.public.penalties(ALL).rows == []


def test_a_revoked_licence_leaves_the_column(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"), revocation("L1"))
    scene.project()

    assert scene.public.licences(ALL).rows == []


def test_a_correction_shows_the_corrected_content(scene: Scene) -> None:
    code = scene.register()
    changes = {"content": "Fine of 3000 yuan", "fine_amount": "3000.00"}
    scene.record(code, penalty("P1"), correction("P1", changes=changes))
    scene.project()

    [row] = scene.public.penalties(ALL).rows

    assert (row.content, row.fine_amount) == ("Fine of 3000 yuan", "3000.00")
    assert row.corrections == 1


def test_a_corrected_date_is_shown_as_a_date(scene: Scene) -> None:
    code = scene.register()
    scene.record(
        code, licence("L1"), correction("L1", changes={"valid_to": "2028-01-01"})
    )
    scene.project()

    [row] = scene.public.licences(ALL).rows

    assert row.valid_to == date(2028, 1, 1)


def test_a_fulfilled_or_breached_commitment_is_still_corrected(scene: Scene) -> None:
    code = scene.register()
    scene.record(
        code,
        commitment("C1"),
        fulfilment("C1"),
        commitment("C2"),
        breach("C2"),
        correction("C1", changes={"content": "corrected C1"}),
        correction("C2", changes={"matter": "corrected C2"}),
    )
    scene.project()

    rows = {row.record_id: row for row in scene.public.commitments(ALL).rows}

    assert (rows["C1"].status, rows["C1"].content) == ("fulfilled", "corrected C1")
    assert (rows["C2"].status, rows["C2"].matter) == ("breached", "corrected C2")
    assert (rows["C1"].corrections, rows["C2"].corrections) == (1, 1)


def test_a_commitment_is_shown_made_then_fulfilled(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, commitment("C1"))
    scene.project()
    [made] = scene.public.commitments(ALL).rows

    scene.record(code, fulfilment("C1"))
    scene.project()
    [fulfilled] = scene.public.commitments(ALL).rows

    assert (made.status, made.closed_on) == ("made", None)
    assert (fulfilled.status, fulfilled.closed_on) == ("fulfilled", date(2022, 10, 18))
    assert fulfilled.closure_late is False


def test_a_breached_commitment_shows_the_breach(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, commitment("C1"), breach("C1"))
    scene.project()

    [row] = scene.public.commitments(ALL).rows

    assert row.status == "breached"
    assert row.breach_details == "Hygiene conditions not met on inspection"
