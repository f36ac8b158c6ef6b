"""The auditable repair history: requests, materials and every decision."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.persistence import Tracking

from projections.paging import DEFAULT_LIMIT, Page, PageKey
from projections.tracked_view import TrackedView


@dataclass(frozen=True)
class RepairRequestEntry:
    subject_code: str
    repair_id: str
    record_id: str
    requested_on: date
    commitment: str
    materials: tuple[str, ...]
    decision_due_on: date
    # None: requested before the flag was kept.
    deadline_on_fallback_calendar: bool | None
    department: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class RepairDecisionEntry:
    subject_code: str
    repair_id: str
    decision: str
    decided_on: date
    reason: str | None
    department: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True)
class RepairDecisionRow:
    decision: str
    decided_on: date
    reason: str | None
    department: str
    actor: str
    recorded_at: datetime
    position: int


@dataclass(frozen=True)
class RepairRow:
    """A repair application with every decision on it (an audited view: the
    subject code is shown in full)."""

    subject: str
    repair_id: str
    record_id: str
    requested_on: date
    commitment: str
    materials: tuple[str, ...]
    department: str
    actor: str
    recorded_at: datetime
    decision_due_on: date
    deadline_on_fallback_calendar: bool | None
    status: str
    decided_on: date | None
    overdue: bool
    decided_late: bool
    decisions: tuple[RepairDecisionRow, ...]
    position: int


@dataclass(frozen=True)
class RepairQuery:
    limit: int | None = DEFAULT_LIMIT
    after: PageKey | None = None
    department: str | None = None
    since: date | None = None
    subject_code: str | None = None
    status: str | None = None
    overdue: bool | None = None


class RepairHistoryReads(ABC):
    """``today`` decides ``overdue``: pending past its decision deadline."""

    @abstractmethod
    def repairs(self, query: RepairQuery, today: date) -> Page[RepairRow]: ...

    @abstractmethod
    def repairs_with_id(
        self, repair_id: str, subject_code: str | None, today: date
    ) -> Page[RepairRow]:
        """Repair ids are unique per subject, so one id may name several."""


class RepairHistoryView(RepairHistoryReads, TrackedView):
    view_name = "repairs"

    @abstractmethod
    def request_repair(self, entry: RepairRequestEntry, tracking: Tracking) -> None: ...

    @abstractmethod
    def decide_repair(self, entry: RepairDecisionEntry, tracking: Tracking) -> None: ...

    @abstractmethod
    def revoke_repair(self, entry: RepairDecisionEntry, tracking: Tracking) -> None:
        """A granted repair is revoked: the revocation joins its decisions and
        its status becomes revoked; its decided_on stays the grant's day."""
