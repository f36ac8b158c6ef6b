"""What the audit log needs from outside: leaf and checkpoint storage, a signer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple, Protocol


class Leaf(NamedTuple):
    """One event in the audit log: its global position and canonical hash (hex)."""

    position: int
    event_hash: str


class LeafStore(Protocol):
    def read(self, start_index: int, limit: int) -> list[Leaf]:
        """Leaves from ``start_index`` on, in leaf order, at most ``limit``."""
        ...

    def append(self, start_index: int, leaves: Iterable[Leaf]) -> bool:
        """Store leaves from ``start_index``, all or none; False if that index
        is already taken."""
        ...


class SignedCheckpoint(Protocol):
    @property
    def origin(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def root_hash(self) -> str: ...

    @property
    def timestamp(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    @property
    def signature(self) -> str: ...

    def to_json(self) -> str: ...


class CheckpointStore(Protocol):
    def append(self, checkpoint: SignedCheckpoint) -> None: ...

    def latest(self) -> SignedCheckpoint | None: ...

    def at_size(self, size: int) -> SignedCheckpoint | None:
        """The last checkpoint signed at exactly this tree size."""
        ...

    def first_covering(self, leaf_index: int) -> SignedCheckpoint | None:
        """The smallest checkpoint whose tree contains this leaf."""
        ...

    def all(self) -> list[SignedCheckpoint]:
        """Every checkpoint in the order they were signed."""
        ...


class Signer(Protocol):
    def sign(self, size: int, root_hash: str, at: datetime) -> SignedCheckpoint: ...

    def public_key_pem(self) -> bytes: ...


# True when the log's key signed exactly this checkpoint.
SignatureCheck = Callable[[SignedCheckpoint], bool]
