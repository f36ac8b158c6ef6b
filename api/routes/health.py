"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.projection_readiness import projections_check

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep, request: Request) -> JSONResponse:
    checks: dict[str, Any] = {}
    ready = True
    try:
        checks["store"] = {"ok": True, "head_position": services.ledger.head_position()}
    except Exception as e:
        ready = False
        checks["store"] = {"ok": False, "error": type(e).__name__}
    today = services.ledger.today()
    covered = services.calendar.covers(today)
    checks["calendar"] = {
        "ok": True,
        "covers_today": covered,
        "warning": None
        if covered
        else f"No holiday calendar for {today.year}: deadlines use Monday-Friday",
    }
    checks["expiry"] = request.app.state.expiry.status()
    checks["projections"] = projections_check(services.read_models)
    ready = ready and checks["projections"]["ok"]
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
