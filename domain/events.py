"""The event catalogue of a credit subject: past-tense facts, never edited.

Every event carries the envelope the invariants demand (subject code, recorded-at
time as ``timestamp``, department, actor, request key) plus ``previous_hash``,
the SHA-256 of the subject's previous event, which chains a subject's history.

A field added to a class after events of it were stored is declared last, with
a default of None: the events stored before read back as None, and their
canonical form (whose hash the next event holds) leaves the field out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import AggregateCreated, AggregateEvent


class SubjectEvent(AggregateEvent):
    subject_code: str
    department: str
    actor: str
    request_key: str
    request_digest: str
    previous_hash: str

    def apply(self, aggregate: Any) -> None:
        aggregate.evolve(self)


class SubjectRegistered(AggregateCreated, SubjectEvent):
    kind: str
    name: str
    legal_representative: str | None


class SubjectDetailsChanged(SubjectEvent):
    name: str
    legal_representative: str | None


class PublishableRecordEvent(SubjectEvent):
    """A fact the publicity columns show, with its publication deadline."""

    record_id: str
    publication_deadline: date
    late: bool
    deadline_on_fallback_calendar: bool


class LicencePublished(PublishableRecordEvent):
    decision_no: str
    licence_category: str
    licence_name: str
    licence_no: str | None
    content: str
    decided_on: date
    valid_from: date
    valid_to: date | None
    authority: str
    authority_code: str
    publish: bool


class PenaltyPublished(PublishableRecordEvent):
    decision_no: str
    violation_type: str
    facts: str
    basis: str
    penalty_types: list[str]
    content: str
    fine_amount: str | None
    confiscated_amount: str | None
    severity: str
    decided_on: date
    authority: str
    authority_code: str
    publish: bool
    publicity_regime: str
    published: bool
    minimum_publicity_until: date | None
    maximum_publicity_until: date | None


class InformationRecorded(SubjectEvent):
    record_id: str
    kind: str
    content: str
    occurred_on: date
    self_declared: bool


class CommitmentMade(PublishableRecordEvent):
    commitment_type: str
    matter: str
    content: str
    made_on: date
    due_on: date | None


class CommitmentFulfilled(PublishableRecordEvent):
    fulfilled_on: date


class CommitmentBreached(PublishableRecordEvent):
    breached_on: date
    details: str


class Listed(SubjectEvent):
    record_id: str
    basis: str
    measures: list[str]
    decided_on: date
    term_ends_on: date
    notified_on: date | None
    minimum_listing_until: date


class Delisted(SubjectEvent):
    record_id: str
    reason: str
    decided_on: date


class RedListed(SubjectEvent):
    record_id: str
    scheme: str
    decided_on: date
    valid_to: date


class RedListRevoked(SubjectEvent):
    record_id: str
    reason: str
    decided_on: date


class PublicityExpired(SubjectEvent):
    record_id: str
    expired_on: date


class RepairRequested(SubjectEvent):
    """``deadline_on_fallback_calendar`` says whether ``decision_due_on`` was
    counted Monday to Friday, the calendar lacking a year. Requests stored
    before it was kept lack it: they read back as None through the class's
    default (the library sets a stored event's attributes as stored, without
    ``__init__``, so a default of the class is what fills the gap on every way
    of reading, and what is stored is left as it is; an upcast would change
    only the events its mapper reads). Their canonical form leaves it out, so
    their hashes stay as stored (see ``domain.canonical``)."""

    repair_id: str
    record_id: str
    requested_on: date
    commitment: str
    materials: list[str]
    decision_due_on: date
    deadline_on_fallback_calendar: bool | None = None


class Repaired(SubjectEvent):
    repair_id: str
    record_id: str
    decided_on: date


class RepairRejected(SubjectEvent):
    repair_id: str
    record_id: str
    decided_on: date
    reason: str


class RepairRevoked(SubjectEvent):
    """A granted repair found to have been obtained by fraud: the record it
    repaired is active and published again. The ``record_*`` fields are that
    record as it stood (content as plain JSON values, dates as ISO text), so
    the views can publish it again from this event alone, whichever way it
    reaches them (the store, or Kafka's canonical document)."""

    repair_id: str
    record_id: str
    reason: str
    decided_on: date
    record_kind: str
    record_department: str
    record_corrections: int
    record_content: dict[str, Any]


class RecordCorrected(SubjectEvent):
    record_id: str
    changes: dict[str, Any]
    reason: str


class RecordRevoked(SubjectEvent):
    record_id: str
    reason: str
    decided_on: date


EVENT_TYPES: dict[str, type[SubjectEvent]] = {
    cls.__name__: cls
    for cls in (
        SubjectRegistered,
        SubjectDetailsChanged,
        LicencePublished,
        PenaltyPublished,
        InformationRecorded,
        CommitmentMade,
        CommitmentFulfilled,
        CommitmentBreached,
        Listed,
        Delisted,
        RedListed,
        RedListRevoked,
        PublicityExpired,
        RepairRequested,
        Repaired,
        RepairRejected,
        RepairRevoked,
        RecordCorrected,
        RecordRevoked,
    )
}
