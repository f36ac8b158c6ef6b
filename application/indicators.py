"""The monitored indicators (domain rule 10) of one period, from the indicator
facts: shares, counts by reason and department, the mean time to decide."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from application.indicator_results import (
    Checks,
    ColumnTimeliness,
    DepartmentTimeliness,
    Indicators,
    RedList,
    Repairs,
    SeriousList,
)
from domain.calendar import WorkingDayCalendar
from domain.publicity import add_months
from projections.indicator_facts import COMMITMENTS, DOUBLE_PUBLICITY
from projections.indicator_view import (
    IndicatorFacts,
    IndicatorPeriod,
    IndicatorReads,
    PublicationCount,
)

EXIT_REASONS = ("expired", "repaired", "revoked")
SHARE_DIGITS = 4


def share(part: int, whole: int) -> float | None:
    """part / whole, rounded; None when there is nothing to divide by."""
    return None if whole == 0 else round(part / whole, SHARE_DIGITS)


def period_of(first_day: date, last_day: date, timezone: ZoneInfo) -> IndicatorPeriod:
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), timezone)

    return IndicatorPeriod(
        first_day=first_day,
        last_day=last_day,
        twelve_months_from=default_first_day(last_day),
        starts_at=midnight(first_day),
        ends_at=midnight(last_day + timedelta(days=1)),
    )


def default_first_day(last_day: date) -> date:
    """The twelve months that end on ``last_day``."""
    return add_months(last_day, -12) + timedelta(days=1)


def compute_indicators(
    reads: IndicatorReads,
    first_day: date,
    last_day: date,
    timezone: ZoneInfo,
    calendar: WorkingDayCalendar,
) -> Indicators:
    facts = reads.indicator_facts(period_of(first_day, last_day, timezone))
    return Indicators(
        first_day=first_day,
        last_day=last_day,
        double_publicity=_timeliness(facts.publications, DOUBLE_PUBLICITY),
        commitment_publicity=_timeliness(facts.publications, COMMITMENTS),
        serious_list=_serious_list(facts),
        red_list=RedList(
            enterprises=facts.enterprises,
            red_listed_enterprises=facts.red_listed_enterprises,
            share_of_enterprises=share(facts.red_listed_enterprises, facts.enterprises),
            by_scheme=facts.red_listed_by_scheme,
        ),
        repairs=_repairs(facts, calendar),
        checks=Checks(sum(facts.checks_by_matter.values()), facts.checks_by_matter),
        position=facts.position,
    )


def _timeliness(counts: tuple[PublicationCount, ...], column: str) -> ColumnTimeliness:
    rows = [c for c in counts if c.column == column]
    departments = tuple(
        DepartmentTimeliness(
            published=c.on_time + c.late,
            on_time=c.on_time,
            late=c.late,
            on_time_share=share(c.on_time, c.on_time + c.late),
            department=c.department,
        )
        for c in rows
    )
    on_time = sum(c.on_time for c in rows)
    late = sum(c.late for c in rows)
    return ColumnTimeliness(
        on_time + late, on_time, late, share(on_time, on_time + late), departments
    )


def _serious_list(facts: IndicatorFacts) -> SeriousList:
    exits = {reason: facts.exits_by_reason.get(reason, 0) for reason in EXIT_REASONS}
    population = facts.listings_in_period
    return SeriousList(
        enterprises=facts.enterprises,
        listed_enterprises=facts.listed_enterprises,
        share_of_enterprises=share(facts.listed_enterprises, facts.enterprises),
        new_last_12_months=facts.new_listings_last_12_months,
        new_in_period=facts.new_listings_in_period,
        on_list_in_period=population,
        exits=sum(exits.values()),
        exit_share=share(sum(exits.values()), population),
        exits_by_reason=exits,
        exit_share_by_reason={r: share(n, population) for r, n in exits.items()},
    )


def _repairs(facts: IndicatorFacts, calendar: WorkingDayCalendar) -> Repairs:
    spans = [
        calendar.working_days_between(requested, decided)
        for requested, decided in facts.decided_repair_spans
    ]
    return Repairs(
        requested=facts.repairs_requested,
        granted=facts.repairs_by_decision["granted"],
        rejected=facts.repairs_by_decision["rejected"],
        overdue=facts.repairs_overdue,
        decided_late=facts.repairs_decided_late,
        mean_working_days_to_decide=round(sum(spans) / len(spans), 2)
        if spans
        else None,
    )
