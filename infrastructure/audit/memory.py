"""Audit storage in memory, for the in-memory event store that tests use."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from application.access import AccessRecord
from application.audit_ports import Leaf, SignedCheckpoint


class InMemoryLeafStore:
    def __init__(self) -> None:
        self._leaves: list[Leaf] = []
        self._lock = threading.Lock()

    def read(self, start_index: int, limit: int) -> list[Leaf]:
        with self._lock:
            return self._leaves[start_index : start_index + limit]

    def append(self, start_index: int, leaves: Iterable[Leaf]) -> bool:
        with self._lock:
            if start_index != len(self._leaves):
                return False
            self._leaves.extend(leaves)
            return True


class InMemoryCheckpointStore:
    def __init__(self) -> None:
        self._checkpoints: list[SignedCheckpoint] = []

    def append(self, checkpoint: SignedCheckpoint) -> None:
        self._checkpoints.append(checkpoint)

    def latest(self) -> SignedCheckpoint | None:
        return self._checkpoints[-1] if self._checkpoints else None

    def at_size(self, size: int) -> SignedCheckpoint | None:
        matching = [c for c in self._checkpoints if c.size == size]
        return matching[-1] if matching else None

    def first_covering(self, leaf_index: int) -> SignedCheckpoint | None:
        covering = [c for c in self._checkpoints if c.size > leaf_index]
        return min(covering, key=lambda c: c.size) if covering else None

    def all(self) -> list[SignedCheckpoint]:
        return list(self._checkpoints)


class InMemoryAccessLog:
    def __init__(self) -> None:
        self._records: list[AccessRecord] = []

    def append(self, record: AccessRecord) -> None:
        self._records.append(record)

    def append_many(self, records: Sequence[AccessRecord]) -> None:
        self._records.extend(records)

    def close(self) -> None:
        """Nothing to release."""

    def recent(self, limit: int) -> list[AccessRecord]:
        return self._records[::-1][:limit]
