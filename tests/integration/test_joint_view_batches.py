"""The views fed together write each batch in one transaction: every view's
rows and position, or nothing; and a view moved meanwhile by another runner
fails the batch without writing it (SQLite, then PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from application.commands import Actor, RecordCommand
from infrastructure.bootstrap import Services
from infrastructure.views.fan_out import FanOutRunner
from projections.errors import PositionMoved
from projections.paging import PageQuery
from tests.factories import fields_of, licence, uscc
from tests.view_feeding import break_after_collecting, feed, positions

OFFICER = Actor(department="market-regulation", actor="wang")
ALL = PageQuery(limit=100)
BATCH_SIZE = 100


# The tests feed the views themselves (``catch_up``): no runner thread.
FEED_VIEWS = False


def record_licences(services: Services, *record_ids: str) -> int:
    ledger = services.ledger
    code = uscc(1)
    ledger.register_subject(code, "Jishan Foods Co.", OFFICER)
    for record_id in record_ids:
        body = licence(record_id)
        ledger.record(RecordCommand(code, "LicencePublished", fields_of(body), OFFICER))
    return ledger.head_position()


def test_a_view_failing_to_write_leaves_every_view_as_it_was(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = record_licences(services, "L1", "L2")
    last_view = services.read_models.indicators
    # The last view fed: the others' rows are sent before its failure.
    break_after_collecting(last_view, 1, monkeypatch)
    runner = feed(services, BATCH_SIZE)

    with pytest.raises(Exception, match="no_such_table"):
        runner.catch_up()

    assert positions(services) == [0, 0, 0]
    assert services.read_models.public.licences(ALL).rows == []

    monkeypatch.undo()
    assert runner.catch_up() == head
    assert positions(services) == [head] * 3
    assert len(services.read_models.public.licences(ALL).rows) == 2


def test_a_batch_whose_views_another_runner_moved_is_not_written(
    services: Services,
) -> None:
    record_licences(services, "L1")
    late, other = feed(services, BATCH_SIZE), feed(services, BATCH_SIZE)
    events = late.read(late.position())
    other.catch_up()
    written = services.read_models.public.snapshot()

    with pytest.raises(PositionMoved):
        late.project(events)

    assert services.read_models.public.snapshot() == written
    # It reads the views' positions again and goes on from there.
    assert late.catch_up() == 0
    assert late.position() == services.ledger.head_position()


def test_two_runners_feeding_the_same_views_write_each_event_once(
    services: Services,
) -> None:
    record_ids = [f"L{n}" for n in range(300)]
    head = record_licences(services, *record_ids)
    runners = [feed(services, BATCH_SIZE), feed(services, BATCH_SIZE)]
    for runner in runners:
        runner.batch_size = 7  # many small batches, to interleave
    failures: list[BaseException] = []
    start = threading.Barrier(len(runners))

    def catch_up(runner: FanOutRunner) -> None:
        start.wait()
        try:
            while runner.position() < head:
                try:
                    runner.process_batch()
                except PositionMoved:
                    continue  # the other runner got there first
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=catch_up, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert positions(services) == [head] * 3
    rows: list[Any] = services.read_models.public.licences(PageQuery(limit=500)).rows
    assert sorted(r.record_id for r in rows) == sorted(record_ids)
