"""API-key tables beside the event store: SQLite, PostgreSQL, or memory for tests."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from application.keys import ApiKeyRecord

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS api_keys ("
    "key_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, department TEXT NOT NULL,"
    " actor TEXT NOT NULL, scopes TEXT NOT NULL, created_at TEXT NOT NULL,"
    " revoked_at TEXT)"
)
COLUMNS = "key_id, key_hash, department, actor, scopes, created_at, revoked_at"


def _row(record: ApiKeyRecord) -> tuple[str, ...]:
    return (
        record.key_id,
        record.key_hash,
        record.department,
        record.actor,
        " ".join(sorted(record.scopes)),
        record.created_at.isoformat(),
    )


def _record(row: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=row[0],
        key_hash=row[1],
        department=row[2],
        actor=row[3],
        scopes=frozenset(row[4].split()),
        created_at=datetime.fromisoformat(row[5]),
        revoked_at=datetime.fromisoformat(row[6]) if row[6] else None,
    )


class SQLiteKeyStore:
    def close(self) -> None:
        """Each call opens its own connection; nothing stays open."""

    def __init__(self, path: Path) -> None:
        self._path = path
        with closing(self._connect()) as db, db:
            db.execute(CREATE_TABLE)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def add(self, record: ApiKeyRecord) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                f"INSERT INTO api_keys ({COLUMNS}) VALUES (?,?,?,?,?,?,NULL)",
                _row(record),
            )

    def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        with closing(self._connect()) as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM api_keys WHERE key_hash=?", (key_hash,)
            ).fetchone()
        return _record(row) if row else None

    def revoke(self, key_id: str, at: datetime) -> bool:
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "UPDATE api_keys SET revoked_at=? "
                "WHERE key_id=? AND revoked_at IS NULL",
                (at.isoformat(), key_id),
            )
            return cursor.rowcount == 1

    def list(self) -> list[ApiKeyRecord]:
        with closing(self._connect()) as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM api_keys ORDER BY created_at")
            return [_record(r) for r in rows.fetchall()]


class PostgresKeyStore:
    def __init__(self, conninfo: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as db:
            db.execute(CREATE_TABLE)
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=4, open=True)

    def close(self) -> None:
        self._pool.close()

    def add(self, record: ApiKeyRecord) -> None:
        with self._pool.connection() as db:
            db.execute(
                f"INSERT INTO api_keys ({COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,NULL)",
                _row(record),
            )

    def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        with self._pool.connection() as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM api_keys WHERE key_hash=%s", (key_hash,)
            ).fetchone()
        return _record(row) if row else None

    def revoke(self, key_id: str, at: datetime) -> bool:
        with self._pool.connection() as db:
            cursor = db.execute(
                "UPDATE api_keys SET revoked_at=%s "
                "WHERE key_id=%s AND revoked_at IS NULL",
                (at.isoformat(), key_id),
            )
            return cursor.rowcount == 1

    def list(self) -> list[ApiKeyRecord]:
        with self._pool.connection() as db:
            rows = db.execute(f"SELECT {COLUMNS} FROM api_keys ORDER BY created_at")
            return [_record(r) for r in rows.fetchall()]


class InMemoryKeyStore:
    def __init__(self) -> None:
        self._records: dict[str, ApiKeyRecord] = {}

    def close(self) -> None:
        """Nothing to release."""

    def add(self, record: ApiKeyRecord) -> None:
        self._records[record.key_id] = record

    def find_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        return next((r for r in self._records.values() if r.key_hash == key_hash), None)

    def revoke(self, key_id: str, at: datetime) -> bool:
        record = self._records.get(key_id)
        if record is None or record.revoked_at is not None:
            return False
        self._records[key_id] = ApiKeyRecord(**{**vars(record), "revoked_at": at})
        return True

    def list(self) -> list[ApiKeyRecord]:
        return list(self._records.values())
