"""Finding a subject, no key: by full code, or legal persons by part of name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import ServicesDep
from api.identity_lookup_deps import TOO_MANY_LOOKUPS, identity_lookup
from api.list_responses import (
    NO_NUL,
    SEARCH_CURSOR_MAX_LENGTH,
    SEARCH_PARAMETERS,
    link_next_public_page,
    search_after,
)
from api.read_your_writes import (
    NOT_REACHED,
    MinPosition,
    await_position,
    report_position,
)
from api.schemas.subject_search import SubjectSummariesPublic
from api.view_deps import ReadModelsDep
from projections.search_cursor import encode_search_cursor

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.get(
    "",
    response_model=SubjectSummariesPublic,
    responses={
        422: {"description": "Bad query, limit or cursor (of another list or q)"},
        429: TOO_MANY_LOOKUPS,
        503: NOT_REACHED,
    },
    dependencies=[identity_lookup("q")],
)
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
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=100, description="Subjects a page")] = 20,
    cursor: Annotated[
        str | None,
        Query(
            max_length=SEARCH_CURSOR_MAX_LENGTH,
            description=(
                "The `next_cursor` of the previous page, with the same `q` "
                "(another `q`: 422)"
            ),
        ),
    ] = None,
    min_position: MinPosition = None,
) -> SubjectSummariesPublic:
    """Natural persons are found only by their full identity number, and shown
    masked: the search never lists private people by name. Without a key, an
    address may look up only so many persons by number an hour (429 then).

    Subjects come in name order, then code, `limit` at a time. `next_cursor`
    (also a `Link: rel="next"` header; null on the last page) goes on after the
    last subject shown: subjects registered between pages never make others
    repeat or go missing. A cursor pages only the `q` it was made for."""
    after = search_after(q, cursor)
    wait = services.settings.read_wait_seconds
    await_position(read_models.public, read_models.ledger.name, min_position, wait)
    page = read_models.public.search_subjects(q, limit, after)
    next_cursor = (
        None if page.next_key is None else encode_search_cursor(q, page.next_key)
    )
    report_position(response, page.position)
    link_next_public_page(request, response, next_cursor, SEARCH_PARAMETERS)
    return SubjectSummariesPublic.model_validate(
        {
            "data": page.rows,
            "count": len(page.rows),
            "next_cursor": next_cursor,
            "position": page.position,
        },
        from_attributes=True,
    )
