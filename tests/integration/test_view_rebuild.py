"""Rebuilding a view from position 0 gives the live view's rows, while the live
view keeps serving and keeps up with writes; on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from infrastructure.bootstrap import Services
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from projections.paging import PageQuery
from tests.factories import listing, uscc
from tests.view_history import caught_up, record, some_history
from tests.view_scene import OFFICER

ALL = PageQuery(limit=None)


@pytest.mark.parametrize("name", sorted(PROJECTIONS))
def test_a_rebuilt_view_equals_the_live_one(services: Services, name: str) -> None:
    head = some_history(services)
    caught_up(services)
    view = services.read_models.views[name]
    live = view.snapshot()
    listed_while_rebuilding: list[int] = []

    def while_rebuilding(_: int) -> None:
        page = services.read_models.public.serious_list(ALL)
        listed_while_rebuilding.append(len(page.rows))

    position = rebuild(
        services.ledger,
        view,
        PROJECTIONS[name].projection,
        progress=while_rebuilding,
        batch_size=10,
    )

    assert position == head
    assert view.snapshot() == live
    assert view.position(services.ledger.name) == head
    assert len(listed_while_rebuilding) > 5
    assert set(listed_while_rebuilding) == {6}  # the live list kept serving


def test_writes_during_a_rebuild_are_neither_lost_nor_doubled(
    services: Services,
) -> None:
    some_history(services)
    caught_up(services)
    view = services.read_models.public
    late_code = uscc(99)

    listed: list[str] = []

    def write_once(_: int) -> None:
        if not listed:
            listed.append(late_code)
            services.ledger.register_subject(late_code, "late subject", OFFICER)
            record(services, late_code, listing("S9"))

    rebuild(services.ledger, view, PROJECTIONS["public"].projection, write_once, 10)
    caught_up(services)
    after_writes = view.snapshot()
    rebuild(services.ledger, view, PROJECTIONS["public"].projection)

    assert listed == [late_code]
    assert late_code in {r.subject for r in view.serious_list(ALL).rows}
    assert view.snapshot() == after_writes
