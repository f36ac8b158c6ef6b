"""The PostgreSQL recorder's insert by one call of a function: what it stores,
what a failed insert leaves behind, and that it is one statement."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, StoredEvent

from infrastructure.pg_recorder import BinaryArrayApplicationRecorder
from infrastructure.settings import Settings
from tests.services import PostgresServer

pytestmark = pytest.mark.postgres


class Store(Application[UUID]):
    pass


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    return postgres_server.make_database()


@pytest.fixture
def recorder(database: str) -> Iterator[BinaryArrayApplicationRecorder]:
    app = Store(env=Settings(database_url=database).event_store_env())
    try:
        assert isinstance(app.recorder, BinaryArrayApplicationRecorder)
        yield app.recorder
    finally:
        app.close()


def event(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, "tests:Happened", b'{"n": %d}' % version)


def test_an_insert_returns_the_positions_of_its_events_in_order(
    recorder: BinaryArrayApplicationRecorder,
) -> None:
    first, second = uuid4(), uuid4()
    recorder.insert_events([event(first, 1)])

    positions = recorder.insert_events(
        [event(second, 1), event(first, 2), event(second, 2)]
    )

    assert positions == [2, 3, 4]
    stored = recorder.select_notifications(start=1, limit=10)
    assert [(n.id, n.originator_id, n.originator_version) for n in stored] == [
        (1, first, 1),
        (2, second, 1),
        (3, first, 2),
        (4, second, 2),
    ]


def test_a_conflict_stores_nothing_of_its_insert_and_leaves_no_transaction_open(
    recorder: BinaryArrayApplicationRecorder, database: str
) -> None:
    taken, fresh = uuid4(), uuid4()
    recorder.insert_events([event(taken, 1)])

    with pytest.raises(IntegrityError):
        recorder.insert_events([event(fresh, 1), event(taken, 1)])

    assert recorder.select_events(fresh) == []
    with psycopg.connect(database, autocommit=True) as other:
        open_transactions = other.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state LIKE 'idle in transaction%'"
        ).fetchone()
        assert open_transactions == (0,)
        # The table lock went with the failed transaction.
        with other.transaction():
            other.execute("SET LOCAL lock_timeout = '1s'")
            other.execute(f"LOCK TABLE {recorder.events_table_name} IN EXCLUSIVE MODE")
    recorder.insert_events([event(fresh, 1)])
    assert [e.originator_version for e in recorder.select_events(fresh)] == [1]


def test_an_insert_is_one_statement_sent_to_the_server(
    recorder: BinaryArrayApplicationRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each statement is a send and a wait on the server, and each gives up the
    # interpreter's lock, which the request threads hold meanwhile.
    statements: list[object] = []
    execute = psycopg.Cursor.execute
    this_thread = threading.current_thread()

    def counted(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kw: Any) -> Any:
        # Not the pool's own threads, setting up the connections they open.
        if threading.current_thread() is this_thread:
            statements.append(query)
        return execute(cursor, query, *args, **kw)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)

    recorder.insert_events([event(uuid4(), 1), event(uuid4(), 1)])

    assert statements == [recorder.insert_call]
