"""Portal pages answer their errors as HTML pages, not problem+json."""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, APIRouter
from starlette.exceptions import HTTPException
from starlette.responses import Response

from api.identity_lookup_refusal import TooManyIdentityLookups
from api.rendering import render
from domain.errors import InvalidSubjectCode
from domain.text_masking import mask_identity_numbers

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
TITLES = {
    400: "请求有误 Bad request",
    404: "未找到 Not found",
    422: "参数无效 Invalid parameters",
    429: "查询过于频繁 Too many lookups",
    503: "数据更新中 Not yet up to date",
}


class PortalRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def portal_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except HTTPException as e:
                return error_page(request, e.status_code, str(e.detail), e.headers)
            except RequestValidationError:
                message = "链接中的参数不正确，请返回上一页重试。"
                return error_page(request, 422, message)
            except InvalidSubjectCode:
                message = "这不是有效的统一社会信用代码或身份证号码。"
                return error_page(request, 422, message)
            except TooManyIdentityLookups as e:
                return too_many_lookups_page(request, e.retry_after)

        return portal_handler


def error_page(
    request: Request,
    status: int,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    title = TITLES.get(status, f"错误 Error {status}")
    # The message may quote what the caller sent (a cursor): no full number.
    shown = mask_identity_numbers(message)
    context = {"title": title, "message": shown, "status": status}
    return render(request, "error.html", context, status, headers)


def too_many_lookups_page(request: Request, retry_after: int) -> Response:
    minutes = math.ceil(retry_after / 60)
    message = (
        "本地址按身份证号码查询自然人的次数已达上限，"
        f"请约 {minutes} 分钟后再试。按企业名称或统一社会信用代码查询不受影响。"
    )
    return error_page(request, 429, message, {"Retry-After": str(retry_after)})


def portal_router() -> APIRouter:
    """HTML pages, no key; kept out of the OpenAPI schema of the API."""
    return APIRouter(
        tags=["portal"],
        include_in_schema=False,
        route_class=PortalRoute,
        default_response_class=HTMLResponse,
    )
