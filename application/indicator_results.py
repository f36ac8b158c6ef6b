"""The monitored indicators of one period, as the application answers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Timeliness:
    published: int
    on_time: int
    late: int
    on_time_share: float | None


@dataclass(frozen=True)
class DepartmentTimeliness(Timeliness):
    department: str


@dataclass(frozen=True)
class ColumnTimeliness(Timeliness):
    by_department: tuple[DepartmentTimeliness, ...]


@dataclass(frozen=True)
class SeriousList:
    enterprises: int
    listed_enterprises: int
    share_of_enterprises: float | None
    new_last_12_months: int
    new_in_period: int
    on_list_in_period: int
    exits: int
    exit_share: float | None
    exits_by_reason: dict[str, int]
    exit_share_by_reason: dict[str, float | None]


@dataclass(frozen=True)
class RedList:
    enterprises: int
    red_listed_enterprises: int
    share_of_enterprises: float | None
    by_scheme: dict[str, int]


@dataclass(frozen=True)
class Repairs:
    requested: int
    granted: int
    rejected: int
    overdue: int
    decided_late: int
    mean_working_days_to_decide: float | None


@dataclass(frozen=True)
class Checks:
    performed: int
    by_matter: dict[str, int]


@dataclass(frozen=True)
class Indicators:
    first_day: date
    last_day: date
    double_publicity: ColumnTimeliness
    commitment_publicity: ColumnTimeliness
    serious_list: SeriousList
    red_list: RedList
    repairs: Repairs
    checks: Checks
    position: int
