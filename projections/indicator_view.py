"""The view the monitored indicators (城市信用状况监测预警指标) are counted from.

Every row is an event's fields (``projections.indicator_facts``), so the
figures can be recounted from the history at any position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.persistence import Tracking

from projections.indicator_facts import (
    Ending,
    ListingFact,
    PublicationFact,
    RedListFact,
    RepairDecisionFact,
    RepairRequestFact,
    SubjectFact,
)
from projections.tracked_view import TrackedView


@dataclass(frozen=True)
class IndicatorPeriod:
    """Days ``first_day`` to ``last_day`` inclusive; the instants are their
    bounds in county time, for facts kept as instants (registrations, checks)."""

    first_day: date
    last_day: date
    twelve_months_from: date
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class PublicationCount:
    column: str
    department: str
    on_time: int
    late: int


@dataclass(frozen=True)
class IndicatorFacts:
    """Counts over one snapshot of the view, and the position it reflects."""

    publications: tuple[PublicationCount, ...]
    enterprises: int
    listed_enterprises: int
    new_listings_last_12_months: int
    new_listings_in_period: int
    listings_in_period: int
    exits_by_reason: dict[str, int]
    red_listed_enterprises: int
    red_listed_by_scheme: dict[str, int]
    repairs_requested: int
    repairs_by_decision: dict[str, int]
    repairs_overdue: int
    repairs_decided_late: int
    decided_repair_spans: tuple[tuple[date, date], ...]
    checks_by_matter: dict[str, int]
    position: int


class IndicatorReads(ABC):
    @abstractmethod
    def indicator_facts(self, period: IndicatorPeriod) -> IndicatorFacts: ...


class IndicatorView(IndicatorReads, TrackedView):
    view_name = "indicators"

    @abstractmethod
    def register_subject(self, fact: SubjectFact, tracking: Tracking) -> None: ...

    @abstractmethod
    def publish(self, fact: PublicationFact, tracking: Tracking) -> None: ...

    @abstractmethod
    def list_subject(self, fact: ListingFact, tracking: Tracking) -> None: ...

    @abstractmethod
    def end_listing(self, ending: Ending, tracking: Tracking) -> None: ...

    @abstractmethod
    def reopen_listing(self, ending: Ending, tracking: Tracking) -> None:
        """The listing's exit by a repair is undone (the repair was revoked):
        it counts as in force again, and its exit no more."""

    @abstractmethod
    def red_list_subject(self, fact: RedListFact, tracking: Tracking) -> None: ...

    @abstractmethod
    def end_red_listing(self, ending: Ending, tracking: Tracking) -> None: ...

    @abstractmethod
    def request_repair(self, fact: RepairRequestFact, tracking: Tracking) -> None: ...

    @abstractmethod
    def decide_repair(self, fact: RepairDecisionFact, tracking: Tracking) -> None: ...
