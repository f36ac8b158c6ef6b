"""Position and time lookups straight from the recorders' tables, one indexed
query each (on PostgreSQL, many subjects' events in one query too).

An event's time is read from the head of its stored JSON, where the transcoder
writes the timestamp first, so finding the version as of a moment neither
decodes events nor sends whole states; a head of any other form falls back to
decoding the subject's events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

from application.positions import OneByOneReads, PositionIndex, ScanningPositionIndex
from infrastructure.pg_bulk_reads import PostgresBulkReads

TIMESTAMP_PREFIX = b'{"timestamp":{"_type_":"datetime_iso","_data_":"'
HEAD_BYTES = len(TIMESTAMP_PREFIX) + 40


def time_from_head(head: bytes) -> datetime | None:
    """The timestamp at the start of a stored state, if it starts the usual way."""
    if not head.startswith(TIMESTAMP_PREFIX):
        return None
    end = head.find(b'"', len(TIMESTAMP_PREFIX))
    if end < 0:
        return None
    try:
        return datetime.fromisoformat(head[len(TIMESTAMP_PREFIX) : end].decode())
    except ValueError:
        return None


def times_from_heads(
    rows: list[tuple[int, bytes]],
    fallback: Callable[[], Iterator[tuple[int, datetime]]],
) -> Iterator[tuple[int, datetime]]:
    times = [(version, time_from_head(head)) for version, head in rows]
    if any(at is None for _, at in times):
        yield from fallback()
        return
    yield from ((version, at) for version, at in times if at is not None)


def _as_bytes(head: bytes | str) -> bytes:
    """A state is stored as a blob; one rewritten by hand in SQL may be text."""
    return head.encode() if isinstance(head, str) else bytes(head)


class SQLitePositionIndex(OneByOneReads):
    def __init__(
        self, recorder: SQLiteApplicationRecorder, mapper: Mapper[UUID]
    ) -> None:
        super().__init__(recorder)
        self._sqlite = recorder
        self._scanning = ScanningPositionIndex(recorder, mapper)
        self._statement = (
            f"SELECT originator_version, rowid FROM {recorder.events_table_name} "
            "WHERE originator_id=?"
        )
        self._times = (
            f"SELECT originator_version, substr(state, 1, {HEAD_BYTES}) "
            f"FROM {recorder.events_table_name} "
            "WHERE originator_id=? ORDER BY originator_version DESC"
        )

    def recorded_times(self, originator_id: UUID) -> Iterator[tuple[int, datetime]]:
        with self._sqlite.datastore.transaction(commit=False) as c:
            c.execute(self._times, (originator_id.hex,))
            rows = [(int(version), _as_bytes(head)) for version, head in c.fetchall()]
        return times_from_heads(
            rows, lambda: self._scanning.recorded_times(originator_id)
        )

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self._sqlite.datastore.transaction(commit=False) as c:
            c.execute(self._statement, (originator_id.hex,))
            return {int(row[0]): int(row[1]) for row in c.fetchall()}


class PostgresPositionIndex(PostgresBulkReads):
    def __init__(
        self, recorder: PostgresApplicationRecorder, mapper: Mapper[UUID]
    ) -> None:
        super().__init__(recorder)
        self._postgres = recorder
        self._scanning = ScanningPositionIndex(recorder, mapper)
        self._statement = sql.SQL(
            "SELECT originator_version, notification_id FROM {}.{} "
            "WHERE originator_id = %s"
        ).format(
            sql.Identifier(recorder.datastore.schema or "public"),
            sql.Identifier(recorder.events_table_name),
        )
        self._times = sql.SQL(
            "SELECT originator_version, substring(state from 1 for {}) AS head "
            "FROM {}.{} WHERE originator_id = %s ORDER BY originator_version DESC"
        ).format(
            sql.Literal(HEAD_BYTES),
            sql.Identifier(recorder.datastore.schema or "public"),
            sql.Identifier(recorder.events_table_name),
        )

    def recorded_times(self, originator_id: UUID) -> Iterator[tuple[int, datetime]]:
        with self._postgres.datastore.transaction(commit=False) as c:
            c.execute(self._times, (originator_id,))
            rows = [
                (int(row["originator_version"]), bytes(row["head"]))
                for row in c.fetchall()
            ]
        return times_from_heads(
            rows, lambda: self._scanning.recorded_times(originator_id)
        )

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self._postgres.datastore.transaction(commit=False) as c:
            c.execute(self._statement, (originator_id,))
            return {
                int(row["originator_version"]): int(row["notification_id"])
                for row in c.fetchall()
            }


def position_index_for(
    recorder: ApplicationRecorder, mapper: Mapper[UUID]
) -> PositionIndex:
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLitePositionIndex(recorder, mapper)
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresPositionIndex(recorder, mapper)
    return ScanningPositionIndex(recorder, mapper)
