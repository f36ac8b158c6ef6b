"""A store as someone with direct access to its database sees it: the tests
that tamper with stored events, and what finds it, share it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.services import PostgresServer


@dataclass
class RawStore:
    """The database as someone with direct access sees it."""

    kind: str
    url: str
    directory: Path

    @property
    def table(self) -> str:
        return "stored_events" if self.kind == "sqlite" else "creditledger_events"

    @property
    def position(self) -> str:
        return "rowid" if self.kind == "sqlite" else "notification_id"

    def execute(self, statement: str, *params: Any) -> list[Any]:
        if self.kind == "sqlite":
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as db:
                rows = db.execute(statement, params).fetchall()
                db.commit()
                return rows
        with psycopg.connect(self.url) as db:
            cursor = db.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def state(self, position: int) -> bytes:
        [(state,)] = self.execute(
            f"SELECT state FROM {self.table} WHERE {self.position} = ?", position
        )
        return bytes(state)

    def set_state(self, position: int, state: bytes) -> None:
        self.execute(
            f"UPDATE {self.table} SET state = ? WHERE {self.position} = ?",
            state,
            position,
        )

    def edit(self, position: int, old: bytes, new: bytes) -> None:
        """The event stays valid JSON; only the bytes it hashes change."""
        state = self.state(position)
        assert old in state
        self.set_state(position, state.replace(old, new))

    def delete(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.table} WHERE {self.position} = ?", position)

    def swap(self, first: int, second: int) -> None:
        for old, new in ((first, -1), (second, first), (-1, second)):
            self.execute(
                f"UPDATE {self.table} SET {self.position} = ? "
                f"WHERE {self.position} = ?",
                new,
                old,
            )

    def drop_append_only_guard(self, table: str) -> None:
        if self.kind == "sqlite":
            self.execute(f"DROP TRIGGER {table}_no_update")
        else:
            self.execute(f"DROP TRIGGER {table}_append_only ON {table}")


def tampered_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of the fixture's kind (``request.param``): its URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.make_database()
