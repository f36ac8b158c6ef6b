"""Where the relay got to: stored beside the event store, read on restart.

Besides its position the relay keeps, per partition, the last position it
published there and the offset the broker will give the next record
(``PartitionMark``), saved in the same transaction as the position: the first
chains the messages (``partition_previous``), the second tells the relay that
the broker lost records it had acknowledged (offsets went backwards), and both
let readers know how far the relay's publishing reaches in each partition.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg


@dataclass(frozen=True)
class PartitionMark:
    last_position: int
    next_offset: int


class RelayPositions(Protocol):
    def get(self, topic: str) -> int: ...

    def set(self, topic: str, position: int) -> None: ...

    def marks(self, topic: str) -> dict[int, PartitionMark]: ...

    def save(
        self, topic: str, position: int, marks: Mapping[int, PartitionMark]
    ) -> None: ...


CREATE = (
    "CREATE TABLE IF NOT EXISTS relay_positions "
    "(topic TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
CREATE_MARKS = (
    "CREATE TABLE IF NOT EXISTS relay_partitions (topic TEXT NOT NULL, "
    "partition_no INTEGER NOT NULL, last_position BIGINT NOT NULL, "
    "next_offset BIGINT NOT NULL, PRIMARY KEY (topic, partition_no))"
)
SELECT_MARKS = (
    "SELECT partition_no, last_position, next_offset FROM relay_partitions "
    "WHERE topic = %(topic)s"
)
UPSERT_POSITION = (
    "INSERT INTO relay_positions VALUES (%(topic)s, %(position)s) "
    "ON CONFLICT (topic) DO UPDATE SET position = excluded.position"
)
UPSERT_MARK = (
    "INSERT INTO relay_partitions VALUES "
    "(%(topic)s, %(partition)s, %(last_position)s, %(next_offset)s) "
    "ON CONFLICT (topic, partition_no) DO UPDATE SET "
    "last_position = excluded.last_position, next_offset = excluded.next_offset"
)
DELETE_MARKS = "DELETE FROM relay_partitions WHERE topic = %(topic)s"


def _mark_params(
    topic: str, marks: Mapping[int, PartitionMark]
) -> list[dict[str, Any]]:
    return [
        {
            "topic": topic,
            "partition": partition,
            "last_position": mark.last_position,
            "next_offset": mark.next_offset,
        }
        for partition, mark in sorted(marks.items())
    ]


def _marks(rows: list[Any]) -> dict[int, PartitionMark]:
    return {int(r[0]): PartitionMark(int(r[1]), int(r[2])) for r in rows}


class PostgresRelayPositions:
    def __init__(self, conninfo: str) -> None:
        self._db = psycopg.connect(conninfo, autocommit=True)
        self._db.execute(CREATE)
        self._db.execute(CREATE_MARKS)

    def get(self, topic: str) -> int:
        row = self._db.execute(
            "SELECT position FROM relay_positions WHERE topic=%s", (topic,)
        ).fetchone()
        return int(row[0]) if row else 0

    def set(self, topic: str, position: int) -> None:
        self._db.execute(UPSERT_POSITION, {"topic": topic, "position": position})

    def marks(self, topic: str) -> dict[int, PartitionMark]:
        rows = self._db.execute(SELECT_MARKS, {"topic": topic}).fetchall()
        return _marks(rows)

    def save(
        self, topic: str, position: int, marks: Mapping[int, PartitionMark]
    ) -> None:
        with self._db.transaction(), self._db.cursor() as c:
            c.execute(DELETE_MARKS, {"topic": topic})
            c.executemany(UPSERT_MARK, _mark_params(topic, marks))
            c.execute(UPSERT_POSITION, {"topic": topic, "position": position})

    def close(self) -> None:
        self._db.close()


def _sqlite(statement: str) -> str:
    return statement.replace("%(", ":").replace(")s", "")


class SQLiteRelayPositions:
    def __init__(self, path: Path) -> None:
        self._path = path
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(CREATE)
            db.execute(CREATE_MARKS)

    def get(self, topic: str) -> int:
        with closing(sqlite3.connect(self._path)) as db:
            row = db.execute(
                "SELECT position FROM relay_positions WHERE topic=?", (topic,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, topic: str, position: int) -> None:
        self.save(topic, position, self.marks(topic))

    def marks(self, topic: str) -> dict[int, PartitionMark]:
        with closing(sqlite3.connect(self._path)) as db:
            rows = db.execute(_sqlite(SELECT_MARKS), {"topic": topic}).fetchall()
        return _marks(rows)

    def save(
        self, topic: str, position: int, marks: Mapping[int, PartitionMark]
    ) -> None:
        with closing(sqlite3.connect(self._path, timeout=30)) as db, db:
            db.execute(_sqlite(DELETE_MARKS), {"topic": topic})
            db.executemany(_sqlite(UPSERT_MARK), _mark_params(topic, marks))
            db.execute(_sqlite(UPSERT_POSITION), {"topic": topic, "position": position})
