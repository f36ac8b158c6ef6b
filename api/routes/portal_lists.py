"""Portal pages of the public lists and publicity columns: the API's rows,
cursors and department filter, drawn as tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from starlette.responses import Response

from api.deps import ServicesDep
from api.list_responses import NO_NUL, ListParams, read_list_page
from api.portal_lists import BY_PATH, PortalList
from api.portal_route import portal_router
from api.read_your_writes import MinPosition, report_position
from api.rendering import render
from api.view_deps import ReadModelsDep
from domain.text_masking import mask_identity_numbers
from infrastructure.settings import Settings
from infrastructure.views.read_models import ReadModels
from projections.list_cursor import encode_list_cursor

router = portal_router()
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageParams:
    cursor: str | None
    department: str | None
    since: str | None
    limit: int
    min_position: int | None

    def filters(self) -> dict[str, str | None]:
        """What the next page and the first page keep."""
        kept = {"department": self.department, "since": self.since}
        return kept | ({"limit": str(self.limit)} if self.limit != PAGE_SIZE else {})


def page_params(
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    department: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
    min_position: MinPosition = None,
) -> PageParams:
    # Empty form fields arrive as "": they mean "no filter".
    return PageParams(cursor, department or None, since or None, limit, min_position)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


@router.get("/lists/{name}")
def list_page(
    name: str,
    params: PageParamsDep,
    request: Request,
    read_models: ReadModelsDep,
    services: ServicesDep,
) -> Response:
    section = _section("lists", name)
    return _page(section, params, request, read_models, services.settings)


@router.get("/publicity/{name}")
def publicity_page(
    name: str,
    params: PageParamsDep,
    request: Request,
    read_models: ReadModelsDep,
    services: ServicesDep,
) -> Response:
    section = _section("publicity", name)
    return _page(section, params, request, read_models, services.settings)


def _page(
    section: PortalList,
    params: PageParams,
    request: Request,
    read_models: ReadModels,
    settings: Settings,
) -> Response:
    asked = ListParams(
        params.limit,
        params.cursor,
        params.department,
        _date(params.since),
        None,
        "json",
        params.min_position,
    )
    view = read_models.public
    page, subject = read_list_page(
        section.scope,
        asked,
        read_models,
        lambda query: section.read(view, query),
        settings.read_wait_seconds,
    )
    # An identity number typed in as the department is not shown back, in the
    # box or in a link, as the search does with one (the rows are still its).
    department = params.department
    private = department is not None and mask_identity_numbers(department) != department
    next_url = None
    if page.next_key is not None and not private:
        cursor = encode_list_cursor(section.scope, page.next_key, subject)
        next_url = _url(section, params.filters() | {"cursor": cursor})
    context = {
        "section": section,
        "rows": page.rows,
        "department": None if private else department,
        "since": params.since,
        "next_url": next_url,
        "first_url": (
            _url(section, params.filters()) if params.cursor and not private else None
        ),
        "position": page.position,
    }
    response = render(request, "list.html", context)
    report_position(response, page.position)
    return response


def _section(kind: str, name: str) -> PortalList:
    section = BY_PATH.get(f"/{kind}/{name}")
    if section is None:
        known = "、".join(s.title for s in BY_PATH.values())
        raise HTTPException(404, f"没有这个栏目。现有栏目：{known}。")
    return section


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, "日期应写作 YYYY-MM-DD。") from None


def _url(section: PortalList, params: dict[str, str | None]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{section.path}?{query}" if query else section.path
