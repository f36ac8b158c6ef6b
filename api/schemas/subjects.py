"""Subject registration, state and history as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.schemas.events import ShortText
from api.schemas.inspection import InspectionTermsPublic


class SubjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, examples=["91350100M000100Y43"])
    name: ShortText
    kind: Literal["legal_person", "natural_person"] | None = None
    legal_representative: ShortText | None = None


class SubjectPatch(BaseModel):
    """The details to change; a detail left out is kept."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = Field(
        default=None,
        description="The new name; left out, the name is kept. It cannot be "
        "removed: null is refused (422).",
    )
    legal_representative: ShortText | None = Field(
        default=None,
        description="The new legal representative; null removes it; left out, "
        "it is kept.",
    )

    @field_validator("name")
    @classmethod
    def _name_is_not_removed(cls, name: str | None) -> str | None:
        if name is None:
            msg = "name cannot be removed: give a new one or leave it out"
            raise ValueError(msg)
        return name

    @model_validator(mode="after")
    def _changes_something(self) -> SubjectPatch:
        if not self.model_fields_set:
            msg = "name or legal_representative must be given"
            raise ValueError(msg)
        return self

    def changes(self) -> dict[str, str | None]:
        """The details given, a null one included: a detail left out is kept."""
        given: dict[str, str | None] = self.model_dump(include=self.model_fields_set)
        return given


REPAIR_DEADLINE_ON_FALLBACK = (
    "true when decision_due_on was counted Monday to Friday, the holiday calendar "
    "lacking its year (see HOLIDAY_CALENDAR): re-check it; null for a request "
    "recorded before the service kept this flag"
)


class SubjectPublic(BaseModel):
    subject: str
    kind: str
    name: str
    legal_representative: str | None
    version: int
    position: int | None


class RecordedEventPublic(BaseModel):
    event_id: UUID
    subject: str
    type: str
    version: int
    position: int
    recorded_at: datetime
    late: bool | None
    publicity_deadline: date | None
    deadline_on_fallback_calendar: bool | None = Field(
        description="true when the event's deadline (a record's publicity deadline, "
        "a repair request's decision deadline) was counted Monday to Friday, the "
        "holiday calendar lacking its year (see HOLIDAY_CALENDAR); null for an "
        "event without such a deadline"
    )
    published: bool | None = Field(
        default=None,
        description="For a licence or penalty: whether it is shown in its 双公示 "
        "column. false when the request said publish: false, and for a penalty "
        "the rules never publish (minor, or only a warning or circulated "
        "criticism), whatever the request said; null for other events",
    )


class CommandResultPublic(RecordedEventPublic):
    """The primary event, plus every event the command stored (e.g. follow-ons)."""

    replayed: bool = False
    events: list[RecordedEventPublic]


class HistoryEntryPublic(BaseModel):
    event_id: UUID
    type: str
    version: int
    position: int
    recorded_at: datetime
    department: str
    actor: str
    request_key: str
    previous_hash: str
    hash: str
    data: dict[str, Any]


class HistoryPublic(BaseModel):
    subject: str
    data: list[HistoryEntryPublic]
    count: int
    position: int = Field(
        description="The store's head when read: every event up to it is here"
    )


class RecordPublic(BaseModel):
    record_id: str
    kind: str
    status: str
    department: str
    decided_on: date
    published: bool
    severity: str | None
    minimum_until: date | None
    maximum_until: date | None
    closed_on: date | None
    content: dict[str, Any]


class RepairPublic(BaseModel):
    repair_id: str
    record_id: str
    requested_on: date
    decision_due_on: date
    deadline_on_fallback_calendar: bool | None = Field(
        description=REPAIR_DEADLINE_ON_FALLBACK
    )
    status: str
    decided_on: date | None
    reason: str | None
    materials: list[str]
    overdue: bool


class SubjectStatePublic(BaseModel):
    subject: str
    kind: str
    name: str
    legal_representative: str | None
    version: int
    as_of: datetime | None
    grade: str
    grade_reasons: list[str]
    position: int | None = Field(
        default=None, description="The ledger position this answer reflects"
    )
    active_listings: list[RecordPublic]
    active_penalties: list[RecordPublic]
    commitments: list[RecordPublic]
    red_list: list[RecordPublic]
    licences: list[RecordPublic]
    information: list[RecordPublic]
    open_repairs: list[RepairPublic]
    records: list[RecordPublic]
    repairs: list[RepairPublic]
    inspection: InspectionTermsPublic | None = Field(
        default=None,
        description="What the grade means for 双随机 and on-site inspection",
    )
