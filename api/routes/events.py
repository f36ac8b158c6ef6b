"""Recording events: one at a time, or a batch of lines each all-or-nothing."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter, ValidationError

from api.deps import LedgerDep, PrincipalDep, check_scope
from api.problems import problem_for, validation_errors
from api.schemas.batch import BatchLineResult, BatchResult
from api.schemas.events import EventBody, EventIn
from api.schemas.subjects import CommandResultPublic
from api.translate import command_result, parse_if_match
from application.commands import RecordCommand
from application.dispatch import REQUIRED_SCOPE
from application.keys import Principal

router = APIRouter(tags=["events"])
event_adapter: TypeAdapter[EventBody] = TypeAdapter(EventIn)
BATCH_CHUNK = 500


@router.post(
    "/v1/subjects/{code}/events",
    status_code=201,
    response_model=CommandResultPublic,
    responses={
        404: {"description": "Unknown subject or record"},
        409: {"description": "A credit rule refuses the event"},
        412: {"description": "If-Match version is not the current version"},
    },
)
def record_event(
    code: str,
    event: Annotated[EventIn, Body()],
    principal: PrincipalDep,
    ledger: LedgerDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> CommandResultPublic:
    body: EventBody = event
    event_type = body.model_dump()["type"]
    check_scope(principal, REQUIRED_SCOPE[event_type])
    result = ledger.record(
        RecordCommand(
            subject_code=code,
            event_type=event_type,
            fields=body.fields(),
            actor=principal.actor,
            request_key=idempotency_key,
            expected_version=parse_if_match(if_match),
        )
    )
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["ETag"] = f'"{result.events[-1].version}"'
    return command_result(result)


@router.post(
    "/v1/events:batch",
    response_model=BatchResult,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "NDJSON lines or a JSON array; each item is "
            '{"subject": CODE, "idempotency_key"?: KEY, "type": ..., fields}',
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {}}},
            },
        }
    },
)
async def record_batch(
    request: Request, principal: PrincipalDep, ledger: LedgerDep
) -> BatchResult:
    raw = await request.body()
    lines = parse_batch(raw, request.headers.get("content-type", ""))
    results: list[BatchLineResult | None] = [None] * len(lines)
    commands: list[tuple[int, RecordCommand]] = []
    for number, item in enumerate(lines, start=1):
        command_or_error = command_from_line(item, principal)
        if isinstance(command_or_error, BatchLineResult):
            command_or_error.line = number
            results[number - 1] = command_or_error
        else:
            commands.append((number, command_or_error))
    for start in range(0, len(commands), BATCH_CHUNK):
        chunk = commands[start : start + BATCH_CHUNK]
        outcomes = await run_in_threadpool(ledger.record_many, [c for _, c in chunk])
        for (number, _), outcome in zip(chunk, outcomes, strict=True):
            results[number - 1] = line_result(number, outcome)
    done = [r for r in results if r is not None]
    accepted = sum(1 for r in done if r.status < 300)
    return BatchResult(accepted=accepted, rejected=len(done) - accepted, results=done)


def parse_batch(raw: bytes, content_type: str) -> list[Any]:
    try:
        text = raw.decode("utf-8")
        if "ndjson" in content_type or "jsonl" in content_type:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HTTPException(422, f"Malformed batch body: {e}") from None
    if not isinstance(data, list):
        raise HTTPException(422, "A JSON batch body must be an array of events")
    return data


def command_from_line(
    item: Any, principal: Principal
) -> RecordCommand | BatchLineResult:
    if not isinstance(item, dict):
        return BatchLineResult(line=0, status=422, detail="Each line must be an object")
    fields = dict(item)
    subject = fields.pop("subject", None)
    key = fields.pop("idempotency_key", None)
    if not isinstance(subject, str) or (key is not None and not isinstance(key, str)):
        return BatchLineResult(
            line=0, status=422, detail="subject (and idempotency_key) must be text"
        )
    try:
        body = event_adapter.validate_python(fields)
    except ValidationError as e:
        return BatchLineResult(
            line=0,
            status=422,
            detail="The line does not match the schema",
            errors=validation_errors(e.errors()),
        )
    event_type = body.model_dump()["type"]
    if REQUIRED_SCOPE[event_type] not in principal.scopes:
        return BatchLineResult(
            line=0,
            status=403,
            detail=f"This key lacks the {REQUIRED_SCOPE[event_type]!r} scope",
        )
    return RecordCommand(
        subject_code=subject,
        event_type=event_type,
        fields=body.fields(),
        actor=principal.actor,
        request_key=key,
    )


def line_result(number: int, outcome: Any) -> BatchLineResult:
    if isinstance(outcome, Exception):
        answer = json.loads(bytes(problem_for(outcome).body))
        return BatchLineResult(
            line=number,
            status=answer["status"],
            detail=answer["detail"],
            problem=answer["type"],
        )
    return BatchLineResult(line=number, status=201, event=command_result(outcome))
