"""Two services on one database (as two ``serve`` processes would be), each
with its own ledger, views runners and expiry scheduler, run the expiry at the
same moment: every due event is stored once; on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from application.commands import RecordCommand
from application.results import RecordedEvent
from infrastructure.bootstrap import Services, build_services
from infrastructure.expiry_scheduler import expire_caught_up
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, listing, penalty, uscc
from tests.view_scene import OFFICER

SUBJECTS = 12
# Recorded on 2022-01-12; by 2025-06-01 the penalties' maximum periods (1 and 3
# years) and the listing's term have all ended.
RECORDED = datetime(2022, 1, 12, 3, 0, tzinfo=UTC)
LATER = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
DECIDED = date(2022, 1, 10)


@pytest.fixture
def two_services(database_url: str) -> Iterator[tuple[Services, Services, FixedClock]]:
    clock = FixedClock(RECORDED)
    settings = Settings(database_url=database_url)
    first, second = build_services(settings, clock), build_services(settings, clock)
    try:
        yield first, second, clock
    finally:
        second.close()
        first.close()


def due_history(services: Services) -> None:
    ledger = services.ledger
    for n in range(1, SUBJECTS + 1):
        code = uscc(n)
        ledger.register_subject(code, f"subject {n}", OFFICER)
        for body in (
            penalty("P1", severity="general", decided_on=DECIDED),
            penalty("P2", severity="serious", decided_on=DECIDED),
            listing(
                "S1",
                decided_on=DECIDED,
                notified_on=None,
                term_ends_on=date(2024, 1, 10),
            ),
        ):
            command = RecordCommand(code, str(body["type"]), fields_of(body), OFFICER)
            ledger.record(command)


def test_two_schedulers_on_one_database_store_each_expiry_once(
    two_services: tuple[Services, Services, FixedClock],
) -> None:
    first, second, clock = two_services
    due_history(first)
    clock.set(LATER)
    for services in (first, second):
        services.read_models.start()
    results: list[list[RecordedEvent]] = []
    barrier = threading.Barrier(2)

    def scheduler(services: Services) -> None:
        barrier.wait()
        results.append(expire_caught_up(services.ledger, services.read_models))

    threads = [threading.Thread(target=scheduler, args=(s,)) for s in two_services[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(len(run) for run in results) == 3 * SUBJECTS
    for n in range(1, SUBJECTS + 1):
        history = first.ledger.history(uscc(n))
        ended = sorted(
            (e.type, e.data["record_id"])
            for e in history
            if e.type in ("PublicityExpired", "Delisted")
        )
        assert ended == [
            ("Delisted", "S1"),
            ("PublicityExpired", "P1"),
            ("PublicityExpired", "P2"),
        ]
    assert expire_caught_up(second.ledger, second.read_models) == []
