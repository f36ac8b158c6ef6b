"""The state a subject keeps about each of its records and repairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class RecordKind(StrEnum):
    LICENCE = "licence"
    PENALTY = "penalty"
    INFORMATION = "information"
    COMMITMENT = "commitment"
    LISTING = "listing"
    RED_LIST = "red_list"


class RecordStatus(StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    BREACHED = "breached"
    EXPIRED = "expired"
    REPAIRED = "repaired"
    REVOKED = "revoked"
    DELISTED = "delisted"


class RepairStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REJECTED = "rejected"
    REVOKED = "revoked"


# Kinds that end on their day whether published or not.
_ENDED_UNPUBLISHED = frozenset({RecordKind.LISTING, RecordKind.RED_LIST})


@dataclass
class CreditRecord:
    record_id: str
    kind: RecordKind
    department: str
    decided_on: date
    content: dict[str, Any]
    status: RecordStatus = RecordStatus.ACTIVE
    published: bool = False
    severity: str | None = None
    minimum_until: date | None = None
    maximum_until: date | None = None
    closed_on: date | None = None
    corrections: int = 0

    def __post_init__(self) -> None:
        # Restored from a snapshot of the older, unpacked form, enum members
        # arrive as plain text.
        if type(self.kind) is not RecordKind:
            self.kind = RecordKind(self.kind)
        if type(self.status) is not RecordStatus:
            self.status = RecordStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status is RecordStatus.ACTIVE

    def is_due(self, today: date) -> bool:
        """Active, and ended by ``today`` as the expiry run will record it: a
        listing's term, a red-list entry's validity, a published record's
        maximum publicity period."""
        return (
            self.is_active
            and self.maximum_until is not None
            and self.maximum_until <= today
            and (self.published or self.kind in _ENDED_UNPUBLISHED)
        )

    def in_force(self, today: date) -> bool:
        return self.is_active and not self.is_due(today)


@dataclass
class RepairApplication:
    repair_id: str
    record_id: str
    requested_on: date
    decision_due_on: date
    commitment: str
    materials: list[str]
    status: RepairStatus = RepairStatus.PENDING
    decided_on: date | None = None
    reason: str | None = None
    # None: requested before the flag was kept; a default, so snapshots taken
    # before then still load.
    deadline_on_fallback_calendar: bool | None = None

    def __post_init__(self) -> None:
        self.status = RepairStatus(self.status)


@dataclass
class RequestReceipt:
    """What an idempotency key produced, so a retry can get the same answer."""

    digest: str
    first_version: int
    last_version: int


@dataclass
class GrantedRepair:
    decided_on: date
    serious: bool
