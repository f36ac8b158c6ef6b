"""Reading stored events as an auditor must: damaged bytes are a fact, not a crash."""

from __future__ import annotations

from eventsourcing.persistence import Notification

from application.ledger import CreditLedger
from domain.canonical import event_hash
from domain.events import SubjectEvent


def decoded(
    ledger: CreditLedger, notification: Notification
) -> tuple[SubjectEvent, str] | None:
    """The stored event and its canonical hash; None if the bytes are no event."""
    try:
        event = ledger.mapper.to_domain_event(notification)
        if not isinstance(event, SubjectEvent):
            return None
        return event, event_hash(event)
    except Exception:
        # Tampered bytes can fail in any layer (JSON, transcodings, topic
        # resolution, fields missing from the canonical form): all mean the same.
        return None
