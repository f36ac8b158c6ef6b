"""Many subjects' stored events in one PostgreSQL query, not one per subject.

A bulk import decides on hundreds of subjects per chunk; read one by one, each
costs a round trip (two with its snapshot), which took more time than deciding.
States come back in binary, as in :mod:`infrastructure.pg_recorder`, and the ids go
out in binary (as text, psycopg quotes each element of an array with a regex).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from psycopg import sql

from application.positions import OneByOneReads, StoredSubject

_IN_RANGES = (
    "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, "
    "e.state FROM {table} AS e JOIN unnest(%b::{id_type}[], %b::bigint[], "
    "%b::bigint[]) AS r(id, first, last) ON e.originator_id = r.id "
    "AND e.originator_version BETWEEN r.first AND r.last"
)
_AFTER = (
    "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, "
    "e.state FROM {table} AS e JOIN unnest(%b::{id_type}[], %b::bigint[]) "
    "AS r(id, after) ON e.originator_id = r.id AND e.originator_version > r.after "
    "ORDER BY e.originator_id, e.originator_version"
)
_LATEST = (
    "SELECT DISTINCT ON (originator_id) originator_id, originator_version, topic, "
    "state FROM {table} WHERE originator_id = ANY(%b::{id_type}[]) "
    "ORDER BY originator_id, originator_version DESC"
)


class PostgresBulkReads(OneByOneReads):
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        super().__init__(recorder)
        self._datastore = recorder.datastore
        self._in_ranges = _statement(_IN_RANGES, recorder)
        self._after = _statement(_AFTER, recorder)

    def stored_in_ranges(
        self, ranges: Mapping[UUID, tuple[int, int]]
    ) -> list[tuple[StoredEvent, int]]:
        if not ranges:
            return []
        params = (
            list(ranges),
            [first for first, _ in ranges.values()],
            [last for _, last in ranges.values()],
        )
        return [
            (_stored(row), int(row["notification_id"]))
            for row in _fetch(self._datastore, self._in_ranges, params)
        ]

    def stored_subjects(
        self, originator_ids: Sequence[UUID], snapshots: AggregateRecorder | None
    ) -> dict[UUID, StoredSubject]:
        if snapshots is not None and not isinstance(
            snapshots, PostgresAggregateRecorder
        ):
            return super().stored_subjects(originator_ids, snapshots)
        ids = list(originator_ids)
        latest: dict[UUID, StoredEvent] = {}
        if snapshots is not None and ids:
            rows = _fetch(snapshots.datastore, _statement(_LATEST, snapshots), (ids,))
            latest = {_uuid(row["originator_id"]): _stored(row) for row in rows}
        after = [latest[i].originator_version if i in latest else 0 for i in ids]
        found: dict[UUID, StoredSubject] = {i: (latest[i], []) for i in latest}
        for row in _fetch(self._datastore, self._after, (ids, after)) if ids else []:
            originator_id = _uuid(row["originator_id"])
            if originator_id not in found:
                found[originator_id] = (None, [])
            found[originator_id][1].append((_stored(row), int(row["notification_id"])))
        return found


def _fetch(
    datastore: PostgresDatastore, statement: sql.Composed, params: Sequence[Any]
) -> list[Any]:
    with datastore.get_connection() as conn, conn.cursor(binary=True) as c:
        c.execute(statement, params, prepare=True)
        return c.fetchall()


def _statement(template: str, recorder: PostgresAggregateRecorder) -> sql.Composed:
    return sql.SQL(template).format(
        table=sql.Identifier(
            recorder.datastore.schema or "public", recorder.events_table_name
        ),
        id_type=sql.SQL(recorder.datastore.originator_id_type),
    )


def _stored(row: Any) -> StoredEvent:
    return StoredEvent(
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
    )


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)
