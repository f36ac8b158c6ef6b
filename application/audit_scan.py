"""The single pass of ``audit verify`` over the store, in position order.

For each event: does it decode, is it stored under its own subject, do its
subject's versions run 1, 2, 3... in position order, is its ``previous_hash``
the hash of the version before, and is its hash the leaf the audit log recorded
at its position. It also builds the trees of the store and of the recorded
leaves for the checkpoint comparison.

Nearly every event is the next version of a subject already seen, chains to
it and matches its leaf: ``page`` settles those in a few comparisons and hands
every other event to ``_event``, which works out what is wrong.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.audit_event_log import IdCache, LogRow
from application.audit_findings import Finding, VerifyReport, Where
from application.audit_hashing import Facts
from application.audit_ports import Leaf
from application.audit_trees import LeafTrees
from domain.canonical import GENESIS_HASH
from domain.subject import subject_id

# The finding of an event whose previous_hash is not the hash of the version before.
CHAIN_BROKEN = "hash chain broken"


@dataclass(slots=True)
class _SubjectHead:
    code: str
    version: int
    hash: str | None
    position: int
    missing: dict[int, int] = field(default_factory=dict)


class StoreScan:
    """State of the single pass: subject heads, both trees, the leaf cursor."""

    def __init__(self, logged: Iterator[Leaf]) -> None:
        self.report = VerifyReport()
        self.trees = LeafTrees()
        self.logged_positions = array("q")
        self._leaves = logged
        self._next_leaf = next(logged, None)
        self._subjects: dict[UUID, _SubjectHead] = {}
        self._uuid = IdCache().uuid

    def page(self, rows: Sequence[LogRow], facts: Sequence[Facts]) -> None:
        subjects, trees = self._subjects, self.trees
        for row, fact in zip(rows, facts, strict=True):
            oid = self._uuid(row[1])
            head = subjects.get(oid)
            leaf = self._next_leaf
            if (
                fact is None
                or head is None
                or leaf is None
                or not head.code
                or fact[0] != head.code
                or row[2] != head.version + 1
                or fact[1] != head.hash
                or leaf.position != row[0]
                or leaf.event_hash != fact[2]
            ):
                self._event(row, oid, fact)
                continue
            self.report.events += 1
            head.version, head.hash, head.position = row[2], fact[2], row[0]
            trees.add_event(fact[2])
            self._take_leaf(leaf)

    def finish(self) -> None:
        while self._next_leaf is not None:
            self._deleted_leaf(self._next_leaf)
        for head in self._subjects.values():
            for version, position in sorted(head.missing.items()):
                self._find(
                    "event deleted",
                    f"version {version} is missing (expected before position "
                    f"{position})",
                    Where(subject=head.code, version=version),
                )
        self.report.subjects = len(self._subjects)

    def _event(self, row: LogRow, oid: UUID, fact: Facts) -> None:
        position, _, version, _, state = row
        self.report.events += 1
        code = self._code_of(oid, fact)
        where = Where(position=position, subject=code, version=version)
        if position < 1:
            self._find(
                "event outside the log",
                "stored before position 1, where the store's log starts: written "
                "past the store, yet part of the subject's history",
                where,
            )
        if fact is None:
            self._find("undecodable event", "the stored bytes are not an event", where)
        elif fact[0] != code:
            self._find(
                "wrong subject",
                f"the event names {fact[0]} but is stored under another subject's id",
                where,
            )
        digest = None if fact is None else fact[2]
        self._check_version(oid, fact, position, version, where)
        self.trees.add_event(digest or _stand_in(state))
        self._match_leaf(position, digest, where)

    def _code_of(self, oid: UUID, fact: Facts) -> str:
        """The subject's code, once an event stored under ``oid`` names it truly."""
        head = self._subjects.get(oid)
        known = head.code if head else None
        named = None if fact is None else fact[0]
        if isinstance(named, str) and named != known and subject_id(named) == oid:
            known = named
            if head is not None:
                head.code = known
        return known or str(oid)

    def _check_version(
        self, oid: UUID, fact: Facts, position: int, version: int, where: Where
    ) -> None:
        code = where["subject"]
        head = self._subjects.setdefault(oid, _SubjectHead(code, 0, GENESIS_HASH, 0))
        if version <= head.version:
            reordered = head.missing.pop(version, None) is not None
            self._find(
                "events reordered" if reordered else "duplicate version",
                f"stored after version {head.version} at position {head.position}",
                where,
            )
            return
        if version > head.version + 1:
            head.missing.update(
                dict.fromkeys(range(head.version + 1, version), position)
            )
        elif fact is not None and head.hash not in (None, fact[1]):
            before = (
                f"the hash of version {head.version} at position {head.position}: "
                "one of the two was altered"
                if head.version
                else "64 zeros, as the first event's must be"
            )
            self._find(CHAIN_BROKEN, f"previous_hash is not {before}", where)
        head.version, head.position = version, position
        head.hash = None if fact is None else fact[2]

    def _match_leaf(self, position: int, digest: str | None, where: Where) -> None:
        while self._next_leaf is not None and self._next_leaf.position < position:
            self._deleted_leaf(self._next_leaf)
        leaf = self._next_leaf
        if leaf is None:
            self.report.unlogged += 1
            return
        if leaf.position > position:
            self._find(
                "event inserted",
                "the audit log has no event at this position but has later ones",
                where,
            )
            return
        if digest is not None and leaf.event_hash != digest:
            self._find(
                "content altered",
                f"hash {_short(digest)} differs from {_short(leaf.event_hash)}, "
                f"the event logged here (leaf {len(self.logged_positions)})",
                where,
            )
        self._take_leaf(leaf)

    def _deleted_leaf(self, leaf: Leaf) -> None:
        self._find(
            "event deleted",
            f"the event logged as leaf {len(self.logged_positions)} "
            f"(hash {_short(leaf.event_hash)}) is no longer in the store",
            Where(position=leaf.position),
        )
        self._take_leaf(leaf)

    def _take_leaf(self, leaf: Leaf) -> None:
        self.trees.add_leaf(leaf.event_hash)
        self.logged_positions.append(leaf.position)
        self._next_leaf = next(self._leaves, None)

    def _find(self, problem: str, detail: str, where: Where) -> None:
        self.report.findings.append(Finding(problem, detail, **where))


def _stand_in(state: Any) -> str:
    """A leaf for an undecodable event, keeping later leaves in their places."""
    data = state if isinstance(state, bytes) else str(state).encode()
    return hashlib.sha256(data).hexdigest()


def _short(digest: str | None) -> str:
    return "(none)" if digest is None else digest[:12]
