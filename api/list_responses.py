"""Paging, filters and CSV shared by every public list and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, HTTPException, Query, Request, Response

from api.csv_export import CSV_MEDIA_TYPE, csv_text
from api.identity_lookup_deps import TOO_MANY_LOOKUPS
from api.read_your_writes import (
    NOT_REACHED,
    MinPosition,
    await_position,
    report_position,
)
from api.request_values import BlankIsAbsent
from api.schemas.pages import PagePublic, RowPublic
from domain.codes import parse_subject_code
from infrastructure.views.read_models import ReadModels
from projections.errors import InvalidCursor
from projections.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    NameKey,
    Page,
    PageQuery,
    decode_cursor,
    encode_cursor,
)
from projections.search_cursor import decode_search_cursor

R = TypeVar("R")
# PostgreSQL text cannot hold NUL: refuse it as bad input, not fail later.
NO_NUL = r"^[^\x00]*$"
# A search cursor holds a subject's name: a registered name of 200 characters,
# each at most 4 bytes of UTF-8, makes a cursor of about 1,100 (with its
# query's digest); room is left.
SEARCH_CURSOR_MAX_LENGTH = 2048
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV (UTF-8, BOM)"},
    422: {"description": "Bad cursor, limit, date or subject code"},
    429: TOO_MANY_LOOKUPS,
    503: NOT_REACHED,
}


@dataclass(frozen=True)
class ListParams:
    limit: int
    cursor: str | None
    department: str | None
    since: date | None
    subject: str | None
    format: Literal["json", "csv"]
    min_position: int | None

    def query(self, scope: str) -> PageQuery:
        try:
            after = None if self.cursor is None else decode_cursor(scope, self.cursor)
        except InvalidCursor as e:
            raise cursor_refused(e) from None
        code = None if self.subject is None else parse_subject_code(self.subject).value
        return PageQuery(self.limit, after, self.department, self.since, code)


def list_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200), BlankIsAbsent] = None,
    department: Annotated[
        str | None, Query(max_length=200, pattern=NO_NUL), BlankIsAbsent
    ] = None,
    since: Annotated[
        date | None,
        Query(description="Only rows dated on or after this day"),
        BlankIsAbsent,
    ] = None,
    subject: Annotated[
        str | None,
        Query(max_length=40, description="Only this subject's rows"),
        BlankIsAbsent,
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    min_position: MinPosition = None,
) -> ListParams:
    return ListParams(limit, cursor, department, since, subject, format, min_position)


ListParamsDep = Annotated[ListParams, Depends(list_params)]


def list_response(
    scope: str,
    params: ListParams,
    read_models: ReadModels,
    read: Callable[[PageQuery], Page[R]],
    row_model: type[RowPublic],
    page_model: type[PagePublic],
    request: Request,
    response: Response,
    wait_seconds: float,
) -> Any:
    """The page as JSON (``page_model``) or as CSV, with the position it reflects."""
    query = params.query(scope)
    view = read_models.public
    await_position(view, read_models.ledger.name, params.min_position, wait_seconds)
    page = read(query)
    rows = [row_model.model_validate(row) for row in page.rows]
    cursor = None if page.next_key is None else encode_cursor(scope, page.next_key)
    if params.format == "csv":
        headers = {"Content-Disposition": f'attachment; filename="{scope}.csv"'}
        response = Response(
            csv_text(row_model, rows), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    report_position(response, page.position)
    link_next_page(request, response, cursor)
    if params.format == "csv":
        return response
    return page_model.model_validate(
        {
            "data": rows,
            "count": len(rows),
            "next_cursor": cursor,
            "position": page.position,
        }
    )


def search_after(q: str, cursor: str | None) -> NameKey | None:
    """Where a page of the subject search for ``q`` starts (None: at the first
    name)."""
    try:
        return None if cursor is None else decode_search_cursor(q, cursor)
    except InvalidCursor as e:
        raise cursor_refused(e) from None


def cursor_refused(e: InvalidCursor) -> HTTPException:
    return HTTPException(422, f"Invalid cursor: {e}")


def link_next_page(request: Request, response: Response, cursor: str | None) -> None:
    """The next page's URL, as the answer's ``Link`` header (none on the last)."""
    if cursor is not None:
        next_url = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
