"""The methods a path accepts, for the ``Allow`` header of a 405.

The router answers 405 with the methods of the first route whose path matched,
but a path can be served by several routes, one method each (``GET`` and
``PATCH /v1/subjects/{code}``). Asking the router, method by method, which of
them it would serve names them all, and only those.
"""

from __future__ import annotations

from http import HTTPMethod

from starlette.requests import Request
from starlette.routing import Match


def allowed_methods(request: Request) -> list[str]:
    """The methods some route serves at this request's path, in name order."""
    routes = request.app.router.routes
    return [
        method.value
        for method in sorted(HTTPMethod)
        if any(
            route.matches(_probe(request, method))[0] is Match.FULL for route in routes
        )
    ]


def _probe(request: Request, method: str) -> dict[str, object]:
    # A scope of its own each time: matching writes into the scope it is given.
    return {
        "type": "http",
        "path": request.scope["path"],
        "root_path": request.scope.get("root_path", ""),
        "method": method,
    }
