"""Stored events and subjects as the small results the ledger returns."""

from __future__ import annotations

from typing import Any

from application.results import HistoryEntry, RecordedEvent, RegistrationResult
from domain import events as ev
from domain.canonical import event_document, event_hash, event_id
from domain.subject import ENVELOPE_FIELDS, CreditSubject


def recorded_event(event: ev.SubjectEvent, position: int) -> RecordedEvent:
    return RecordedEvent(
        event_id=event_id(event),
        subject=event.subject_code,
        type=type(event).__name__,
        version=event.originator_version,
        position=position,
        recorded_at=event.timestamp,
        late=getattr(event, "late", None),
        publicity_deadline=getattr(event, "publication_deadline", None),
        deadline_on_fallback_calendar=getattr(
            event, "deadline_on_fallback_calendar", None
        ),
        published=_published(event),
    )


def _published(event: ev.SubjectEvent) -> bool | None:
    """Whether the 双公示 record the event makes is shown: a penalty's own
    terms may withhold it (a minor one) whatever the request asked."""
    shown_by = _SHOWN_BY.get(type(event))
    return None if shown_by is None else getattr(event, shown_by)


# The field that says whether an event's 双公示 record is shown, by event type
# (looked up by type: ``isinstance`` on event classes, whose metaclass is the
# library's, costs several times a dict lookup, and a batch asks once a line).
_SHOWN_BY: dict[type[ev.SubjectEvent], str] = {
    ev.PenaltyPublished: "published",
    ev.LicencePublished: "publish",
}


_ENVELOPE = ENVELOPE_FIELDS | {"type"}


def history_entry(event: ev.SubjectEvent, position: int) -> HistoryEntry:
    document: dict[str, Any] = event_document(event)
    return HistoryEntry(
        event_id=event_id(event),
        type=type(event).__name__,
        version=event.originator_version,
        position=position,
        recorded_at=event.timestamp,
        department=event.department,
        actor=event.actor,
        request_key=event.request_key,
        previous_hash=event.previous_hash,
        hash=event_hash(event),
        data={k: v for k, v in document.items() if k not in _ENVELOPE},
    )


def registration(
    subject: CreditSubject, created: bool, position: int | None
) -> RegistrationResult:
    return RegistrationResult(
        subject=subject.code,
        kind=subject.kind.value,
        name=subject.name,
        legal_representative=subject.legal_representative,
        version=subject.version,
        created=created,
        position=position,
    )
