"""Public lists, no key: serious dishonesty (严重失信主体名单) and the red list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import ServicesDep
from api.identity_lookup_deps import identity_lookup
from api.list_responses import CSV_RESPONSES, ListParamsDep, list_response
from api.schemas.public_lists import (
    RedListEntryPublic,
    RedListPublic,
    SeriousListEntryPublic,
    SeriousListPublic,
)
from api.view_deps import ReadModelsDep
from projections.paging import PublicList

router = APIRouter(
    prefix="/v1/lists", tags=["public lists"], dependencies=[identity_lookup("subject")]
)
LISTS = (PublicList.SERIOUS_DISHONESTY, PublicList.RED)


@router.get(
    "/serious-dishonesty", response_model=SeriousListPublic, responses=CSV_RESPONSES
)
def serious_dishonesty_list(
    params: ListParamsDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> Any:
    """Subjects listed as seriously dishonest, newest listing first; a subject
    leaves the list when delisted (expiry, repair or revocation)."""
    return list_response(
        PublicList.SERIOUS_DISHONESTY,
        params,
        read_models,
        read_models.public.serious_list,
        SeriousListEntryPublic,
        SeriousListPublic,
        request,
        response,
        services.settings.read_wait_seconds,
    )


@router.get("/red", response_model=RedListPublic, responses=CSV_RESPONSES)
def red_list(
    params: ListParamsDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> Any:
    """A-grade taxpayers, customs AEO and other red-list entries in force."""
    return list_response(
        PublicList.RED,
        params,
        read_models,
        read_models.public.red_list,
        RedListEntryPublic,
        RedListPublic,
        request,
        response,
        services.settings.read_wait_seconds,
    )


@router.get("/{name}", include_in_schema=False)
def unknown_list(name: str) -> None:
    known = ", ".join(LISTS)
    raise HTTPException(404, f"There is no list {name!r}; the lists are: {known}")
