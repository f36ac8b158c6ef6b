"""What the indicator handlers hand to the view: one event's fields each.

Unlike the public views, nothing here is deleted when it stops being published:
an indicator of an earlier period must still count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

DOUBLE_PUBLICITY = "double_publicity"
COMMITMENTS = "commitments"


@dataclass(frozen=True)
class SubjectFact:
    subject_code: str
    kind: str
    registered_at: datetime


@dataclass(frozen=True)
class PublicationFact:
    """One publication and whether it met its deadline. ``column`` is
    ``double_publicity`` (licences, penalties) or ``commitments`` (made,
    fulfilled, breached); ``published_for`` is the day it counts from."""

    subject_code: str
    record_id: str
    step: str
    column: str
    department: str
    published_for: date
    publication_deadline: date
    late: bool


@dataclass(frozen=True)
class ListingFact:
    subject_code: str
    record_id: str
    department: str
    decided_on: date
    term_ends_on: date


@dataclass(frozen=True)
class RedListFact:
    subject_code: str
    record_id: str
    scheme: str
    decided_on: date
    valid_to: date


@dataclass(frozen=True)
class Ending:
    """A listing delisted, or a red-list entry revoked, from ``ended_on``."""

    subject_code: str
    record_id: str
    ended_on: date
    reason: str


@dataclass(frozen=True)
class RepairRequestFact:
    subject_code: str
    repair_id: str
    requested_on: date
    decision_due_on: date


@dataclass(frozen=True)
class RepairDecisionFact:
    subject_code: str
    repair_id: str
    decision: str
    decided_on: date
