"""The monitored indicators of a period: public, aggregate figures (no key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import ServicesDep
from api.read_your_writes import (
    NOT_REACHED,
    MinPosition,
    await_position,
    report_position,
)
from api.schemas.indicators import IndicatorsPublic
from api.view_deps import ReadModelsDep
from application.indicator_results import Indicators
from application.indicators import compute_indicators, default_first_day

router = APIRouter(prefix="/v1/indicators", tags=["indicators"])
# Keeps the period's twelve-month window and next day within the calendar.
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    min_position: int | None


def period_params(
    services: ServicesDep,
    from_: Annotated[
        date | None,
        Query(
            alias="from",
            ge=EARLIEST,
            le=LATEST,
            description="First day (default: 12 months before `to`, plus a day)",
        ),
    ] = None,
    to: Annotated[
        date | None,
        Query(
            ge=EARLIEST,
            le=LATEST,
            description="Last day, inclusive (default, and at the latest: today, "
            "county time)",
        ),
    ] = None,
    min_position: MinPosition = None,
) -> Period:
    today = services.ledger.today()
    # A day to come has no facts yet: counted up to it, a review due before it
    # would already be overdue and a listing ending before it already gone.
    last_day = min(to, today) if to is not None else today
    first_day = from_ or default_first_day(last_day)
    if first_day > last_day:
        raise HTTPException(422, f"from ({first_day}) is after to ({last_day})")
    return Period(first_day, last_day, min_position)


PeriodDep = Annotated[Period, Depends(period_params)]


def indicators_for(
    period: Period, services: ServicesDep, read_models: ReadModelsDep
) -> Indicators:
    view = read_models.indicators
    wait = services.settings.read_wait_seconds
    await_position(view, read_models.ledger.name, period.min_position, wait)
    return compute_indicators(
        view,
        period.first_day,
        period.last_day,
        read_models.ledger.timezone,
        services.calendar,
    )


@router.get(
    "",
    response_model=IndicatorsPublic,
    responses={
        422: {"description": "Bad date, or `from` after `to`"},
        503: NOT_REACHED,
    },
)
def get_indicators(
    period: PeriodDep,
    services: ServicesDep,
    read_models: ReadModelsDep,
    response: Response,
) -> IndicatorsPublic:
    """双公示 and commitment timeliness (by department), serious-list share,
    new listings and exits, repairs, red-list share and credit checks, counted
    from the history up to the position the answer names. Publications count by
    their decision (or commitment) day; list shares are taken on `to`."""
    indicators = indicators_for(period, services, read_models)
    report_position(response, indicators.position)
    return indicators_public(indicators)


def indicators_public(indicators: Indicators) -> IndicatorsPublic:
    return IndicatorsPublic.model_validate(
        {
            "from": indicators.first_day,
            "to": indicators.last_day,
            "double_publicity": indicators.double_publicity,
            "commitment_publicity": indicators.commitment_publicity,
            "serious_list": indicators.serious_list,
            "red_list": indicators.red_list,
            "repairs": indicators.repairs,
            "checks": indicators.checks,
            "position": indicators.position,
        }
    )
