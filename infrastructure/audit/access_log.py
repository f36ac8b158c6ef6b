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
        self._db.execute_many(INSERT, [_row(r) for r in records])

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
