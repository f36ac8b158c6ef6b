"""Position lookups straight from the recorders' tables, one indexed query each."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

from application.positions import PositionIndex, ScanningPositionIndex


class SQLitePositionIndex:
    def __init__(self, recorder: SQLiteApplicationRecorder) -> None:
        self._recorder = recorder
        self._statement = (
            f"SELECT originator_version, rowid FROM {recorder.events_table_name} "
            "WHERE originator_id=?"
        )

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self._recorder.datastore.transaction(commit=False) as c:
            c.execute(self._statement, (originator_id.hex,))
            return {int(row[0]): int(row[1]) for row in c.fetchall()}


class PostgresPositionIndex:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self._recorder = recorder
        self._statement = sql.SQL(
            "SELECT originator_version, notification_id FROM {}.{} "
            "WHERE originator_id = %s"
        ).format(
            sql.Identifier(recorder.datastore.schema or "public"),
            sql.Identifier(recorder.events_table_name),
        )

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        with self._recorder.datastore.transaction(commit=False) as c:
            c.execute(self._statement, (originator_id,))
            return {
                int(row["originator_version"]): int(row["notification_id"])
                for row in c.fetchall()
            }


def position_index_for(recorder: ApplicationRecorder) -> PositionIndex:
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLitePositionIndex(recorder)
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresPositionIndex(recorder)
    return ScanningPositionIndex(recorder)
