"""Repair history (audited): a key with the ``audit`` or ``review`` scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import ServicesDep
from api.list_responses import NO_NUL, cursor_refused, link_next_page
from api.read_your_writes import MinPosition, await_position, report_position
from api.request_values import BlankIsAbsent
from api.schemas.repairs import (
    RepairHistoriesPublic,
    RepairsWithIdPublic,
)
from api.view_deps import ReadModelsDep, RepairReaderDep
from domain.codes import parse_subject_code
from domain.errors import UnknownRepair
from projections.errors import InvalidCursor
from projections.paging import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from projections.repair_view import RepairQuery

router = APIRouter(prefix="/v1/repairs", tags=["repairs"])
SCOPE = "repairs"
Subject = Annotated[str | None, Query(max_length=40, description="Subject code")]


@router.get("", response_model=RepairHistoriesPublic)
def list_repairs(
    _: RepairReaderDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200), BlankIsAbsent] = None,
    department: Annotated[
        str | None, Query(max_length=200, pattern=NO_NUL), BlankIsAbsent
    ] = None,
    since: Annotated[
        date | None, Query(description="Requested on or after"), BlankIsAbsent
    ] = None,
    subject: Subject = None,
    status: Literal["pending", "granted", "rejected", "revoked"] | None = None,
    overdue: Annotated[
        bool | None, Query(description="Only (or no) pending past the deadline")
    ] = None,
    min_position: MinPosition = None,
) -> RepairHistoriesPublic:
    """Repair applications, newest request first."""
    try:
        after = None if cursor is None else decode_cursor(SCOPE, cursor)
    except InvalidCursor as e:
        raise cursor_refused(e) from None
    query = RepairQuery(
        limit, after, department, since, _code(subject), status, overdue
    )
    view = read_models.repairs
    wait = services.settings.read_wait_seconds
    await_position(view, read_models.ledger.name, min_position, wait)
    page = view.repairs(query, read_models.ledger.today())
    next_cursor = None if page.next_key is None else encode_cursor(SCOPE, page.next_key)
    report_position(response, page.position)
    link_next_page(request, response, next_cursor)
    return RepairHistoriesPublic.model_validate(
        {
            "data": page.rows,
            "count": len(page.rows),
            "next_cursor": next_cursor,
            "position": page.position,
        },
        from_attributes=True,
    )


@router.get(
    "/{repair_id}",
    response_model=RepairsWithIdPublic,
    responses={404: {"description": "No repair with this id (for this subject)"}},
)
def get_repair(
    repair_id: Annotated[str, Path(max_length=100, pattern=NO_NUL)],
    _: RepairReaderDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    response: Response,
    subject: Subject = None,
    min_position: MinPosition = None,
) -> RepairsWithIdPublic:
    """A repair id is unique per subject: without ``subject`` every subject's
    repair with this id is answered."""
    view = read_models.repairs
    wait = services.settings.read_wait_seconds
    await_position(view, read_models.ledger.name, min_position, wait)
    page = view.repairs_with_id(repair_id, _code(subject), read_models.ledger.today())
    if not page.rows:
        # The problem a record naming this repair gets: one type, one meaning.
        raise UnknownRepair(f"No repair {repair_id!r} is recorded")
    report_position(response, page.position)
    return RepairsWithIdPublic.model_validate(
        {"data": page.rows, "count": len(page.rows), "position": page.position},
        from_attributes=True,
    )


def _code(subject: str | None) -> str | None:
    return None if subject is None else parse_subject_code(subject).value
