"""Finding a subject, no key: by full code, or legal persons by part of name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ServicesDep
from api.list_responses import NO_NUL
from api.read_your_writes import MinPosition, await_position, report_position
from api.schemas.subject_search import SubjectSummariesPublic
from api.view_deps import ReadModelsDep

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.get("", response_model=SubjectSummariesPublic)
def search_subjects(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            pattern=NO_NUL,
            description="A full code, or part of a legal person's name",
        ),
    ],
    read_models: ReadModelsDep,
    services: ServicesDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    min_position: MinPosition = None,
) -> SubjectSummariesPublic:
    """Natural persons are found only by their full identity number, and shown
    masked: the search never lists private people by name."""
    wait = services.settings.read_wait_seconds
    await_position(read_models.public, read_models.ledger.name, min_position, wait)
    page = read_models.public.search_subjects(q, limit)
    report_position(response, page.position)
    return SubjectSummariesPublic.model_validate(
        {"data": page.rows, "count": len(page.rows), "position": page.position},
        from_attributes=True,
    )
