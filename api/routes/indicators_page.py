"""The portal page of the monitored indicators, with bar charts (no key)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from api.deps import ServicesDep
from api.indicator_charts import charts_of, percent
from api.portal_route import portal_router
from api.read_your_writes import report_position
from api.rendering import render
from api.routes.indicators import PeriodDep, indicators_for
from api.view_deps import ReadModelsDep

router = portal_router()


@router.get("/indicators")
def indicators_page(
    request: Request,
    period: PeriodDep,
    services: ServicesDep,
    read_models: ReadModelsDep,
) -> Response:
    indicators = indicators_for(period, services, read_models)
    context = {
        "indicators": indicators,
        "charts": charts_of(indicators),
        "percent": percent,
        "position": indicators.position,
    }
    response = render(request, "indicators.html", context)
    report_position(response, indicators.position)
    return response
