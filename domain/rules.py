"""The configurable parameters of the credit rules, passed into every decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.calendar import WorkingDayCalendar
from domain.grading import DEFAULT_INSPECTION_POLICY, GradeRules, InspectionPolicy
from domain.publicity import DEFAULT_PUBLICITY_POLICY, PublicityPolicy


@dataclass(frozen=True)
class RepairPolicy:
    decision_working_days: int = 10
    # Early removal from the serious-dishonesty list may be requested this long
    # after the listing (market regulation: one year), nor before the minimum
    # publicity period of a serious penalty decided on the same day.
    listing_after_months: int = 12
    # Local practice (config): refuse when a serious record was repaired recently,
    # or when the subject already had this many repairs within the window.
    serious_repair_cooldown_days: int | None = 365
    max_repairs_in_window: int | None = 2
    window_years: int = 5


@dataclass(frozen=True)
class CreditRules:
    calendar: WorkingDayCalendar
    publication_deadline_working_days: int = 7
    publicity_policy: PublicityPolicy = DEFAULT_PUBLICITY_POLICY
    repair: RepairPolicy = field(default_factory=RepairPolicy)
    grading: GradeRules = field(default_factory=GradeRules)
    inspection: InspectionPolicy = DEFAULT_INSPECTION_POLICY


@dataclass(frozen=True)
class Provenance:
    """Who records an event, when, and under which request key."""

    department: str
    actor: str
    request_key: str
    request_digest: str
    recorded_at: datetime
    today: date
