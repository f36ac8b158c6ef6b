"""The log of credit checks: append-only, beside the views (not an event of the
subject: a check changes nothing about the subject's credit)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from application.credit_checks import CheckEntry
from infrastructure.views.codec import params_of
from infrastructure.views.stores import ViewStore, as_dict

CREATE_CHECKS = """CREATE TABLE IF NOT EXISTS credit_checks (
    check_id {serial_key},
    checked_at TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    matter TEXT NOT NULL,
    department TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL,
    grade TEXT,
    restrictions TEXT NOT NULL,
    position BIGINT NOT NULL)"""
INDEX_CHECKS = (
    "CREATE INDEX IF NOT EXISTS credit_checks_subject "
    "ON credit_checks (subject_code, check_id)"
)
INSERT_CHECK = """INSERT INTO credit_checks
(checked_at, subject_code, matter, department, actor, outcome, grade, restrictions,
 position) VALUES
(%(checked_at)s, %(subject_code)s, %(matter)s, %(department)s, %(actor)s,
 %(outcome)s, %(grade)s, %(restrictions)s, %(position)s)
RETURNING check_id"""
SELECT_CHECKS = """SELECT checked_at, subject_code, matter, department, actor, outcome,
 grade, restrictions, position FROM credit_checks
WHERE CAST(%(subject_code)s AS TEXT) IS NULL OR subject_code = %(subject_code)s
ORDER BY check_id"""
COUNT_CHECKS = """SELECT COUNT(*) AS checks FROM credit_checks
WHERE (CAST(%(since)s AS TEXT) IS NULL OR checked_at >= %(since)s)
  AND (CAST(%(until)s AS TEXT) IS NULL OR checked_at < %(until)s)"""


class SqlCheckLog:
    def __init__(self, store: ViewStore) -> None:
        self._store = store

    def create_table(self) -> None:
        with self._store.transaction(commit=True) as c:
            c.execute(CREATE_CHECKS.format(serial_key=self._store.serial_key))
            c.execute(INDEX_CHECKS)

    def record(self, entry: CheckEntry) -> int:
        with self._store.transaction(commit=True) as c:
            # UTC text compares as time does.
            utc = replace(entry, checked_at=entry.checked_at.astimezone(UTC))
            c.execute(self._store.statement(INSERT_CHECK), params_of(utc))
            return int(c.fetchone()["check_id"])

    def entries(self, subject_code: str | None = None) -> list[CheckEntry]:
        with self._store.transaction(commit=False) as c:
            statement = self._store.statement(SELECT_CHECKS)
            c.execute(statement, {"subject_code": subject_code})
            return [_entry(as_dict(row)) for row in c.fetchall()]

    def count(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> int:
        params = {
            "since": None if since is None else since.astimezone(UTC).isoformat(),
            "until": None if until is None else until.astimezone(UTC).isoformat(),
        }
        with self._store.transaction(commit=False) as c:
            c.execute(self._store.statement(COUNT_CHECKS), params)
            return int(c.fetchone()["checks"])


def _entry(row: dict[str, Any]) -> CheckEntry:
    return CheckEntry(
        checked_at=datetime.fromisoformat(row["checked_at"]),
        subject_code=row["subject_code"],
        matter=row["matter"],
        department=row["department"],
        actor=row["actor"],
        outcome=row["outcome"],
        grade=row["grade"],
        restrictions=tuple(json.loads(row["restrictions"])),
        position=int(row["position"]),
    )
