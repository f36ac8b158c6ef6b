"""The 双随机 inspection plan: enterprises per grade and a seeded random sample
of each. Not public (it names whom inspectors will visit): a key with the
``review`` or ``audit`` scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import PrincipalDep, ServicesDep
from api.read_your_writes import MinPosition, await_position, report_position
from api.schemas.inspection import InspectionPlanPublic
from api.view_deps import ReadModelsDep
from application.inspection_plan import plan_inspections
from application.keys import Principal
from domain.grading import Grade
from infrastructure.views.grading_population import SqlGradingPopulation

router = APIRouter(prefix="/v1/inspection", tags=["inspection"])
PLAN_SCOPES = frozenset({"review", "audit"})
Ratio = Annotated[
    float | None,
    Query(ge=0, le=1, description="Sampling ratio of this grade (default: config)"),
]


def get_planner(principal: PrincipalDep) -> Principal:
    if not principal.scopes & PLAN_SCOPES:
        raise HTTPException(
            403, "The inspection plan needs the 'review' or 'audit' scope"
        )
    return principal


PlannerDep = Annotated[Principal, Depends(get_planner)]


@router.get(
    "/plan",
    response_model=InspectionPlanPublic,
    responses={503: {"description": "min_position not reached in time"}},
)
def inspection_plan(
    _: PlannerDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    response: Response,
    seed: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00]*$",
            description="Any text; the same seed at the same position draws the "
            "same sample (publish it with the plan so it can be checked)",
        ),
    ],
    ratio: Annotated[
        float | None,
        Query(ge=0, le=1, description="One sampling ratio for every grade"),
    ] = None,
    ratio_high: Ratio = None,
    ratio_medium: Ratio = None,
    ratio_poor: Ratio = None,
    population: Annotated[
        bool, Query(description="Also list every subject of each grade")
    ] = False,
    min_position: MinPosition = None,
) -> InspectionPlanPublic:
    """Enterprises (legal persons) graded high / medium / poor from their
    active records today, each grade's configured ratio and on-site checks
    per year, and ceil(ratio × population) of them drawn at random with
    ``seed``. A per-grade ratio overrides ``ratio``, which overrides config."""
    view = read_models.public
    wait = services.settings.read_wait_seconds
    await_position(view, read_models.ledger.name, min_position, wait)
    given = {Grade.HIGH: ratio_high, Grade.MEDIUM: ratio_medium, Grade.POOR: ratio_poor}
    ratios = {g: r if r is not None else ratio for g, r in given.items()}
    ledger = read_models.ledger
    plan = plan_inspections(
        SqlGradingPopulation(view),
        seed,
        ledger.today(),
        ledger.rules.grading,
        ledger.rules.inspection,
        {g: r for g, r in ratios.items() if r is not None},
    )
    report_position(response, plan.position)
    answer = InspectionPlanPublic.model_validate(plan, from_attributes=True)
    if not population:
        for grade in answer.grades:
            grade.subjects = None
    return answer
