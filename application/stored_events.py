"""Reading stored events as an auditor must: damaged bytes are a fact, not a crash."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Mapper, Notification, StoredEvent

from domain.canonical import event_hash
from domain.events import SubjectEvent

if TYPE_CHECKING:
    # Only named: the ledger itself reads with these when a history fails it.
    from application.ledger import CreditLedger


def decoded(
    ledger: CreditLedger, notification: Notification
) -> tuple[SubjectEvent, str] | None:
    """The stored event and its canonical hash; None if the bytes are no event."""
    return decoded_by(ledger.mapper, notification)


def decoded_by(
    mapper: Mapper[Any], stored: StoredEvent
) -> tuple[SubjectEvent, str] | None:
    """``decoded`` with the mapper alone (no ledger, e.g. in a worker process)."""
    try:
        event = mapper.to_domain_event(stored)
        if not isinstance(event, SubjectEvent):
            return None
        return event, event_hash(event)
    except Exception:
        # Tampered bytes can fail in any layer (JSON, transcodings, topic
        # resolution, fields missing from the canonical form): all mean the same.
        return None


def history_damage(mapper: Mapper[Any], stored: Iterable[StoredEvent]) -> str | None:
    """What stops a subject's stored events, in version order, from rebuilding
    it: the first version missing or not decoding; None if there is neither."""
    expected = 1
    for event in stored:
        if event.originator_version != expected:
            return f"version {expected} is missing"
        if decoded_by(mapper, event) is None:
            return f"version {expected} cannot be decoded"
        expected += 1
    return None


def first_missing_version(versions: Iterable[int]) -> int | None:
    """The first of 1, 2, 3... not where it should be in ``versions``."""
    return next(
        (expected for expected, v in enumerate(versions, 1) if v != expected), None
    )
