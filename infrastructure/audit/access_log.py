"""The access log as an append-only table beside the events (paths already masked)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from application.access import AccessRecord
from infrastructure.audit.database import AuditDatabase

_FIELDS = (
    "at TEXT NOT NULL, key_id TEXT, department TEXT, actor TEXT, "
    "method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL"
)
ACCESS_COLUMNS = {
    "sqlite": f"id INTEGER PRIMARY KEY AUTOINCREMENT, {_FIELDS}",
    "postgres": f"id BIGSERIAL PRIMARY KEY, {_FIELDS}",
}
INSERT = (
    "INSERT INTO access_log (at, key_id, department, actor, method, path, status) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
INSERT_COLUMNS = (
    "INSERT INTO access_log (at, key_id, department, actor, method, path, status) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::text[], %s::text[], %s::integer[])"
)
SELECT_RECENT = (
    "SELECT at, key_id, department, actor, method, path, status FROM access_log "
    "ORDER BY id DESC LIMIT %s"
)


def _row(record: AccessRecord) -> tuple[object, ...]:
    return (
        record.at.isoformat(),
        record.key_id,
        record.department,
        record.actor,
        record.method,
        record.path,
        record.status,
    )


class SQLAccessLog:
    def __init__(self, database: AuditDatabase) -> None:
        self._db = database
        database.create_append_only_table("access_log", ACCESS_COLUMNS)

    def append(self, record: AccessRecord) -> None:
        self.append_many([record])

    def close(self) -> None:
        """The connection belongs to the event store's datastore."""

    def append_many(self, records: Sequence[AccessRecord]) -> None:
        rows = [_row(r) for r in records]
        if not rows:
            return
        if self._db.dialect == "postgres":
            # One statement a flush, its columns as arrays: psycopg sent a flush
            # of hundreds of rows as a statement each, which took the API's
            # interpreter a twentieth of its time under load.
            columns = [list(column) for column in zip(*rows, strict=True)]
            self._db.execute(INSERT_COLUMNS, columns)
        else:
            self._db.execute_many(INSERT, rows)

    def recent(self, limit: int) -> list[AccessRecord]:
        return [
            AccessRecord(
                at=datetime.fromisoformat(row["at"]),
                key_id=row["key_id"],
                department=row["department"],
                actor=row["actor"],
                method=row["method"],
                path=row["path"],
                status=int(row["status"]),
            )
            for row in self._db.fetch(SELECT_RECENT, (limit,))
        ]
