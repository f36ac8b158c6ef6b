"""Small read-only results the ledger returns; never aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from domain.inspection import InspectionTerms


class RecordedEvent(msgspec.Struct, frozen=True):
    """One stored event as a command's answer names it. A Struct, not a
    dataclass: a batch makes one per line, and msgspec builds one in a sixth of
    the time a frozen dataclass takes."""

    event_id: UUID
    subject: str
    type: str
    version: int
    position: int
    recorded_at: datetime
    late: bool | None
    publicity_deadline: date | None
    # The deadline was counted Monday to Friday: no calendar of its year.
    deadline_on_fallback_calendar: bool | None
    # Whether a licence or penalty is shown in its publicity column.
    published: bool | None


class CommandResult(msgspec.Struct, frozen=True):
    """The events one command stored; ``replayed`` when an idempotent retry.
    A command that stored none, having nothing to change, has ``current``: the
    subject's last event, where it stands."""

    events: list[RecordedEvent]
    replayed: bool = False
    current: RecordedEvent | None = None

    @property
    def primary(self) -> RecordedEvent:
        """The command's own event, or where the subject stands if none."""
        if self.events:
            return self.events[0]
        assert self.current is not None, "a result without events to answer with"
        return self.current

    @property
    def version(self) -> int:
        """The subject's version once the command was stored (or found stored)."""
        return self.events[-1].version if self.events else self.primary.version


@dataclass(frozen=True)
class RegistrationResult:
    subject: str
    kind: str
    name: str
    legal_representative: str | None
    version: int
    created: bool
    position: int | None


@dataclass(frozen=True)
class HistoryEntry:
    event_id: UUID
    type: str
    version: int
    position: int
    recorded_at: datetime
    department: str
    actor: str
    request_key: str
    previous_hash: str
    hash: str
    data: dict[str, Any]


@dataclass(frozen=True)
class RecordView:
    record_id: str
    kind: str
    status: str
    department: str
    decided_on: date
    published: bool
    severity: str | None
    minimum_until: date | None
    maximum_until: date | None
    closed_on: date | None
    content: dict[str, Any]
    # Active and not yet ended by the state's day, as the grade reads it: a
    # record past its end is ended before the expiry run stores its event.
    in_force: bool


@dataclass(frozen=True)
class RepairView:
    repair_id: str
    record_id: str
    requested_on: date
    decision_due_on: date
    # None: requested before the flag was kept.
    deadline_on_fallback_calendar: bool | None
    status: str
    decided_on: date | None
    reason: str | None
    materials: list[str]
    overdue: bool


@dataclass(frozen=True)
class SubjectState:
    subject: str
    kind: str
    name: str
    legal_representative: str | None
    version: int
    as_of: datetime | None
    grade: str
    grade_reasons: list[str]
    records: list[RecordView] = field(default_factory=list)
    repairs: list[RepairView] = field(default_factory=list)
    inspection: InspectionTerms | None = None

    def active(self, kind: str) -> list[RecordView]:
        return [r for r in self.records if r.kind == kind and r.in_force]
