"""The audit tables live in the event store's own database, through its datastore.

Statements are written once with ``%s`` placeholders; SQLite gets ``?``. Tables
are made append-only with triggers that refuse UPDATE, DELETE (and, on
PostgreSQL, TRUNCATE): not a defence against the database owner, who can drop a
trigger, but it stops mistakes and makes tampering a deliberate act, which the
signed checkpoints then expose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

Row = dict[str, Any]

_PG_APPEND_ONLY_FUNCTION = (
    "CREATE OR REPLACE FUNCTION credit_ledger_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
)


class AuditDatabase:
    def __init__(self, recorder: ApplicationRecorder) -> None:
        if isinstance(recorder, SQLiteApplicationRecorder):
            self.dialect = "sqlite"
        elif isinstance(recorder, PostgresApplicationRecorder):
            self.dialect = "postgres"
        else:
            msg = f"No audit tables for {type(recorder).__name__}"
            raise TypeError(msg)
        self._datastore: Any = recorder.datastore

    def create_append_only_table(self, table: str, columns: dict[str, str]) -> None:
        """``columns`` maps each dialect to its column list (text inside the ())."""
        statements = [f"CREATE TABLE IF NOT EXISTS {table} ({columns[self.dialect]})"]
        if self.dialect == "sqlite":
            statements += [
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                f"BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                for action in ("UPDATE", "DELETE")
            ]
        else:
            statements += [
                _PG_APPEND_ONLY_FUNCTION,
                f"CREATE OR REPLACE TRIGGER {table}_append_only "
                f"BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only()",
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate "
                f"BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION credit_ledger_append_only()",
            ]
        with self._transaction(commit=True) as cursor:
            for statement in statements:
                cursor.execute(statement)

    def fetch(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._transaction(commit=False) as cursor:
            cursor.execute(self._native(statement), tuple(params))
            return [dict(row) for row in cursor.fetchall()]

    def fetch_values(
        self, statement: str, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Like ``fetch``, each row as a tuple of its columns (cheaper to build)."""
        with self._transaction(commit=False) as cursor:
            cursor.execute(self._native(statement), tuple(params))
            rows = cursor.fetchall()
        if self.dialect == "sqlite":
            return [tuple(row) for row in rows]
        return [tuple(row.values()) for row in rows]

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.execute_many(statement, [params])

    def execute_many(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        """All rows in one transaction; eventsourcing's IntegrityError on conflict.
        The rows are read as they are written: a first checkpoint over a large
        store writes millions."""
        with self._transaction(commit=True) as cursor:
            cursor.executemany(self._native(statement), (tuple(r) for r in rows))

    def _native(self, statement: str) -> str:
        return statement.replace("%s", "?") if self.dialect == "sqlite" else statement

    @contextmanager
    def _transaction(self, commit: bool) -> Iterator[Any]:
        with self._datastore.transaction(commit=commit) as cursor:
            yield cursor
