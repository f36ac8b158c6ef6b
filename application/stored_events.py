"""Reading stored events as an auditor must: damaged bytes are a fact, not a crash."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Mapper, Notification, StoredEvent

from application.ledger import CreditLedger
from domain.canonical import event_hash
from domain.events import SubjectEvent


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
