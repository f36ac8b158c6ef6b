"""What the handlers hand to the views: event fields, mapped and named.

``subject_code`` is always the full, normalised code (the views' key); the views
decide what a public row may show of it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar, get_type_hints

E = TypeVar("E")


@dataclass(frozen=True)
class SubjectEntry:
    subject_code: str
    public_code: str
    kind: str
    name: str
    legal_representative: str | None


@dataclass(frozen=True)
class RecordEntry:
    """A credit fact as grading and the credit check read it."""

    subject_code: str
    record_id: str
    kind: str
    department: str
    decided_on: date
    severity: str | None
    published: bool
    maximum_until: date | None


@dataclass(frozen=True)
class LicenceEntry:
    subject_code: str
    record_id: str
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
    department: str
    publication_deadline: date
    late: bool


@dataclass(frozen=True)
class PenaltyEntry:
    subject_code: str
    record_id: str
    decision_no: str
    violation_type: str
    facts: str
    basis: str
    penalty_types: tuple[str, ...]
    content: str
    fine_amount: str | None
    confiscated_amount: str | None
    severity: str
    decided_on: date
    publicity_until: date | None
    authority: str
    authority_code: str
    department: str
    publication_deadline: date
    late: bool


@dataclass(frozen=True)
class CommitmentEntry:
    subject_code: str
    record_id: str
    commitment_type: str
    matter: str
    content: str
    made_on: date
    due_on: date | None
    department: str
    publication_deadline: date
    late: bool


@dataclass(frozen=True)
class CommitmentClosure:
    subject_code: str
    record_id: str
    status: str
    closed_on: date
    late: bool
    details: str | None


@dataclass(frozen=True)
class ListingEntry:
    subject_code: str
    record_id: str
    department: str
    basis: str
    measures: tuple[str, ...]
    decided_on: date
    term_ends_on: date
    notified_on: date | None


@dataclass(frozen=True)
class RedListEntry:
    subject_code: str
    record_id: str
    scheme: str
    department: str
    decided_on: date
    valid_to: date


@dataclass(frozen=True)
class Withdrawal:
    """A record stops being published: expired, repaired, revoked or delisted."""

    subject_code: str
    record_id: str
    status: str
    closed_on: date


@dataclass(frozen=True)
class Correction:
    subject_code: str
    record_id: str
    changes: dict[str, Any]


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def pick(event: object, entry: type[E], **mapped: Any) -> E:
    """The entry whose fields are the event's fields of the same name."""
    return entry(
        **{
            name: mapped[name] if name in mapped else getattr(event, name)
            for name in _names(entry)
        }
    )


def from_content(content: dict[str, Any], entry: type[E], **mapped: Any) -> E:
    """The entry whose fields are the record content's of the same name (as an
    event carries it: dates as ISO text, read back as dates)."""
    dated = _date_fields(entry)
    values = {}
    for name in _names(entry):
        value = mapped[name] if name in mapped else content[name]
        if name in dated and isinstance(value, str):
            value = date.fromisoformat(value)
        values[name] = value
    return entry(**values)


def _names(entry: type[Any]) -> tuple[str, ...]:
    # Looked up once per type: rebuilds make entries per event.
    names = _FIELD_NAMES.get(entry)
    if names is None:
        names = _FIELD_NAMES[entry] = tuple(f.name for f in fields(entry))
    return names


_DATE_FIELDS: dict[type[Any], frozenset[str]] = {}


def _date_fields(entry: type[Any]) -> frozenset[str]:
    dated = _DATE_FIELDS.get(entry)
    if dated is None:
        hints = get_type_hints(entry)
        dated = _DATE_FIELDS[entry] = frozenset(
            name for name in _names(entry) if hints[name] in (date, date | None)
        )
    return dated
