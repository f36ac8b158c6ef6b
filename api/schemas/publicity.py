"""双公示 licence and penalty columns, and the commitment publicity column.

Fields follow the national 双公示 data standard; ``data_source`` is the
department that recorded the decision, ``late`` that it was published after the
working-day deadline. Only publishable, current content is shown: a correction
replaces it, expiry, repair and revocation remove it.
"""

from __future__ import annotations

from datetime import date

from api.schemas.pages import PagePublic, RowPublic


class LicenceEntryPublic(RowPublic):
    subject: str
    name: str
    legal_representative: str | None
    record_id: str
    decision_no: str
    licence_category: str
    licence_name: str
    licence_no: str | None
    content: str
    decided_on: date
    valid_from: date
    valid_to: date | None
    authority: str
    authority_code: str
    data_source: str
    publication_deadline: date
    late: bool
    corrections: int
    position: int


class LicencesPublic(PagePublic):
    data: list[LicenceEntryPublic]


class PenaltyEntryPublic(RowPublic):
    subject: str
    name: str
    legal_representative: str | None
    record_id: str
    decision_no: str
    violation_type: str
    facts: str
    basis: str
    penalty_types: list[str]
    content: str
    fine_amount: str | None
    confiscated_amount: str | None
    severity: str
    decided_on: date
    publicity_until: date | None
    authority: str
    authority_code: str
    data_source: str
    publication_deadline: date
    late: bool
    corrections: int
    position: int


class PenaltiesPublic(PagePublic):
    data: list[PenaltyEntryPublic]


class CommitmentEntryPublic(RowPublic):
    subject: str
    name: str
    record_id: str
    commitment_type: str
    matter: str
    content: str
    made_on: date
    due_on: date | None
    status: str
    closed_on: date | None
    breach_details: str | None
    data_source: str
    publication_deadline: date
    late: bool
    closure_late: bool | None
    corrections: int
    position: int


class CommitmentsPublic(PagePublic):
    data: list[CommitmentEntryPublic]
