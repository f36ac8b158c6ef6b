"""The audit log: every stored event a leaf of an RFC 9162 Merkle tree, in order.

Leaf ``i`` is the event at the ``i``-th position of the store's global log; its
leaf data is the event's canonical hash as hex text. Positions may skip numbers
(PostgreSQL consumes a sequence value on a refused insert), so the log keeps the
position of each leaf. Leaves are stored as the log grows and are the source of
truth afterwards: proofs stay consistent with what was signed even if someone
later edits the event store (``audit verify`` then names the edit). The new
events of a run are logged in one write, and only once each one's hash chain
checks (``audit_chain``): a broken chain logs nothing of that run. Nor does a
run whose stored leaves no longer give the root of the latest checkpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eventsourcing.persistence import Notification

from application.audit_chain import ChainCheck, NewEvent
from application.audit_errors import (
    AuditLogCorrupted,
    NoCheckpoint,
    OutOfRange,
    UnknownPosition,
)
from application.audit_event_log import IdCache
from application.audit_leaf_array import LeafArray
from application.audit_ports import (
    CheckpointStore,
    Leaf,
    LeafStore,
    SignedCheckpoint,
    Signer,
)
from application.clock import Clock
from application.ledger import CreditLedger
from application.stored_events import decoded
from domain.merkle import MerkleLog, leaf_hash

LOAD_BATCH = 10_000


@dataclass(frozen=True)
class InclusionProof:
    position: int
    leaf_index: int
    size: int
    event_hash: str
    root_hash: str
    path: list[str]


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    path: list[str]


class AuditLog:
    """Thread-safe; any number of processes may share one store of leaves."""

    def __init__(
        self,
        ledger: CreditLedger,
        leaves: LeafStore,
        checkpoints: CheckpointStore,
        signer: Callable[[], Signer],
        clock: Clock,
        batch_size: int = 1000,
    ) -> None:
        self.ledger = ledger
        self.checkpoints = checkpoints
        self.leaves = leaves
        self._make_signer = signer
        self._signer: Signer | None = None
        self._clock = clock
        self._batch_size = batch_size
        self._tree = MerkleLog()
        self._logged = LeafArray()
        self._ids = IdCache()
        self._lock = threading.RLock()

    @property
    def size(self) -> int:
        return self._tree.size

    @property
    def last_position(self) -> int:
        """Position of the last event in the log (0 when empty)."""
        with self._lock:
            return self._logged.last_position()

    def refresh(self) -> int:
        """Read leaves other processes logged; writes nothing. Returns the size."""
        with self._lock:
            self._load_stored()
            return self._tree.size

    def catch_up(self) -> int:
        """Log every event stored since the last leaf, in one write, once each
        one's hash chain checks (``HashChainBroken`` otherwise, and nothing is
        logged); return the tree size."""
        with self._lock:
            while True:
                self._load_stored()
                new = self._unlogged_leaves()
                if not new:
                    return self._tree.size
                if self.leaves.append(self._tree.size, new):
                    self._extend(new)
                    return self._tree.size
                # Another process logged first: log what its leaves left.

    def index_of(self, position: int) -> int | None:
        with self._lock:
            return self._logged.index_of(position)

    def leaf(self, index: int) -> Leaf:
        with self._lock:
            return self._logged[index]

    def root_hash(self, size: int) -> str:
        with self._lock:
            self._check_size(size)
            return self._tree.root(size).hex()

    def inclusion(self, position: int, size: int) -> InclusionProof:
        with self._lock:
            self._check_size(size)
            index = self.index_of(position)
            if index is None:
                msg = (
                    f"No event at position {position} is in the audit log "
                    "(a new event is logged when the next checkpoint is signed)"
                )
                raise UnknownPosition(msg)
            if index >= size:
                msg = (
                    f"The event at position {position} is leaf {index}, "
                    f"outside the tree of size {size}"
                )
                raise OutOfRange(msg)
            return InclusionProof(
                position=position,
                leaf_index=index,
                size=size,
                event_hash=self._logged.event_hash(index),
                root_hash=self._tree.root(size).hex(),
                path=[h.hex() for h in self._tree.inclusion_proof(index, size)],
            )

    def consistency(self, old_size: int, new_size: int) -> ConsistencyProof:
        with self._lock:
            self._check_size(new_size)
            if not 0 <= old_size <= new_size:
                msg = f"from ({old_size}) must lie between 0 and to ({new_size})"
                raise OutOfRange(msg)
            return ConsistencyProof(
                old_size=old_size,
                new_size=new_size,
                old_root=self._tree.root(old_size).hex(),
                new_root=self._tree.root(new_size).hex(),
                path=[
                    h.hex() for h in self._tree.consistency_proof(old_size, new_size)
                ],
            )

    # Checkpoints -----------------------------------------------------------

    def latest_checkpoint(self) -> SignedCheckpoint:
        checkpoint = self.checkpoints.latest()
        if checkpoint is None:
            raise NoCheckpoint("No checkpoint has been signed yet")
        return checkpoint

    def checkpoint_at(self, size: int | None) -> SignedCheckpoint:
        if size is None:
            return self.latest_checkpoint()
        checkpoint = self.checkpoints.at_size(size)
        if checkpoint is None:
            raise NoCheckpoint(f"No checkpoint was signed at tree size {size}")
        return checkpoint

    def sign_checkpoint(self) -> SignedCheckpoint:
        """Sign the tree as it is now, after catching up with the store; refused
        before logging anything when the stored leaves no longer give the root
        of the latest checkpoint."""
        with self._lock:
            # The key first: a key that cannot be used stops this before the
            # catching up, which may take long on a large store.
            signer = self._get_signer()
            self._check_extends_latest()
            size = self.catch_up()
            # Another process may have signed since the first check.
            self._check_extends_latest()
            checkpoint = signer.sign(
                size, self._tree.root(size).hex(), self._clock.now()
            )
            self.checkpoints.append(checkpoint)
            return checkpoint

    def sign_if_grown(self) -> SignedCheckpoint | None:
        """Sign only if events arrived since the latest checkpoint, or none exists."""
        with self._lock:
            latest = self._check_extends_latest()
            if latest is not None and self.catch_up() == latest.size:
                return None
            return self.sign_checkpoint()

    def public_key_pem(self) -> bytes:
        return self._get_signer().public_key_pem()

    def load_signer(self) -> None:
        """Load the signing key now rather than at the first checkpoint, so a
        key that cannot be used (``AuditKeyUnusable``) stops a service before
        it starts."""
        self._get_signer()

    # Helpers ---------------------------------------------------------------

    def _get_signer(self) -> Signer:
        if self._signer is None:
            self._signer = self._make_signer()
        return self._signer

    def _check_extends_latest(self) -> SignedCheckpoint | None:
        """Return the latest checkpoint once the stored leaves give its root
        (``AuditLogCorrupted`` otherwise). Never sign a tree that does not
        extend what was signed before; and writing nothing, this refuses a run
        over altered leaves before it logs any of its own."""
        self._load_stored()
        latest = self.checkpoints.latest()
        if latest is None:
            return None
        if latest.size > self._tree.size or (
            self._tree.root(latest.size).hex() != latest.root_hash
        ):
            msg = (
                f"The stored audit leaves do not give the root signed at size "
                f"{latest.size}; run `credit-ledger audit verify`"
            )
            raise AuditLogCorrupted(msg)
        return latest

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self._tree.size:
            msg = f"Tree size {size} is outside 0..{self._tree.size}"
            raise OutOfRange(msg)

    def _unlogged_leaves(self) -> LeafArray:
        """The leaves of the events after the last leaf, their chains checked."""
        chain = ChainCheck(self.ledger.positions, self._logged_hash_at)
        new = LeafArray()
        after = self.last_position
        while batch := self.ledger.recorder.select_notifications(
            start=after + 1, limit=self._batch_size
        ):
            events = [self._new_event(n) for n in batch]
            chain.check(events)
            new.extend(Leaf(event.position, event.hash) for event in events)
            after = batch[-1].id
        return new

    def _logged_hash_at(self, position: int) -> str | None:
        index = self._logged.index_of(position)
        return None if index is None else self._logged.event_hash(index)

    def _new_event(self, notification: Notification) -> NewEvent:
        found = decoded(self.ledger, notification)
        if found is None:
            # Logging damaged bytes as a leaf would sign the damage.
            msg = (
                f"The event at position {notification.id} cannot be decoded; "
                "run `credit-ledger audit verify`"
            )
            raise AuditLogCorrupted(msg)
        event, digest = found
        return NewEvent(
            position=notification.id,
            subject_id=self._ids.uuid(notification.originator_id),
            subject_code=event.subject_code,
            version=notification.originator_version,
            previous_hash=event.previous_hash,
            hash=digest,
        )

    def _load_stored(self) -> None:
        while stored := self.leaves.read(self._tree.size, LOAD_BATCH):
            self._extend(stored)

    def _extend(self, leaves: Iterable[Leaf]) -> None:
        for leaf in leaves:
            self._tree.append(leaf_hash(leaf.event_hash.encode()))
            self._logged.append(leaf)
