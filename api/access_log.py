"""Records every write, every request made with a key and every refusal.

Who (key id, department, actor), what (method, path with query, status) and
when go to the access log after the response is sent. Paths are masked like
log lines, so no identity number is stored in clear; a key is never stored,
only its public id (for a refused key, the id it claims to have).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.bearer import bearer_token
from application.access import AccessRecord
from application.keys import Principal
from infrastructure.bootstrap import Services
from infrastructure.log_masking import mask_sensitive

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSALS = frozenset({401, 403, 429})
_CLAIMED_KEY_ID = re.compile(r"cl_([0-9a-f]{12})_")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            token = bearer_token(scope)
            if token or scope["method"] not in SAFE_METHODS or status in REFUSALS:
                services: Services = scope["app"].state.services
                principal = None
                if token:
                    # The key was checked for this request moments ago, so the
                    # cache answers; only a miss goes to the store, off the loop.
                    principal = services.keys.recently_authenticated(
                        token
                    ) or await run_in_threadpool(services.keys.authenticate, token)
                # Appending only queues the record (the log is written behind).
                services.access_log.append(
                    _access_record(services, scope, token, principal, status)
                )


def _access_record(
    services: Services,
    scope: Scope,
    token: str | None,
    principal: Principal | None,
    status: int,
) -> AccessRecord:
    claimed = _CLAIMED_KEY_ID.match(token or "")
    path = scope["path"]
    if scope.get("query_string"):
        path += "?" + unquote_plus(scope["query_string"].decode("latin-1"))
    return AccessRecord(
        at=services.clock.now(),
        key_id=principal.key_id
        if principal
        else (claimed.group(1) if claimed else None),
        department=principal.actor.department if principal else None,
        actor=principal.actor.actor if principal else None,
        method=scope["method"],
        path=mask_sensitive(path),
        status=status,
    )
