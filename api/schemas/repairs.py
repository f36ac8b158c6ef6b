"""The auditable repair history: each request, its materials, every decision
with who decided and when, the decision deadline and whether it is overdue."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.pages import PagePublic, RowPublic
from api.schemas.subjects import REPAIR_DEADLINE_ON_FALLBACK


class RepairDecisionPublic(RowPublic):
    decision: str = Field(
        description="granted | rejected | revoked (a grant obtained by fraud)"
    )
    decided_on: date
    reason: str | None
    department: str
    actor: str
    recorded_at: datetime
    position: int


class RepairHistoryPublic(RowPublic):
    subject: str
    repair_id: str
    record_id: str
    requested_on: date
    commitment: str = Field(description="The public credit commitment (信用承诺书)")
    materials: list[str]
    department: str
    actor: str
    recorded_at: datetime
    decision_due_on: date
    deadline_on_fallback_calendar: bool | None = Field(
        description=REPAIR_DEADLINE_ON_FALLBACK
    )
    status: str = Field(
        description="pending | granted | rejected | revoked; decided_on stays the "
        "day of the grant or rejection, a revocation's day is in decisions"
    )
    decided_on: date | None
    overdue: bool = Field(description="Pending after its decision deadline (today)")
    decided_late: bool = Field(description="Decided after its deadline")
    decisions: list[RepairDecisionPublic]
    position: int


class RepairHistoriesPublic(PagePublic):
    data: list[RepairHistoryPublic]


class RepairsWithIdPublic(BaseModel):
    data: list[RepairHistoryPublic]
    count: int
    position: int
