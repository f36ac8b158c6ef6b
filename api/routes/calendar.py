"""The working-day deadline the service itself uses, for clients to check."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ServicesDep

router = APIRouter(prefix="/v1/calendar", tags=["calendar"])


class DeadlinePublic(BaseModel):
    from_: date = Field(serialization_alias="from")
    working_days: int
    due_on: date
    fallback_used: bool
    calendar_years: list[int]
    note: str | None


@router.get("/deadline", response_model=DeadlinePublic)
def deadline(
    services: ServicesDep,
    from_: Annotated[date, Query(alias="from")],
    working_days: Annotated[int, Query(ge=0, le=366)],
) -> DeadlinePublic:
    calendar = services.calendar
    result = calendar.add_working_days(from_, working_days)
    note = (
        "No holiday calendar covers part of this range: Monday-Friday was assumed"
        if result.fallback_used
        else None
    )
    return DeadlinePublic(
        from_=from_,
        working_days=working_days,
        due_on=result.due_on,
        fallback_used=result.fallback_used,
        calendar_years=list(calendar.covered_years),
        note=note,
    )
