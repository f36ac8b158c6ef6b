"""The dependency that charges a keyless lookup of a natural person by full
identity number to the client's address (:mod:`api.identity_lookups`).

It is charged before anything is looked up, whether or not such a person is
registered: a miss costs what a hit does, so the refusal tells nothing either.
A request with a valid key is not charged (keys have their own rate limit); a
made-up or revoked key is no key. The address is the one uvicorn gives: behind
a reverse proxy, uvicorn takes it from ``X-Forwarded-For`` when the proxy's
address is in ``FORWARDED_ALLOW_IPS`` (README "Access")."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Depends, Request, params

from api.bearer import bearer_token
from api.deps import ServicesDep, authenticated
from api.identity_lookup_refusal import TooManyIdentityLookups
from api.identity_lookups import IdentityLookups
from domain.codes import SubjectKind, parse_subject_code
from domain.errors import InvalidSubjectCode
from infrastructure.bootstrap import Services

TOO_MANY_LOOKUPS: dict[str, Any] = {
    "description": "More lookups by full identity number without a key from this "
    "address than allowed (see Retry-After)"
}


def identity_lookup(parameter: str, *, in_path: bool = False) -> params.Depends:
    """Charges the lookup when the query (or path) ``parameter`` is a natural
    person's identity number."""

    async def charge(request: Request, services: ServicesDep) -> None:
        lookups: IdentityLookups | None = request.app.state.identity_lookups
        values = request.path_params if in_path else request.query_params
        number = _natural_persons_number(values.get(parameter))
        if lookups is None or number is None or await _keyed(request, services):
            return
        address = request.client.host if request.client else ""
        wait = lookups.take(address, number)
        if wait:
            raise TooManyIdentityLookups(max(1, math.ceil(wait)))

    dependency: params.Depends = Depends(charge)
    return dependency


def _natural_persons_number(value: str | None) -> str | None:
    try:
        code = parse_subject_code(value or "")
    except InvalidSubjectCode:
        return None
    return code.value if code.kind is SubjectKind.NATURAL_PERSON else None


async def _keyed(request: Request, services: Services) -> bool:
    token = bearer_token(request.scope)
    return token is not None and await authenticated(services, token) is not None
