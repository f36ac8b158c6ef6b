"""Portal home (search by code or name) and a subject's public credit page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from api.deps import ServicesDep
from api.identity_lookup_deps import identity_lookup
from api.list_responses import NO_NUL, SEARCH_CURSOR_MAX_LENGTH, search_after
from api.portal_lists import ALL, COMMITMENTS, LICENCES, PENALTIES, RED, SERIOUS
from api.portal_route import portal_router
from api.read_your_writes import MinPosition, await_position, report_position
from api.rendering import render, subject_path
from api.view_deps import ReadModelsDep
from application.credit_standing import assess
from domain.codes import SubjectCode, SubjectKind, parse_subject_code
from domain.errors import InvalidSubjectCode
from infrastructure.log_masking import mask_sensitive
from infrastructure.views.read_models import ReadModels
from projections.paging import NameKey, PageQuery
from projections.search_cursor import encode_search_cursor

router = portal_router()
SEARCH_LIMIT = 20
SECTION_LIMIT = 100


@dataclass(frozen=True)
class Section:
    """One table of the subject page; ``more`` when rows were left off."""

    heading: str
    table: str
    rows: Sequence[object]
    more: bool = False


@router.get("/", dependencies=[identity_lookup("q")])
def home(
    request: Request,
    read_models: ReadModelsDep,
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    cursor: Annotated[str | None, Query(max_length=SEARCH_CURSOR_MAX_LENGTH)] = None,
    min_position: MinPosition = None,
) -> Response:
    text = (q or "").strip()
    context = {"sections": ALL, "searched": bool(text), "prefill": text}
    if not text:
        return render(request, "home.html", context)
    after = search_after(text, cursor)
    wait = services.settings.read_wait_seconds
    await_position(read_models.public, read_models.ledger.name, min_position, wait)
    page = read_models.public.search_subjects(text, SEARCH_LIMIT, after)
    code = _as_code(text)
    if code is not None and len(page.rows) == 1:
        if code.kind is SubjectKind.NATURAL_PERSON:
            # Shown here, not redirected to: a Location would repeat the number.
            return _subject_page(request, code, read_models)
        return RedirectResponse(subject_path(code.value), status_code=303)
    # An identity number typed in, alone or within other text, is shown back
    # only masked, and not put back into the search box nor into a link.
    shown = code.masked if code is not None else mask_sensitive(text)
    private = shown != text if code is None else code.kind is SubjectKind.NATURAL_PERSON
    context |= {
        "results": page.rows,
        "more": page.next_key is not None,
        "next_url": None if private else _next_search_url(text, page.next_key),
        "first_url": None if private or cursor is None else _search_url(text),
        "shown_query": shown,
        "prefill": "" if private else text,
        "position": page.position,
    }
    response = render(request, "home.html", context)
    report_position(response, page.position)
    return response


@router.get("/subjects/{code}", dependencies=[identity_lookup("code", in_path=True)])
def subject_page(
    request: Request,
    code: Annotated[str, Path(max_length=40)],
    read_models: ReadModelsDep,
    services: ServicesDep,
    min_position: MinPosition = None,
) -> Response:
    subject_code = parse_subject_code(code)
    wait = services.settings.read_wait_seconds
    await_position(read_models.public, read_models.ledger.name, min_position, wait)
    return _subject_page(request, subject_code, read_models)


def _subject_page(
    request: Request, subject_code: SubjectCode, read_models: ReadModels
) -> Response:
    views = read_models.public
    profile = views.credit_profile(subject_code.value)
    if profile is None:
        raise HTTPException(404, f"未找到主体 {subject_code.masked}。")
    ledger = read_models.ledger
    standing = assess(profile, ledger.today(), ledger.rules.grading)
    in_force = PageQuery(limit=SECTION_LIMIT, subject_code=subject_code.value)
    sections = [
        Section("严重失信主体名单（列入中）", SERIOUS.table, profile.listings),
        Section(RED.title, RED.table, profile.red_list),
    ]
    for column in (LICENCES, PENALTIES, COMMITMENTS):
        page = column.read(views, in_force)
        sections.append(
            Section(column.title, column.table, page.rows, page.next_key is not None)
        )
    context = {
        "subject": profile.subject,
        "standing": standing,
        "listed": bool(profile.listings),
        "sections": sections,
        "position": profile.position,
    }
    response = render(request, "subject.html", context)
    report_position(response, profile.position)
    return response


def _next_search_url(text: str, next_key: NameKey | None) -> str | None:
    if next_key is None:
        return None
    return _search_url(text, cursor=encode_search_cursor(text, next_key))


def _search_url(text: str, **more: str) -> str:
    return "/?" + urlencode({"q": text} | more)


def _as_code(text: str) -> SubjectCode | None:
    try:
        return parse_subject_code(text)
    except InvalidSubjectCode:
        return None
