"""Events an earlier release stored with NUL in their text (the API refuses it
now) are projected with U+FFFD in its place, and the events after them too:
on PostgreSQL, whose text cannot hold NUL, as on SQLite."""

from __future__ import annotations

from datetime import date

from infrastructure.bootstrap import Services
from projections.paging import PageQuery
from projections.repair_view import RepairQuery
from tests.factories import (
    correction,
    licence,
    penalty,
    repair_grant,
    repair_request,
    uscc,
)
from tests.view_history import record
from tests.view_scene import OFFICER

SHOWN = "\ufffd"


# The tests feed the views themselves (``catch_up``): no runner thread.
FEED_VIEWS = False


def test_stored_text_with_nul_is_projected_replaced_and_later_events_too(
    services: Services,
) -> None:
    code = uscc(1)
    services.ledger.register_subject(code, "Jishan\x00 Foods", OFFICER)
    record(
        services,
        code,
        licence("L\x001", decision_no="D1", content="Retail\x00 of food"),
        # Found by its record id: the key is replaced as the stored row's was.
        correction("L\x001", changes={"content": "Bulk\x00 food"}),
        penalty("P1", decided_on=date(2022, 6, 1)),
        repair_request("F\x001", "P1", commitment="I\x00 commit"),
        repair_grant("F\x001"),
    )
    head = record(services, code, licence("L2"))

    services.read_models.catch_up()

    assert set(services.read_models.lag().values()) == {0}
    public = services.read_models.public
    licences = {r.record_id: r for r in public.licences(PageQuery(limit=None)).rows}
    assert set(licences) == {f"L{SHOWN}1", "L2"}
    assert licences[f"L{SHOWN}1"].content == f"Bulk{SHOWN} food"
    assert licences["L2"].name == f"Jishan{SHOWN} Foods"
    assert licences["L2"].position == head
    [repair] = services.read_models.repairs.repairs(
        RepairQuery(limit=None), date(2022, 10, 20)
    ).rows
    assert (repair.repair_id, repair.commitment, repair.status) == (
        f"F{SHOWN}1",
        f"I{SHOWN} commit",
        "granted",
    )
