"""FastAPI dependencies: services from the app, the caller's key and scopes.

They are ``async`` although they do not wait on anything (but a key lookup that
missed the cache): FastAPI runs plain functions in its thread pool, and the
hops cost each request more than the dependencies themselves."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application.group_commit import GroupCommitter
from application.keys import Principal
from application.ledger import CreditLedger
from infrastructure.bootstrap import Services

bearer = HTTPBearer(auto_error=False, description="Department API key")


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_ledger(services: ServicesDep) -> CreditLedger:
    return services.ledger


LedgerDep = Annotated[CreditLedger, Depends(get_ledger)]


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "Missing API key", headers=challenge)
    # The services from the app, not through ``ServicesDep``: each dependency
    # FastAPI solves costs a request several microseconds, and every keyed
    # request solves this one.
    principal = await authenticated(request.app.state.services, credentials.credentials)
    if principal is None:
        raise HTTPException(401, "Invalid or revoked API key", headers=challenge)
    return principal


async def authenticated(services: Services, key: str) -> Principal | None:
    """The key's holder; None for a key unknown or revoked."""
    return services.keys.recently_authenticated(key) or await run_in_threadpool(
        services.keys.authenticate, key
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def committer_of(request: Request) -> GroupCommitter:
    committer: GroupCommitter = request.app.state.committer
    return committer


def check_scope(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        raise HTTPException(403, f"This key lacks the {scope!r} scope")


def require(scope: str) -> object:
    async def dependency(principal: PrincipalDep) -> Principal:
        check_scope(principal, scope)
        return principal

    return Depends(dependency)


AuditorDep = Annotated[Principal, require("audit")]
RecorderDep = Annotated[Principal, require("record")]
