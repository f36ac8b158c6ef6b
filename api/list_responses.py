"""Paging, filters and CSV shared by every public list and column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request, Response
from starlette.datastructures import URL

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
from domain.codes import SubjectCode, SubjectKind, parse_subject_code
from domain.text_masking import mask_identity_numbers
from infrastructure.views.read_models import ReadModels
from projections.errors import InvalidCursor
from projections.list_cursor import (
    decode_list_cursor,
    encode_list_cursor,
    person_paged,
)
from projections.paging import DEFAULT_LIMIT, MAX_LIMIT, NameKey, Page, PageQuery
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
# What a next page's link keeps of the request (with its own cursor); a
# parameter the route does not take is left out.
LIST_PARAMETERS = ("subject", "department", "since", "limit", "format", "min_position")
SEARCH_PARAMETERS = ("q", "limit", "min_position")


@dataclass(frozen=True)
class ListParams:
    limit: int
    cursor: str | None
    department: str | None
    since: date | None
    subject: str | None
    format: Literal["json", "csv"]
    min_position: int | None

    def query(
        self, scope: str, subject_at: Callable[[int], str | None]
    ) -> tuple[PageQuery, SubjectCode | None] | None:
        """The page asked for and the subject it is of (``subject``, or the
        natural person the cursor carries); None for a person's cursor that
        names no one's rows (it was not made here): no rows."""
        try:
            key = (
                None if self.cursor is None else decode_list_cursor(scope, self.cursor)
            )
        except InvalidCursor as e:
            raise cursor_refused(e) from None
        code = None if self.subject is None else parse_subject_code(self.subject)
        if key is not None and key.person is not None:
            if code is None:
                code = person_paged(key, subject_at)
                if code is None:
                    return None
            elif code.masked != key.person:
                msg = "cursor was made for another subject; start again without it"
                raise cursor_refused(InvalidCursor(msg))
        after = None if key is None else key.after
        value = None if code is None else code.value
        return PageQuery(self.limit, after, self.department, self.since, value), code


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
    page, subject = read_list_page(scope, params, read_models, read, wait_seconds)
    rows = [row_model.model_validate(row) for row in page.rows]
    cursor = None
    if page.next_key is not None:
        cursor = encode_list_cursor(scope, page.next_key, subject)
    if params.format == "csv":
        headers = {"Content-Disposition": f'attachment; filename="{scope}.csv"'}
        response = Response(
            csv_text(row_model, rows), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    report_position(response, page.position)
    # A natural person's number goes on in the cursor, masked, not in the link.
    person = subject is not None and subject.kind is SubjectKind.NATURAL_PERSON
    kept = [p for p in LIST_PARAMETERS if not (person and p == "subject")]
    link_next_public_page(request, response, cursor, kept)
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


def read_list_page(
    scope: str,
    params: ListParams,
    read_models: ReadModels,
    read: Callable[[PageQuery], Page[R]],
    wait_seconds: float,
) -> tuple[Page[R], SubjectCode | None]:
    """The page asked for, once the view has ``min_position``, and the subject
    it is of (its next cursor carries a natural person)."""
    asked = params.query(scope, read_models.ledger.subject_at)
    view = read_models.public
    app = read_models.ledger.name
    await_position(view, app, params.min_position, wait_seconds)
    if asked is None:
        return Page([], None, view.position(app)), None
    query, subject = asked
    return read(query), subject


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
    """The next page's URL, as the answer's ``Link`` header (none on the last):
    the request's own, with the next cursor (keyed answers)."""
    if cursor is not None:
        _link(response, request.url.include_query_params(cursor=cursor))


def link_next_public_page(
    request: Request, response: Response, cursor: str | None, kept: Sequence[str]
) -> None:
    """The next page's URL as the answer's ``Link`` header (none on the last)
    of a keyless answer: the request's parameters ``kept`` and the next cursor.

    It never repeats an identity number: a natural person's ``subject`` travels
    in the cursor (the caller leaves it out of ``kept``), and a page whose free
    text (``q``, ``department``) holds a number gets no link, as on the portal;
    ``next_cursor``, sent with the same parameters, still pages on. A legal
    person's code stays, even one of digits that text masking would take for a
    number: it is public."""
    if cursor is None:
        return
    values = {p: v for p, v in request.query_params.items() if p in kept}
    texts = [v for p, v in values.items() if p != "subject"]
    if any(mask_identity_numbers(text) != text for text in texts):
        return
    _link(response, request.url.replace(query=urlencode(values | {"cursor": cursor})))


def _link(response: Response, next_url: URL) -> None:
    response.headers["Link"] = f'<{next_url}>; rel="next"'
