"""逢办必查: the mandatory credit check before acting on a matter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import RecorderDep, ServicesDep
from api.read_your_writes import MinPosition, await_position, report_position
from api.schemas.checks import CheckRestrictionPublic, CreditCheckPublic
from api.schemas.inspection import InspectionTermsPublic
from api.view_deps import ReadModelsDep
from domain.matters import Matter

router = APIRouter(prefix="/v1/checks", tags=["credit checks"])


@router.get(
    "/{code}",
    response_model=CreditCheckPublic,
    responses={404: {"description": "Unknown subject (the check is recorded)"}},
)
def check_credit(
    code: str,
    matter: Annotated[Matter, Query(description="The matter about to be handled")],
    principal: RecorderDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    response: Response,
    min_position: MinPosition = None,
) -> CreditCheckPublic:
    """Grade, the restrictions the subject's listings put on this matter, and
    why. Every check is recorded: who asked, about whom, which matter, what
    was answered."""
    wait = services.settings.read_wait_seconds
    await_position(read_models.public, read_models.ledger.name, min_position, wait)
    answer = read_models.checks.check(code, matter, principal.actor)
    report_position(response, answer.position)
    return CreditCheckPublic(
        check_id=answer.check_id,
        subject=answer.subject,
        name=answer.name,
        matter=answer.matter.value,
        grade=answer.grade,
        outcome=answer.outcome,
        restrictions=[
            CheckRestrictionPublic.model_validate(r) for r in answer.restrictions
        ],
        reasons=list(answer.reasons),
        checked_at=answer.checked_at,
        position=answer.position,
        inspection=InspectionTermsPublic.model_validate(answer.inspection),
    )
