"""The hash chain of each event the audit log is about to log, checked first.

A leaf logged and signed over an event that does not chain to its subject's
previous event would put signed evidence behind an altered store. The previous
event is either logged already, and then its hash is its leaf, or it comes
earlier in the same run: so the check decodes nothing more than logging does,
and finds the positions of the logged predecessors of a batch in one lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from application.audit_errors import HashChainBroken
from application.audit_event_log import IdCache
from application.positions import PositionIndex
from domain.canonical import GENESIS_HASH


@dataclass(frozen=True, slots=True)
class NewEvent:
    """What the chain check needs of an event about to be logged."""

    position: int
    subject_id: UUID
    subject_code: str
    version: int
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class _Predecessor:
    hash: str | None  # None: there is none to chain to
    problem: str  # what a mismatch means


class ChainCheck:
    """One run's check: it remembers the events it passed, as that run logs them."""

    def __init__(
        self, positions: PositionIndex, logged_hash_at: Callable[[int], str | None]
    ) -> None:
        self._positions = positions
        self._logged_hash_at = logged_hash_at
        self._ids = IdCache()
        # Per subject: version, hash and position of its last event in this run.
        self._run_heads: dict[UUID, tuple[int, str, int]] = {}

    def check(self, batch: Sequence[NewEvent]) -> None:
        """``HashChainBroken`` naming the first event of ``batch``, in position
        order, whose ``previous_hash`` is not its predecessor's hash."""
        logged = self._logged_predecessors(batch)
        for event in batch:
            predecessor = self._predecessor(event, logged)
            if predecessor.hash != event.previous_hash:
                raise HashChainBroken(_refusal(event, predecessor.problem))
            self._run_heads[event.subject_id] = (
                event.version,
                event.hash,
                event.position,
            )

    def _logged_predecessors(
        self, batch: Sequence[NewEvent]
    ) -> dict[tuple[UUID, int], int]:
        """Where the store holds the previous versions this run has not passed
        (logged before it, unless the store was altered)."""
        earlier: set[tuple[UUID, int]] = set()
        wanted: dict[UUID, tuple[int, int]] = {}
        for event in batch:
            subject, previous = event.subject_id, event.version - 1
            if previous and not (
                (subject, previous) in earlier or self._in_run(subject, previous)
            ):
                low, high = wanted.get(subject, (previous, previous))
                wanted[subject] = (min(low, previous), max(high, previous))
            earlier.add((subject, event.version))
        found = self._positions.stored_in_ranges(wanted) if wanted else []
        return {
            (self._ids.uuid(stored.originator_id), stored.originator_version): position
            for stored, position in found
        }

    def _in_run(self, subject_id: UUID, version: int) -> bool:
        head = self._run_heads.get(subject_id)
        return head is not None and head[0] == version

    def _predecessor(
        self, event: NewEvent, logged: dict[tuple[UUID, int], int]
    ) -> _Predecessor:
        if event.version == 1:
            return _Predecessor(
                GENESIS_HASH,
                "previous_hash is not 64 zeros, as a first event's must be",
            )
        previous = event.version - 1
        head = self._run_heads.get(event.subject_id)
        if head is not None and head[0] == previous:
            return _Predecessor(head[1], _mismatch(previous, head[2]))
        position = logged.get((event.subject_id, previous))
        if position is None:
            return _Predecessor(None, f"version {previous} is not in the store")
        logged_hash = self._logged_hash_at(position)
        if logged_hash is None:
            return _Predecessor(
                None,
                f"version {previous} (position {position}) is not in the audit log",
            )
        return _Predecessor(logged_hash, _mismatch(previous, position))


def _mismatch(version: int, position: int) -> str:
    return (
        f"previous_hash is not the hash of version {version} at position "
        f"{position}: one of the two was altered"
    )


def _refusal(event: NewEvent, problem: str) -> str:
    return (
        f"hash chain broken: subject {event.subject_code}, version {event.version} "
        f"(position {event.position}): {problem}. Nothing was logged or signed; "
        "run `credit-ledger audit verify`"
    )
