"""Where the relay got to: stored beside the event store, read on restart."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Protocol

import psycopg


class RelayPositions(Protocol):
    def get(self, topic: str) -> int: ...

    def set(self, topic: str, position: int) -> None: ...


CREATE = (
    "CREATE TABLE IF NOT EXISTS relay_positions "
    "(topic TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)


class PostgresRelayPositions:
    def __init__(self, conninfo: str) -> None:
        self._db = psycopg.connect(conninfo, autocommit=True)
        self._db.execute(CREATE)

    def get(self, topic: str) -> int:
        row = self._db.execute(
            "SELECT position FROM relay_positions WHERE topic=%s", (topic,)
        ).fetchone()
        return int(row[0]) if row else 0

    def set(self, topic: str, position: int) -> None:
        self._db.execute(
            "INSERT INTO relay_positions VALUES (%s, %s) ON CONFLICT (topic) "
            "DO UPDATE SET position = EXCLUDED.position",
            (topic, position),
        )

    def close(self) -> None:
        self._db.close()


class SQLiteRelayPositions:
    def __init__(self, path: Path) -> None:
        self._path = path
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(CREATE)

    def get(self, topic: str) -> int:
        with closing(sqlite3.connect(self._path)) as db:
            row = db.execute(
                "SELECT position FROM relay_positions WHERE topic=?", (topic,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, topic: str, position: int) -> None:
        with closing(sqlite3.connect(self._path, timeout=30)) as db, db:
            db.execute(
                "INSERT INTO relay_positions VALUES (?, ?) ON CONFLICT (topic) "
                "DO UPDATE SET position = excluded.position",
                (topic, position),
            )
