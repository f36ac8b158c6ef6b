"""The monitored indicators (城市信用状况监测预警指标) as the API shows them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

SHARE = "A share between 0 and 1 (4 decimals); null when its base is 0"


class _FromAttributes(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DepartmentTimelinessPublic(_FromAttributes):
    department: str
    published: int
    on_time: int
    late: int
    on_time_share: float | None = Field(description=SHARE)


class TimelinessPublic(_FromAttributes):
    published: int = Field(description="Publications whose day lies in the period")
    on_time: int
    late: int
    on_time_share: float | None = Field(description=SHARE)
    by_department: list[DepartmentTimelinessPublic]


class SeriousListPublic(_FromAttributes):
    enterprises: int = Field(description="Legal persons registered by `to`")
    listed_enterprises: int = Field(description="Of them, on the list on `to`")
    share_of_enterprises: float | None = Field(description=SHARE)
    new_last_12_months: int = Field(
        description="Listings decided in the 12 months ending on `to`"
    )
    new_in_period: int
    on_list_in_period: int = Field(
        description="Listings on the list at any time in the period (exit base)"
    )
    exits: int = Field(description="Delistings decided in the period")
    exit_share: float | None = Field(description=SHARE)
    exits_by_reason: dict[str, int] = Field(description="expired, repaired, revoked")
    exit_share_by_reason: dict[str, float | None]


class RedListPublic(_FromAttributes):
    enterprises: int
    red_listed_enterprises: int = Field(
        description="Legal persons on the red list on `to` as A-grade taxpayer or "
        "customs AEO"
    )
    share_of_enterprises: float | None = Field(description=SHARE)
    by_scheme: dict[str, int] = Field(description="Enterprises per scheme on `to`")


class RepairsPublic(_FromAttributes):
    requested: int = Field(description="Requested in the period")
    granted: int = Field(description="Granted in the period")
    rejected: int = Field(description="Rejected in the period")
    overdue: int = Field(description="Undecided past their deadline on `to`")
    decided_late: int = Field(description="Decided in the period after the deadline")
    mean_working_days_to_decide: float | None = Field(
        description="Over repairs decided in the period; null if none"
    )


class ChecksPublic(_FromAttributes):
    performed: int = Field(description="Credit checks (逢办必查) made in the period")
    by_matter: dict[str, int]


class IndicatorsPublic(_FromAttributes):
    from_: date = Field(alias="from", description="First day of the period")
    to: date = Field(description="Last day of the period (point-in-time figures)")
    double_publicity: TimelinessPublic = Field(
        description="双公示: licences and penalties published within the deadline"
    )
    commitment_publicity: TimelinessPublic = Field(
        description="Commitments made, fulfilled and breached, published in time"
    )
    serious_list: SeriousListPublic
    red_list: RedListPublic
    repairs: RepairsPublic
    checks: ChecksPublic
    position: int = Field(description="The ledger position this answer reflects")
