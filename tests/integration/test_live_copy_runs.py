"""A live batch's large INSERT runs go by COPY on PostgreSQL, outside the
pipeline the rest of its transaction rides: the rows, their order against the
same table's other statements, and all-or-nothing are those of the statements
it replaces (SQLite, which has no COPY, runs the same tests as a reference)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.commands import Actor, RecordCommand
from infrastructure.bootstrap import Services
from infrastructure.views.bulk_inserts import CopyInserts
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.stores import LIVE_COPY_ROWS, PostgresViewStore
from projections.paging import PageQuery
from tests.factories import correction, fields_of, licence, revocation, uscc
from tests.view_feeding import break_after_collecting, feed, positions

OFFICER = Actor(department="market-regulation", actor="wang")
LICENCES = [f"L{n}" for n in range(LIVE_COPY_ROWS + 20)]
REVOKED = LICENCES[:5]
CORRECTED = LICENCES[7]
EVERY_ROW = PageQuery(limit=500)
# Every event read in one batch.
ONE_BATCH = 1_000

# The tests feed the views themselves (``catch_up``): no runner thread.
FEED_VIEWS = False


def record(services: Services) -> int:
    """The licences, then revocations and a correction of some of them: in
    one batch, each table gets an INSERT run and then statements on its rows."""
    ledger = services.ledger
    code = uscc(1)
    ledger.register_subject(code, "Jishan Foods Co.", OFFICER)
    bodies = [licence(record_id) for record_id in LICENCES]
    bodies += [revocation(record_id) for record_id in REVOKED]
    bodies.append(correction(CORRECTED))
    commands = [
        RecordCommand(code, str(body["type"]), fields_of(body), OFFICER)
        for body in bodies
    ]
    for outcome in ledger.record_many(commands, with_events=False):
        assert not isinstance(outcome, Exception), outcome
    return ledger.head_position()


@pytest.fixture
def copied_runs(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[tuple[str, int]]]:
    """The runs the live views sent by COPY: (table, rows)."""
    copied: list[tuple[str, int]] = []
    copy = CopyInserts.__call__

    def counted(self: CopyInserts, cursor: Any, statement: str, params: Any) -> None:
        if self.copies(statement, len(params)):
            plan = self.plan(statement)
            assert plan is not None
            copied.append((plan.table, len(params)))
        copy(self, cursor, statement, params)

    monkeypatch.setattr(CopyInserts, "__call__", counted)
    yield copied


def test_a_batch_of_large_runs_writes_what_the_statements_would(
    services: Services, copied_runs: list[tuple[str, int]]
) -> None:
    head = record(services)

    assert feed(services, ONE_BATCH).catch_up() == head

    public = services.read_models.public
    rows: list[Any] = public.licences(EVERY_ROW).rows
    shown = {row.record_id: row for row in rows}
    assert sorted(shown) == sorted(set(LICENCES) - set(REVOKED))
    assert shown[CORRECTED].content == "Retail of prepackaged and bulk food"
    assert shown[CORRECTED].corrections == 1
    assert shown[LICENCES[-1]].corrections == 0
    assert positions(services) == [head] * 3
    if isinstance(public.store, PostgresViewStore):
        tables = {table for table, _ in copied_runs}
        assert "view_licences" in tables
        assert all(count >= LIVE_COPY_ROWS for _, count in copied_runs)
    else:
        assert copied_runs == []


def test_a_failure_after_a_copy_leaves_every_view_as_it_was(
    services: Services,
    copied_runs: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    head = record(services)
    last_view = services.read_models.indicators
    collecting = last_view.collecting
    # The last view fed: the others' runs are copied before its failure.
    break_after_collecting(last_view, 1, monkeypatch)
    runner = feed(services, ONE_BATCH)

    with pytest.raises(Exception, match="no_such_table"):
        runner.catch_up()

    public = services.read_models.public
    if isinstance(public.store, PostgresViewStore):
        assert ("view_licences", len(LICENCES)) in copied_runs
    assert positions(services) == [0, 0, 0]
    assert public.licences(EVERY_ROW).rows == []

    monkeypatch.setattr(last_view, "collecting", collecting)
    assert runner.catch_up() == head
    assert len(public.licences(EVERY_ROW).rows) == len(LICENCES) - len(REVOKED)


def test_a_failing_copy_leaves_every_view_as_it_was_and_the_next_batch_goes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = record(services)
    first_view = services.read_models.public
    collecting = first_view.collecting
    break_after_collecting(first_view, LIVE_COPY_ROWS, monkeypatch)
    runner = feed(services, ONE_BATCH)

    with pytest.raises(Exception, match="no_such_table"):
        runner.catch_up()

    assert positions(services) == [0, 0, 0]
    monkeypatch.setattr(first_view, "collecting", collecting)
    assert runner.catch_up() == head
    assert positions(services) == [head] * 3


def test_a_single_views_batch_copies_its_large_runs_too(
    services: Services, copied_runs: list[tuple[str, int]]
) -> None:
    """As the Kafka consumer writes a view: a transaction of its own."""
    head = record(services)
    public = services.read_models.public
    projection = PROJECTIONS["public"].projection(public)
    app = services.ledger.name

    with public.batch(app, 0):
        for event, tracking in feed(services, ONE_BATCH).read(0):
            projection.process_event(event, tracking)

    rows: list[Any] = public.licences(EVERY_ROW).rows
    assert sorted(r.record_id for r in rows) == sorted(set(LICENCES) - set(REVOKED))
    assert public.position(app) == head
    if isinstance(public.store, PostgresViewStore):
        assert ("view_licences", len(LICENCES)) in copied_runs
