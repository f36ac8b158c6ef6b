"""Publicity columns, no key: 双公示 licences and penalties, and commitments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import ServicesDep
from api.identity_lookup_deps import identity_lookup
from api.list_responses import CSV_RESPONSES, ListParamsDep, list_response
from api.schemas.publicity import (
    CommitmentEntryPublic,
    CommitmentsPublic,
    LicenceEntryPublic,
    LicencesPublic,
    PenaltiesPublic,
    PenaltyEntryPublic,
)
from api.view_deps import ReadModelsDep
from projections.paging import PublicList

router = APIRouter(
    prefix="/v1/publicity",
    tags=["publicity"],
    dependencies=[identity_lookup("subject")],
)
COLUMNS = (PublicList.LICENCES, PublicList.PENALTIES, PublicList.COMMITMENTS)


@router.get("/licences", response_model=LicencesPublic, responses=CSV_RESPONSES)
def licences(
    params: ListParamsDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> Any:
    """Administrative licensing decisions (行政许可), newest decision first."""
    return list_response(
        PublicList.LICENCES,
        params,
        read_models,
        read_models.public.licences,
        LicenceEntryPublic,
        LicencesPublic,
        request,
        response,
        services.settings.read_wait_seconds,
    )


@router.get("/penalties", response_model=PenaltiesPublic, responses=CSV_RESPONSES)
def penalties(
    params: ListParamsDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> Any:
    """Administrative penalties (行政处罚) within their publicity period."""
    return list_response(
        PublicList.PENALTIES,
        params,
        read_models,
        read_models.public.penalties,
        PenaltyEntryPublic,
        PenaltiesPublic,
        request,
        response,
        services.settings.read_wait_seconds,
    )


@router.get("/commitments", response_model=CommitmentsPublic, responses=CSV_RESPONSES)
def commitments(
    params: ListParamsDep,
    read_models: ReadModelsDep,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> Any:
    """Credit commitments (信用承诺): made, fulfilled or breached."""
    return list_response(
        PublicList.COMMITMENTS,
        params,
        read_models,
        read_models.public.commitments,
        CommitmentEntryPublic,
        CommitmentsPublic,
        request,
        response,
        services.settings.read_wait_seconds,
    )


@router.get("/{name}", include_in_schema=False)
def unknown_column(name: str) -> None:
    known = ", ".join(COLUMNS)
    raise HTTPException(
        404, f"There is no publicity column {name!r}; the columns are: {known}"
    )
