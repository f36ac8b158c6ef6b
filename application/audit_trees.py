"""The two Merkle trees ``audit verify`` holds against the signed checkpoints.

One is of the store as it is now (a leaf per event, in position order), the
other of the leaves the audit log recorded. In an untouched store they are one
and the same tree, so while they agree only one is built; the recorded tree is
copied out of it at the first leaf where they part.
"""

from __future__ import annotations

from typing import Protocol

from domain.merkle import MerkleLog, leaf_hash


class Roots(Protocol):
    @property
    def size(self) -> int: ...

    def root(self, size: int | None = None) -> bytes: ...


class _Prefix:
    """The first ``size`` leaves of a tree, as a tree of their own."""

    def __init__(self, tree: MerkleLog, size: int) -> None:
        self._tree = tree
        self.size = size

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} outside 0..{self.size}")
        return self._tree.root(size)


class LeafTrees:
    def __init__(self) -> None:
        self.store = MerkleLog()
        # None while the recorded tree is the first _logged_size leaves of store.
        self._logged: MerkleLog | None = None
        self._logged_size = 0
        self._last_event: str | None = None

    @property
    def logged(self) -> Roots:
        if self._logged is None:
            return _Prefix(self.store, self._logged_size)
        return self._logged

    def add_event(self, data: str) -> None:
        """The next event of the store; ``data`` is its hash as hex text."""
        self.store.append(leaf_hash(data.encode()))
        self._last_event = data

    def add_leaf(self, data: str) -> None:
        """The next leaf the audit log recorded."""
        if self._logged is None:
            if self._logged_size == self.store.size - 1 and data == self._last_event:
                self._logged_size += 1
                return
            self._logged = MerkleLog(
                self.store.leaf_hash(i) for i in range(self._logged_size)
            )
        self._logged.append(leaf_hash(data.encode()))
