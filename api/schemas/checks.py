"""The answer of a mandatory credit check (逢办必查)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.inspection import InspectionTermsPublic


class CheckRestrictionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_id: str = Field(description="The listing that restricts the matter")
    department: str
    basis: str
    measures: list[str] = Field(description="Its measures that name this matter")
    listed_on: date
    term_ends_on: date


class CreditCheckPublic(BaseModel):
    check_id: int = Field(description="The recorded check")
    subject: str
    name: str
    matter: str
    grade: str = Field(description="high | medium | poor")
    outcome: str = Field(
        description="restricted: a listing's measures restrict this matter; "
        "caution: listed for other matters, or the grade is not high; clear"
    )
    restrictions: list[CheckRestrictionPublic]
    reasons: list[str]
    checked_at: datetime
    position: int = Field(description="The ledger position the answer reflects")
    inspection: InspectionTermsPublic = Field(
        description="What the grade means for 双随机 and on-site inspection"
    )
