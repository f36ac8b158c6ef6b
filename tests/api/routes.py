"""Every operation an app serves, read from ``app.routes``.

FastAPI 0.165 keeps included routers lazily, so their effective routes are
expanded; whether an operation needs a key is read from its dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant

from api.deps import get_principal


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    needs_key: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _needs_key(dependant: Dependant | None) -> bool:
    if dependant is None:
        return False
    return any(d.call is get_principal or _needs_key(d) for d in dependant.dependencies)


def operations(app: FastAPI) -> list[Operation]:
    found: list[Operation] = []
    for route in app.routes:
        expand = getattr(route, "effective_route_contexts", None)
        for effective in expand() if expand else [route]:
            for method in sorted(getattr(effective, "methods", None) or ()):
                if method != "HEAD":
                    path = str(getattr(effective, "path", ""))
                    dependant = getattr(effective, "dependant", None)
                    found.append(Operation(method, path, _needs_key(dependant)))
    return found
