"""Rebuilding a view from position 0 gives the live view's rows, while the live
view keeps serving and keeps up with writes; on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.commands import RecordCommand
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from projections.paging import PageQuery
from tests.factories import (
    Body,
    FixedClock,
    commitment,
    fields_of,
    licence,
    listing,
    penalty,
    red_listing,
    repair_request,
    resident_id,
    revocation,
    uscc,
)
from tests.view_scene import OFFICER

ALL = PageQuery(limit=None)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        database_url = request.getfixturevalue("postgres_server").make_database()
    built = build_services(Settings(database_url=database_url), FixedClock())
    built.read_models.start()
    try:
        yield built
    finally:
        built.close()


def record(services: Services, code: str, *bodies: Body) -> int:
    commands = [
        RecordCommand(code, str(b["type"]), fields_of(b), OFFICER) for b in bodies
    ]
    for outcome in services.ledger.record_many(commands):
        assert not isinstance(outcome, Exception), outcome
    return services.ledger.head_position()


def some_history(services: Services, subjects: int = 12) -> int:
    for n in range(1, subjects + 1):
        code = uscc(n) if n % 3 else resident_id(n)
        services.ledger.register_subject(code, f"subject {n}", OFFICER)
        record(
            services,
            code,
            licence("L1"),
            licence("L2"),
            revocation("L2"),
            penalty("P1"),
            commitment("C1"),
            red_listing("R1") if n % 2 else listing("S1"),
            repair_request("F1", "P1"),
        )
    return services.ledger.head_position()


def caught_up(services: Services) -> None:
    head = services.ledger.head_position()
    for view in services.read_models.views.values():
        view.wait(services.ledger.name, head, timeout=10)


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
