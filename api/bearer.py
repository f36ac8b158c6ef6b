"""The bearer token of a raw ASGI request, for middleware that runs before routing."""

from __future__ import annotations

from starlette.types import Scope


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None
