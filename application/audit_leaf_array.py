"""Audit leaves held compactly: 40 bytes each, a position and a raw SHA-256.

As objects a leaf costs some 200 bytes; the log holds every leaf, and a first
checkpoint over a large store holds every new one until it writes them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from application.audit_ports import Leaf

_HASH_SIZE = 32


class LeafArray:
    def __init__(self) -> None:
        self._positions = array("q")
        self._hashes = bytearray()

    def __len__(self) -> int:
        return len(self._positions)

    def __iter__(self) -> Iterator[Leaf]:
        return (self[index] for index in range(len(self)))

    def __getitem__(self, index: int) -> Leaf:
        return Leaf(self._positions[index], self.event_hash(index))

    def append(self, leaf: Leaf) -> None:
        self._positions.append(leaf.position)
        self._hashes += bytes.fromhex(leaf.event_hash)

    def extend(self, leaves: Iterable[Leaf]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def event_hash(self, index: int) -> str:
        start = index * _HASH_SIZE
        return self._hashes[start : start + _HASH_SIZE].hex()

    def last_position(self) -> int:
        """Position of the last leaf (0 when empty)."""
        return self._positions[-1] if self._positions else 0

    def index_of(self, position: int) -> int | None:
        """The index of the leaf at ``position``; positions rise with the index."""
        index = bisect_left(self._positions, position)
        if index < len(self._positions) and self._positions[index] == position:
            return index
        return None
