"""Request bodies for recording events: one model per type, keyed by ``type``."""

from __future__ import annotations

from datetime import date
from enum import Enum, StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from api.schemas.plain_text import PlainText
from domain.publicity import PenaltyType, Severity

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    PlainText,
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    PlainText,
]
RecordId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\s/]+$"
    ),
    PlainText,
]
NewRecordId = Annotated[
    RecordId,
    Field(
        description="The client's id of the new record, unique within the subject. "
        "Published as written (not masked): an id holding a resident identity "
        "number is refused (422)"
    ),
]
AuthorityCode = Annotated[
    ShortText,
    Field(
        description="The deciding authority's unified social credit code. "
        "Published as written (not masked): a resident identity number, a code "
        "that also passes as one or reads as one with a mistyped check digit, "
        "or other text holding one is refused (422)"
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


class LicencePublishedIn(EventBody):
    type: Literal["LicencePublished"]
    record_id: NewRecordId
    decision_no: ShortText
    licence_category: LicenceCategory
    licence_name: ShortText
    licence_no: ShortText | None = None
    content: Text
    decided_on: date
    valid_from: date
    valid_to: date | None = None
    authority: ShortText
    authority_code: AuthorityCode
    publish: bool = True


class PenaltyPublishedIn(EventBody):
    type: Literal["PenaltyPublished"]
    record_id: NewRecordId
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
    authority_code: AuthorityCode
    publish: bool = True


class InformationRecordedIn(EventBody):
    type: Literal["InformationRecorded"]
    record_id: NewRecordId
    kind: InformationKind
    content: Text
    occurred_on: date
    self_declared: bool = False


class CommitmentMadeIn(EventBody):
    type: Literal["CommitmentMade"]
    record_id: NewRecordId
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
    record_id: NewRecordId
    basis: Text
    measures: Annotated[list[ShortText], Field(min_length=1, max_length=50)]
    decided_on: date
    term_ends_on: date
    notified_on: date | None = None


class DelistedIn(EventBody):
    type: Literal["Delisted"]
    record_id: RecordId
    reason: DelistReason = Field(
        description="`revoked` is refused here (422): post `RecordRevoked` (review "
        "scope), which stores this `Delisted` itself"
    )
    decided_on: date


class RedListedIn(EventBody):
    type: Literal["RedListed"]
    record_id: NewRecordId
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
    materials: Annotated[
        list[ShortText],
        Field(
            max_length=50,
            description="At least one for the repair of a listing (422 otherwise)",
        ),
    ]


class RepairedIn(EventBody):
    type: Literal["Repaired"]
    repair_id: RecordId
    decided_on: date


class RepairRejectedIn(EventBody):
    type: Literal["RepairRejected"]
    repair_id: RecordId
    decided_on: date
    reason: Text


class RepairRevokedIn(EventBody):
    """Revokes a granted repair obtained by fraud (review scope). The record it
    repaired is active and published again with its original publicity terms:
    a penalty in the 双公示 penalty column, a listing on the serious-dishonesty
    list, unless its maximum period or term has ended by then (then it is not
    shown, and the expiry run ends it as usual). Only a granted repair can be
    revoked (409); an unknown repair is 404. The revoked repair still counts in
    the repair refusal rules."""

    type: Literal["RepairRevoked"]
    repair_id: RecordId
    reason: Text
    decided_on: date


class RecordCorrectedIn(EventBody):
    type: Literal["RecordCorrected"]
    record_id: RecordId
    changes: dict[str, Any]
    reason: Text

    @field_validator("changes")
    @classmethod
    def _corrected_values_fit(cls, changes: dict[str, Any]) -> dict[str, Any]:
        """Each corrected value checked as the record's own event checks it (a
        field no record has is left to the subject, which refuses it)."""
        return {
            name: correction_value(name, value) if name in CORRECTABLE else value
            for name, value in changes.items()
        }


class RecordRevokedIn(EventBody):
    type: Literal["RecordRevoked"]
    record_id: RecordId
    reason: Text
    decided_on: date


# The events that make a correctable record (licence, penalty, information,
# commitment): a correction's values must pass their checks.
RECORD_MODELS: tuple[type[EventBody], ...] = (
    LicencePublishedIn,
    PenaltyPublishedIn,
    InformationRecordedIn,
    CommitmentMadeIn,
)


def _record_model_of_fields() -> dict[str, type[EventBody]]:
    """The record model whose declaration checks each field; a field that
    several share is declared alike in each (tests/api/test_correction_checks.py
    holds it)."""
    models: dict[str, type[EventBody]] = {}
    for model in RECORD_MODELS:
        for name in model.model_fields:
            if name != "type":
                models.setdefault(name, model)
    return models


CORRECTABLE = _record_model_of_fields()


def correction_value(name: str, value: Any) -> Any:
    """The value checked as its record's event checks it (required, type,
    length, allowed values), as plain JSON values (an enum's value, a date's
    ISO text), as a correction stores them."""
    model = CORRECTABLE[name]
    try:
        checked = model.__pydantic_validator__.validate_assignment(
            model.model_construct(), name, value
        )
    except ValidationError as e:
        reason = "; ".join(error["msg"] for error in e.errors())
        raise ValueError(f"{name}: {reason}") from None
    return _plain(getattr(checked, name))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


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
    | RepairRevokedIn
    | RecordCorrectedIn
    | RecordRevokedIn,
    Field(discriminator="type"),
]
