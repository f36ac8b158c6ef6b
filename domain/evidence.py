"""Offline check of a subject's evidence bundle against signed tree roots.

Everything here is pure: the caller has already checked the checkpoint
signatures and passes the roots it now trusts. The bundle comes from whoever
is being audited, so nothing in it is believed until a check binds it to a
trusted root; malformed input is reported, never raised.

Why passing these checks proves the subject's history complete up to the
checkpoint (the README's "Checking one subject offline" says it at length):

1. Each event's canonical hash is a leaf of the signed tree at its index
   (inclusion proof), so each is byte for byte what the service logged.
2. Versions run 1..k without a gap and each event's ``previous_hash`` is the
   hash of the one before (the first chains to 64 zeros): an event left out,
   added, renumbered or reordered breaks the run or the chain.
3. The store never holds two events with one (subject, version), and a
   subject's version v + 1 is always stored after version v. So no other event
   of the subject with version <= k exists in the tree.
4. Tail: if the bundle carries version k + 1 at a leaf index >= the checkpoint
   size, proven in a later signed tree that the consistency proof shows extends
   the checkpoint's tree, then by 3 no version > k lies inside the checkpoint.
   Without it (version k is the subject's last, or its successor is not signed
   yet) the tail rests on the service's word; ``tail_proven`` says which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.canonical import (
    GENESIS_HASH,
    event_document,
    event_from_document,
    event_hash,
)
from domain.events import SubjectEvent
from domain.merkle import leaf_hash, verify_consistency, verify_inclusion
from domain.subject import subject_id

BUNDLE_FORMAT = "credit-ledger.subject-bundle.v1"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TrustedRoot:
    """Size and root hash of a checkpoint whose signature was checked."""

    size: int
    root_hash: str


@dataclass(frozen=True)
class TrustedCheckpoint(TrustedRoot):
    """A checkpoint whose signature was checked, with every field it was
    published with: a bundle must cite exactly these."""

    fields: Mapping[str, Any]

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> TrustedCheckpoint:
        return cls(fields["size"], fields["root_hash"], dict(fields))


@dataclass
class BundleReport:
    subject: str
    versions: int = 0
    tail_proven: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Malformed(ValueError):
    pass


def verify_bundle(
    bundle: Mapping[str, Any],
    code: str,
    checkpoint: TrustedCheckpoint,
    later: TrustedRoot | None = None,
) -> BundleReport:
    """Check ``bundle`` for subject ``code`` against the trusted checkpoint.

    ``later`` is the signature-checked root of the checkpoint the bundle's
    ``next_event`` cites, if it has one.
    """
    report = BundleReport(subject=code)
    try:
        _check_header(bundle, code, checkpoint, report)
        if report.problems:
            return report
        head = _check_events(bundle, code, checkpoint, report)
        next_event = bundle.get("next_event")
        if next_event is not None and not report.problems:
            report.tail_proven = _check_tail(next_event, code, checkpoint, later, head)
            if not report.tail_proven:
                report.problems.append(
                    "next_event: not proven to lie after the checkpoint"
                )
    except _Malformed as error:
        report.problems.append(f"malformed bundle: {error}")
    return report


@dataclass(frozen=True)
class _Head:
    version: int
    hash: str
    leaf_index: int


def _check_header(
    bundle: Mapping[str, Any],
    code: str,
    trusted: TrustedCheckpoint,
    report: BundleReport,
) -> None:
    if bundle.get("format") != BUNDLE_FORMAT:
        raise _Malformed(f"format is not {BUNDLE_FORMAT!r}")
    if bundle.get("subject") != code:
        report.problems.append(f"bundle is for subject {bundle.get('subject')!r}")
    cited = _mapping(bundle.get("checkpoint"), "checkpoint")
    problem = _citation_problem(cited, trusted)
    if problem:
        report.problems.append(problem)


def _citation_problem(cited: Mapping[str, Any], trusted: TrustedCheckpoint) -> str:
    """What keeps the bundle's checkpoint from being the trusted one, if anything."""
    if not _same(cited.get("size"), trusted.size):
        return (
            f"bundle cites checkpoint size {cited.get('size')!r}, not the trusted "
            f"checkpoint of size {trusted.size} (ask for ?size={trusted.size})"
        )
    differing = sorted(
        name
        for name in cited.keys() | trusted.fields.keys()
        if not _same(cited.get(name), trusted.fields.get(name))
    )
    if not differing:
        return ""
    verb = "differs" if len(differing) == 1 else "differ"
    return (
        f"bundle cites a checkpoint of size {trusted.size} whose "
        f"{_listed(differing)} {verb} from the trusted checkpoint's"
    )


def _same(cited: Any, trusted: Any) -> bool:
    # JSON's true and 41.0 equal 1 and 41 in Python, yet are not what was signed.
    return type(cited) is type(trusted) and cited == trusted


def _listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def _check_events(
    bundle: Mapping[str, Any], code: str, trusted: TrustedRoot, report: BundleReport
) -> _Head:
    entries = bundle.get("events")
    if not isinstance(entries, list):
        raise _Malformed("events must be a list")
    head = _Head(version=0, hash=GENESIS_HASH, leaf_index=-1)
    for raw in entries:
        entry = _entry(raw)
        expected = head.version + 1
        problems = _event_problems(entry, code, expected, head.hash)
        if entry.index <= head.leaf_index or entry.index >= trusted.size:
            problems.append(
                f"leaf index {entry.index} is not after leaf {head.leaf_index} "
                f"and inside the tree of size {trusted.size}"
            )
        elif not _included(entry, trusted):
            problems.append(
                f"is not leaf {entry.index} of the signed tree: "
                "altered, or never logged"
            )
        where = f"version {expected} (position {entry.position})"
        report.problems += [f"{where}: {p}" for p in problems]
        head = _Head(version=expected, hash=entry.digest, leaf_index=entry.index)
    report.versions = head.version
    return head


def _check_tail(
    raw: Any,
    code: str,
    trusted: TrustedRoot,
    later: TrustedRoot | None,
    head: _Head,
) -> bool:
    entry = _entry(raw)
    consistency = _proof(_mapping(raw, "next_event").get("consistency_proof"))
    return (
        later is not None
        and later.size > trusted.size
        and verify_consistency(
            trusted.size,
            later.size,
            bytes.fromhex(trusted.root_hash),
            bytes.fromhex(later.root_hash),
            consistency,
        )
        and not _event_problems(entry, code, head.version + 1, head.hash)
        and entry.index >= trusted.size
        and _included(entry, later)
    )


@dataclass(frozen=True)
class _Entry:
    position: Any
    event: SubjectEvent
    digest: str
    index: int
    proof: list[bytes]
    exact: bool  # the document is exactly the canonical form of the event


def _entry(raw: Any) -> _Entry:
    entry = _mapping(raw, "event entry")
    index = entry.get("leaf_index")
    if isinstance(index, bool) or not isinstance(index, int):
        raise _Malformed(f"leaf_index {index!r} at position {entry.get('position')}")
    document = dict(_mapping(entry.get("event"), "event"))
    try:
        event = event_from_document(document)
        exact = event_document(event) == document
        # UnicodeEncodeError (a ValueError) for text no UTF-8 can hold.
        digest = event_hash(event)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _Malformed(f"event at leaf {index} is not an event: {error}") from None
    return _Entry(
        position=entry.get("position"),
        event=event,
        digest=digest,
        index=index,
        proof=_proof(entry.get("inclusion_proof")),
        exact=exact,
    )


def _event_problems(
    entry: _Entry, code: str, version: int, previous_hash: str
) -> list[str]:
    event = entry.event
    problems = []
    if not entry.exact:
        problems.append("the document has fields its hash does not cover")
    if event.subject_code != code or event.originator_id != subject_id(code):
        problems.append(f"the event belongs to subject {event.subject_code!r}")
    if event.originator_version != version:
        problems.append(
            f"found version {event.originator_version}: "
            "an event is missing or out of order"
        )
    if event.previous_hash != previous_hash:
        problems.append("previous_hash is not the hash of the version before")
    return problems


def _included(entry: _Entry, tree: TrustedRoot) -> bool:
    return verify_inclusion(
        leaf_hash(entry.digest.encode()),
        entry.index,
        tree.size,
        entry.proof,
        bytes.fromhex(tree.root_hash),
    )


def _proof(value: Any) -> list[bytes]:
    if not isinstance(value, list) or not all(
        isinstance(p, str) and _HEX_DIGEST.fullmatch(p) for p in value
    ):
        raise _Malformed("proofs must be lists of 64-digit hex hashes")
    return [bytes.fromhex(p) for p in value]


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Malformed(f"{name} must be an object")
    return value
