"""Subjects: register, change details, current or past state, full history."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from api.deps import AuditorDep, LedgerDep, PrincipalDep, RecorderDep, ServicesDep
from api.read_your_writes import MinPosition, await_store_position, report_position
from api.request_values import parse_as_of, parse_if_match
from api.schemas.subjects import (
    CommandResultPublic,
    HistoryPublic,
    SubjectCreate,
    SubjectPatch,
    SubjectPublic,
    SubjectStatePublic,
)
from api.translate import command_headers, command_result, state_public
from application.commands import DetailsChange
from domain.codes import parse_subject_code

router = APIRouter(prefix="/v1/subjects", tags=["subjects"])


@router.post(
    "",
    status_code=201,
    response_model=SubjectPublic,
    responses={
        200: {
            "model": SubjectPublic,
            "description": "Already registered with the same details",
        },
        409: {
            "description": "Already registered with other details: `differing` "
            "names them (name, legal_representative, kind); change the name or "
            "the representative with PATCH"
        },
    },
)
def register_subject(
    body: SubjectCreate, principal: RecorderDep, ledger: LedgerDep, response: Response
) -> SubjectPublic:
    result = ledger.register_subject(
        body.code,
        body.name,
        principal.actor,
        kind=body.kind,
        legal_representative=body.legal_representative,
    )
    if not result.created:
        response.status_code = 200
    response.headers["ETag"] = f'"{result.version}"'
    return SubjectPublic(
        subject=result.subject,
        kind=result.kind,
        name=result.name,
        legal_representative=result.legal_representative,
        version=result.version,
        position=result.position,
    )


@router.patch(
    "/{code}",
    response_model=CommandResultPublic,
    description="Change the name or the legal representative (SubjectDetailsChanged). "
    "A detail left out is kept; a legal_representative of null removes it. A change "
    "to the details the subject already has stores nothing: the answer then lists "
    "no `events`, and its other fields are the subject's last event (its current "
    "version and position). `ETag` is the subject's version after the change. "
    "Idempotency-Key and If-Match work as on the events endpoint.",
    responses={
        404: {"description": "Unknown subject"},
        409: {"description": "Idempotency-Key already used for another request"},
        412: {"description": "If-Match version is not the current version"},
    },
)
def change_subject(
    code: str,
    body: SubjectPatch,
    principal: RecorderDep,
    ledger: LedgerDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=200,
            description="A retry with the same key and body answers the original "
            "result (Idempotent-Replayed: true) and stores nothing; the same key "
            "with another body is 409. Keys are per subject.",
        ),
    ] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> CommandResultPublic:
    result = ledger.change_details(
        DetailsChange(
            subject_code=code,
            actor=principal.actor,
            changes=body.changes(),
            request_key=idempotency_key,
            expected_version=parse_if_match(if_match),
        )
    )
    response.headers.update(command_headers(result))
    return command_result(result)


@router.get("/{code}", response_model=SubjectStatePublic)
def get_subject(
    code: str,
    _: PrincipalDep,
    ledger: LedgerDep,
    services: ServicesDep,
    response: Response,
    as_of: Annotated[
        datetime | None,
        Query(
            description="RFC 3339 instant, not later than now: rebuild the state "
            "as it was then"
        ),
    ] = None,
    min_position: MinPosition = None,
) -> SubjectStatePublic:
    wait = services.settings.read_wait_seconds
    position = await_store_position(ledger.head_position, min_position, wait)
    state = ledger.state(code, as_of=parse_as_of(as_of, services.clock.now()))
    response.headers["ETag"] = f'"{state.version}"'
    report_position(response, position)
    return state_public(state).model_copy(update={"position": position})


@router.get("/{code}/history", response_model=HistoryPublic)
def get_history(
    code: str,
    _: AuditorDep,
    ledger: LedgerDep,
    services: ServicesDep,
    response: Response,
    min_position: MinPosition = None,
) -> HistoryPublic:
    wait = services.settings.read_wait_seconds
    position = await_store_position(ledger.head_position, min_position, wait)
    entries = ledger.history(code)
    report_position(response, position)
    return HistoryPublic.model_validate(
        {
            "subject": parse_subject_code(code).value,
            "data": [asdict(e) for e in entries],
            "count": len(entries),
            "position": position,
        }
    )
