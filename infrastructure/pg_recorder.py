"""PostgreSQL recorders that move stored states in binary, and insert events
in one round trip.

Inserts: the library sends a batch as one array of a composite type, which
psycopg dumps as text: every state is hex-escaped and then escaped again as a
composite field by regular expressions, tens of microseconds an event in Python.
Four arrays of plain types go over in binary instead; the table lock, the notify
and the notification ids returned in insert order are the library's, unchanged.

Selects: states come back hex-encoded in text results, which doubles what the
server sends; a 1,000-event subject's snapshot took 9 ms to fetch that way and
2 ms in binary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    InfrastructureFactory,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier


def columns_of(stored_events: Sequence[StoredEvent]) -> tuple[list[Any], ...]:
    """The stored events as the four arrays the inserts take, one per column."""
    return (
        [e.originator_id for e in stored_events],
        [e.originator_version for e in stored_events],
        [e.topic for e in stored_events],
        [e.state for e in stored_events],
    )


class BinarySelects(PostgresAggregateRecorder):
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement = self.select_events_statement
        params: list[Any] = [originator_id]
        if gt is not None:
            params.append(gt)
            statement += SQL(" AND originator_version > %s")
        if lte is not None:
            params.append(lte)
            statement += SQL(" AND originator_version <= %s")
        statement += SQL(" ORDER BY originator_version")
        statement += SQL(" DESC") if desc else SQL(" ASC")
        if limit is not None:
            params.append(limit)
            statement += SQL(" LIMIT %s")
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(binary=True) as curs,
        ):
            curs.execute(statement, params, prepare=True)
            return [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]


class BinaryArrayInserts(PostgresAggregateRecorder):
    """Stored events inserted as four binary arrays (see the module's notes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.binary_insert_statement = SQL(
            "INSERT INTO {schema}.{table} AS t "
            "(originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], "
            "%b::bytea[])"
        ).format(
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
            id_type=SQL(self.datastore.originator_id_type),
        )

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> None:
        curs.execute(self.binary_insert_statement, columns_of(stored_events))


class BinarySnapshotRecorder(BinarySelects, BinaryArrayInserts):
    """A long subject's snapshot is megabytes: escaped as text it took 150 ms
    to send, in the commit of whatever batch crossed the interval."""


def snapshot_recorder(factory: InfrastructureFactory) -> AggregateRecorder:
    """The snapshots' recorder: binary both ways on PostgreSQL, else the library's."""
    if not isinstance(factory, PostgresFactory):
        return factory.aggregate_recorder(purpose="snapshots")
    recorder = BinarySnapshotRecorder(
        datastore=factory.datastore,
        events_table_name=f"{factory.env.name.lower() or 'stored'}_snapshots",
    )
    if factory.env_create_table():
        recorder.create_table()
    return recorder


class BinaryArrayApplicationRecorder(BinarySelects, PostgresApplicationRecorder):
    """Events inserted by one call of a function of the database's own.

    The library's transaction in pipeline mode waits on the server five times
    (psycopg syncs after ``BEGIN``, after the insert, and twice on leaving its
    nested pipelines), and each statement's send and fetch is a system call
    that gives up the interpreter's lock, which the request threads then hold.
    Group commit's thread spent most of each commit in those waits, holding the
    table lock through them. The function takes the lock, notifies and inserts
    in the implicit transaction of one statement: one send, one wait, and the
    lock is held only while the server runs it. Four arrays of plain types go
    over in binary.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema, table = self.datastore.schema, self.events_table_name
        function = Identifier(schema, f"{table}_insert")
        # Created (or replaced, as the library's own function is) with the table.
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {function}(ids {id_type}[], "
                "versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $body$ BEGIN "
                "SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "LOCK TABLE {table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING notification_id; END $body$"
            ).format(
                function=function,
                id_type=SQL(self.datastore.originator_id_type),
                lock_timeout=self.datastore.lock_timeout,
                table=Identifier(schema, table),
                channel=Identifier(self.channel_name),
            )
        )
        self.insert_call = SQL(
            "SELECT id FROM {function}(%b, %b, %b, %b) AS id"
        ).format(function=function)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return None
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.insert_call, columns_of(stored_events))
            return [row["id"] for row in curs.fetchall()]
