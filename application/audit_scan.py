"""The single pass of ``audit verify`` over the store, in position order.

For each event: does it decode, is it stored under its own subject, do its
subject's versions run 1, 2, 3... in position order, is its ``previous_hash``
the hash of the version before, and is its hash the leaf the audit log recorded
at its position. It also builds two trees for the checkpoint comparison: one of
the store as it is now, one of the recorded leaves.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import Notification

from application.audit_findings import Finding, VerifyReport, Where
from application.audit_ports import Leaf
from domain.canonical import GENESIS_HASH
from domain.events import SubjectEvent
from domain.merkle import MerkleLog, leaf_hash
from domain.subject import subject_id


@dataclass
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
        self.tree = MerkleLog()
        self.logged = MerkleLog()
        self.logged_positions = array("q")
        self._leaves = logged
        self._next_leaf = next(logged, None)
        self._subjects: dict[UUID, _SubjectHead] = {}

    def event(
        self, n: Notification, event: SubjectEvent | None, digest: str | None
    ) -> None:
        self.report.events += 1
        oid = n.originator_id
        if not isinstance(oid, UUID):
            oid = UUID(oid)
        code = self._code_of(oid, event)
        where = Where(position=n.id, subject=code, version=n.originator_version)
        if event is None:
            self._find("undecodable event", "the stored bytes are not an event", where)
        elif event.subject_code != code:
            self._find(
                "wrong subject",
                f"the event names {event.subject_code} but is stored under "
                "another subject's id",
                where,
            )
        self._check_version(oid, event, n, digest, where)
        self.tree.append(leaf_hash((digest or _stand_in(n)).encode()))
        self._match_leaf(n.id, digest, where)

    def _code_of(self, oid: UUID, event: SubjectEvent | None) -> str:
        """The subject's code, once an event stored under ``oid`` names it truly."""
        head = self._subjects.get(oid)
        known = head.code if head else None
        if (
            event is not None
            and event.subject_code != known
            and subject_id(event.subject_code) == oid
        ):
            known = event.subject_code
            if head is not None:
                head.code = known
        return known or str(oid)

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

    def _check_version(
        self,
        oid: UUID,
        event: SubjectEvent | None,
        n: Notification,
        digest: str | None,
        where: Where,
    ) -> None:
        code = where["subject"]
        head = self._subjects.setdefault(oid, _SubjectHead(code, 0, GENESIS_HASH, 0))
        version = n.originator_version
        if version <= head.version:
            reordered = head.missing.pop(version, None) is not None
            self._find(
                "events reordered" if reordered else "duplicate version",
                f"stored after version {head.version} at position {head.position}",
                where,
            )
            return
        if version > head.version + 1:
            head.missing.update(dict.fromkeys(range(head.version + 1, version), n.id))
        elif event is not None and head.hash not in (None, event.previous_hash):
            before = (
                f"the hash of version {head.version} at position {head.position}: "
                "one of the two was altered"
                if head.version
                else "64 zeros, as the first event's must be"
            )
            self._find("hash chain broken", f"previous_hash is not {before}", where)
        head.version, head.hash, head.position = version, digest, n.id

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
                f"the event logged here (leaf {self.logged.size})",
                where,
            )
        self._take_leaf(leaf)

    def _deleted_leaf(self, leaf: Leaf) -> None:
        self._find(
            "event deleted",
            f"the event logged as leaf {self.logged.size} "
            f"(hash {_short(leaf.event_hash)}) is no longer in the store",
            Where(position=leaf.position),
        )
        self._take_leaf(leaf)

    def _take_leaf(self, leaf: Leaf) -> None:
        self.logged.append(leaf_hash(leaf.event_hash.encode()))
        self.logged_positions.append(leaf.position)
        self._next_leaf = next(self._leaves, None)

    def _find(self, problem: str, detail: str, where: Where) -> None:
        self.report.findings.append(Finding(problem, detail, **where))


def _stand_in(n: Notification) -> str:
    """A leaf for an undecodable event, keeping later leaves in their places."""
    state = n.state if isinstance(n.state, bytes) else str(n.state).encode()
    return hashlib.sha256(state).hexdigest()


def _short(digest: str | None) -> str:
    return "(none)" if digest is None else digest[:12]
