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
from api.list_responses import NO_NUL, ListParams
from api.portal_lists import BY_PATH, PortalList
from api.portal_route import portal_router
from api.read_your_writes import MinPosition, await_position, report_position
from api.rendering import render
from api.view_deps import ReadModelsDep
from infrastructure.settings import Settings
from infrastructure.views.read_models import ReadModels
from projections.paging import encode_cursor

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
    query = ListParams(
        params.limit,
        params.cursor,
        params.department,
        _date(params.since),
        None,
        "json",
        params.min_position,
    ).query(section.scope)
    view = read_models.public
    wait = settings.read_wait_seconds
    await_position(view, read_models.ledger.name, params.min_position, wait)
    page = section.read(view, query)
    next_url = None
    if page.next_key is not None:
        cursor = encode_cursor(section.scope, page.next_key)
        next_url = _url(section, params.filters() | {"cursor": cursor})
    context = {
        "section": section,
        "rows": page.rows,
        "department": params.department,
        "since": params.since,
        "next_url": next_url,
        "first_url": _url(section, params.filters()) if params.cursor else None,
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
