"""Audit leaves and signed checkpoints, in append-only tables beside the events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from eventsourcing.persistence import IntegrityError

from application.audit_ports import Leaf, SignedCheckpoint
from infrastructure.audit.checkpoints import Checkpoint
from infrastructure.audit.database import AuditDatabase, Row

LEAF_COLUMNS = (
    "leaf_index BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, "
    "event_hash TEXT NOT NULL"
)
SELECT_LEAVES = (
    "SELECT position, event_hash FROM audit_leaves "
    "WHERE leaf_index >= %s ORDER BY leaf_index LIMIT %s"
)
INSERT_LEAF = (
    "INSERT INTO audit_leaves (leaf_index, position, event_hash) VALUES (%s, %s, %s)"
)

_CHECKPOINT_FIELDS = (
    "origin TEXT NOT NULL, size BIGINT NOT NULL, root_hash TEXT NOT NULL, "
    "signed_at TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL"
)
CHECKPOINT_COLUMNS = {
    "sqlite": f"id INTEGER PRIMARY KEY AUTOINCREMENT, {_CHECKPOINT_FIELDS}",
    "postgres": f"id BIGSERIAL PRIMARY KEY, {_CHECKPOINT_FIELDS}",
}
SELECT_CHECKPOINTS = (
    "SELECT origin, size, root_hash, signed_at, key_id, signature "
    "FROM audit_checkpoints "
)
INSERT_CHECKPOINT = (
    "INSERT INTO audit_checkpoints "
    "(origin, size, root_hash, signed_at, key_id, signature) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)


@dataclass(frozen=True)
class UncheckedCheckpoint:
    """A stored row that is no well-formed checkpoint: no signature check passes."""

    origin: str
    size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


class SQLLeafStore:
    def __init__(self, database: AuditDatabase) -> None:
        self._db = database
        database.create_append_only_table(
            "audit_leaves", {"sqlite": LEAF_COLUMNS, "postgres": LEAF_COLUMNS}
        )

    def read(self, start_index: int, limit: int) -> list[Leaf]:
        rows = self._db.fetch_values(SELECT_LEAVES, (start_index, limit))
        return [Leaf(int(position), event_hash) for position, event_hash in rows]

    def append(self, start_index: int, leaves: Iterable[Leaf]) -> bool:
        rows = (
            (start_index + offset, leaf.position, leaf.event_hash)
            for offset, leaf in enumerate(leaves)
        )
        try:
            self._db.execute_many(INSERT_LEAF, rows)
        except IntegrityError:
            return False
        return True


class SQLCheckpointStore:
    def __init__(self, database: AuditDatabase) -> None:
        self._db = database
        database.create_append_only_table("audit_checkpoints", CHECKPOINT_COLUMNS)

    def append(self, checkpoint: SignedCheckpoint) -> None:
        self._db.execute(
            INSERT_CHECKPOINT,
            (
                checkpoint.origin,
                checkpoint.size,
                checkpoint.root_hash,
                checkpoint.timestamp,
                checkpoint.key_id,
                checkpoint.signature,
            ),
        )

    def latest(self) -> SignedCheckpoint | None:
        return self._one("ORDER BY id DESC LIMIT 1")

    def at_size(self, size: int) -> SignedCheckpoint | None:
        return self._one("WHERE size = %s ORDER BY id DESC LIMIT 1", size)

    def first_covering(self, leaf_index: int) -> SignedCheckpoint | None:
        return self._one("WHERE size > %s ORDER BY size, id LIMIT 1", leaf_index)

    def all(self) -> list[SignedCheckpoint]:
        rows = self._db.fetch(SELECT_CHECKPOINTS + "ORDER BY id")
        return [_checkpoint(r) for r in rows]

    def _one(self, clause: str, *params: int) -> SignedCheckpoint | None:
        rows = self._db.fetch(SELECT_CHECKPOINTS + clause, params)
        return _checkpoint(rows[0]) if rows else None


def _checkpoint(row: Row) -> SignedCheckpoint:
    fields = {
        "origin": row["origin"],
        "size": int(row["size"]),
        "root_hash": row["root_hash"],
        "timestamp": row["signed_at"],
        "key_id": row["key_id"],
        "signature": row["signature"],
    }
    try:
        return Checkpoint(**fields)
    except ValueError:
        # An edited row must reach the verifier, which rejects it, not crash it.
        return UncheckedCheckpoint(**fields)
