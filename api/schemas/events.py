"""Request bodies for recording events: one model per type, keyed by ``type``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.publicity import PenaltyType, Severity

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
RecordId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\s/]+$"
    ),
]
Money = Annotated[str, StringConstraints(pattern=r"^\d{1,15}(\.\d{1,2})?$")]


class LicenceCategory(StrEnum):
    GENERAL = "general"
    FRANCHISE = "franchise"
    RECOGNITION = "recognition"
    APPROVAL = "approval"
    REGISTRATION = "registration"
    OTHER = "other"


class InformationKind(StrEnum):
    ENFORCEMENT = "enforcement"
    REWARD = "reward"
    CONFIRMATION = "confirmation"
    ADJUDICATION = "adjudication"
    INSPECTION = "inspection"
    TAX = "tax"
    WATER = "water"
    ELECTRICITY = "electricity"
    GAS = "gas"
    REAL_ESTATE = "real_estate"
    RND = "rnd"


class CommitmentType(StrEnum):
    APPROVAL_SUBSTITUTE = "approval_substitute"
    VOLUNTARY = "voluntary"
    INDUSTRY = "industry"
    REPAIR = "repair"


class DelistReason(StrEnum):
    EXPIRED = "expired"
    REPAIRED = "repaired"
    REVOKED = "revoked"


class RedListScheme(StrEnum):
    A_GRADE_TAXPAYER = "a_grade_taxpayer"
    CUSTOMS_AEO = "customs_aeo"
    OTHER = "other"


class EventBody(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"type"}, exclude_unset=False)


class LicencePublishedIn(EventBody):
    type: Literal["LicencePublished"]
    record_id: RecordId
    decision_no: ShortText
    licence_category: LicenceCategory
    licence_name: ShortText
    licence_no: ShortText | None = None
    content: Text
    decided_on: date
    valid_from: date
    valid_to: date | None = None
    authority: ShortText
    authority_code: ShortText
    publish: bool = True


class PenaltyPublishedIn(EventBody):
    type: Literal["PenaltyPublished"]
    record_id: RecordId
    decision_no: ShortText
    violation_type: ShortText
    facts: Text
    basis: Text
    penalty_types: Annotated[list[PenaltyType], Field(min_length=1, max_length=9)]
    content: Text
    fine_amount: Money | None = None
    confiscated_amount: Money | None = None
    severity: Severity
    decided_on: date
    authority: ShortText
    authority_code: ShortText
    publish: bool = True


class InformationRecordedIn(EventBody):
    type: Literal["InformationRecorded"]
    record_id: RecordId
    kind: InformationKind
    content: Text
    occurred_on: date
    self_declared: bool = False


class CommitmentMadeIn(EventBody):
    type: Literal["CommitmentMade"]
    record_id: RecordId
    commitment_type: CommitmentType
    matter: ShortText
    content: Text
    made_on: date
    due_on: date | None = None


class CommitmentFulfilledIn(EventBody):
    type: Literal["CommitmentFulfilled"]
    record_id: RecordId
    fulfilled_on: date


class CommitmentBreachedIn(EventBody):
    type: Literal["CommitmentBreached"]
    record_id: RecordId
    breached_on: date
    details: Text


class ListedIn(EventBody):
    type: Literal["Listed"]
    record_id: RecordId
    basis: Text
    measures: Annotated[list[ShortText], Field(min_length=1, max_length=50)]
    decided_on: date
    term_ends_on: date
    notified_on: date | None = None


class DelistedIn(EventBody):
    type: Literal["Delisted"]
    record_id: RecordId
    reason: DelistReason
    decided_on: date


class RedListedIn(EventBody):
    type: Literal["RedListed"]
    record_id: RecordId
    scheme: RedListScheme
    decided_on: date
    valid_to: date


class RedListRevokedIn(EventBody):
    type: Literal["RedListRevoked"]
    record_id: RecordId
    reason: Text
    decided_on: date


class PublicityExpiredIn(EventBody):
    type: Literal["PublicityExpired"]
    record_id: RecordId
    expired_on: date


class RepairRequestedIn(EventBody):
    type: Literal["RepairRequested"]
    repair_id: RecordId
    record_id: RecordId
    requested_on: date
    commitment: Text
    materials: Annotated[list[ShortText], Field(max_length=50)]


class RepairedIn(EventBody):
    type: Literal["Repaired"]
    repair_id: RecordId
    decided_on: date


class RepairRejectedIn(EventBody):
    type: Literal["RepairRejected"]
    repair_id: RecordId
    decided_on: date
    reason: Text


class RecordCorrectedIn(EventBody):
    type: Literal["RecordCorrected"]
    record_id: RecordId
    changes: dict[str, Any]
    reason: Text


class RecordRevokedIn(EventBody):
    type: Literal["RecordRevoked"]
    record_id: RecordId
    reason: Text
    decided_on: date


EventIn = Annotated[
    LicencePublishedIn
    | PenaltyPublishedIn
    | InformationRecordedIn
    | CommitmentMadeIn
    | CommitmentFulfilledIn
    | CommitmentBreachedIn
    | ListedIn
    | DelistedIn
    | RedListedIn
    | RedListRevokedIn
    | PublicityExpiredIn
    | RepairRequestedIn
    | RepairedIn
    | RepairRejectedIn
    | RecordCorrectedIn
    | RecordRevokedIn,
    Field(discriminator="type"),
]
