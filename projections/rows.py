"""What the public views answer: one row type per list, in column order.

``subject`` is the public form of the code: a natural person's identity number
is masked. Every row carries ``position``, the event that created it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SubjectRow:
    subject: str
    name: str
    kind: str
    legal_representative: str | None


@dataclass(frozen=True)
class ListingRow:
    subject: str
    name: str
    record_id: str
    department: str
    basis: str
    measures: tuple[str, ...]
    listed_on: date
    term_ends_on: date
    notified_on: date | None
    position: int


@dataclass(frozen=True)
class RedListRow:
    subject: str
    name: str
    record_id: str
    scheme: str
    department: str
    decided_on: date
    valid_to: date
    position: int


@dataclass(frozen=True)
class LicenceRow:
    subject: str
    name: str
    legal_representative: str | None
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
    data_source: str
    publication_deadline: date
    late: bool
    corrections: int
    position: int


@dataclass(frozen=True)
class PenaltyRow:
    subject: str
    name: str
    legal_representative: str | None
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
    data_source: str
    publication_deadline: date
    late: bool
    corrections: int
    position: int


@dataclass(frozen=True)
class CommitmentRow:
    subject: str
    name: str
    record_id: str
    commitment_type: str
    matter: str
    content: str
    made_on: date
    due_on: date | None
    status: str
    closed_on: date | None
    breach_details: str | None
    data_source: str
    publication_deadline: date
    late: bool
    closure_late: bool | None
    corrections: int
    position: int


@dataclass(frozen=True)
class RecordFact:
    """A credit fact of one subject, as grading and the credit check read it."""

    record_id: str
    kind: str
    department: str
    decided_on: date
    severity: str | None
    published: bool
    status: str
    closed_on: date | None


@dataclass(frozen=True)
class CreditProfile:
    """One subject's standing at one position: for the check and public pages."""

    subject: SubjectRow
    records: tuple[RecordFact, ...]
    listings: tuple[ListingRow, ...]
    red_list: tuple[RedListRow, ...]
    position: int
