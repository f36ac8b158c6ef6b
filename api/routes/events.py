"""Recording events: one at a time, or a batch of lines each all-or-nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.batch_lines import record_lines
from api.deps import CommitterDep, LedgerDep, PrincipalDep, check_scope
from api.request_values import parse_if_match
from api.schemas.batch import BatchLineResult, BatchResult
from api.schemas.events import EventBody, EventIn
from api.schemas.subjects import CommandResultPublic
from api.translate import command_result
from application.commands import RecordCommand
from application.dispatch import RECORD_SCOPE, REQUIRED_SCOPE, REVIEW_SCOPE
from application.group_commit import result_of

router = APIRouter(tags=["events"])
BATCH_CHUNK = 500
COMMIT_TIMEOUT_SECONDS = 30.0


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
async def record_event(
    code: str,
    event: Annotated[EventIn, Body()],
    principal: PrincipalDep,
    committer: CommitterDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> CommandResultPublic:
    body: EventBody = event
    event_type = body.model_dump()["type"]
    check_scope(principal, REQUIRED_SCOPE[event_type])
    outcome = committer.submit(
        RecordCommand(
            subject_code=code,
            event_type=event_type,
            fields=body.fields(),
            actor=principal.actor,
            request_key=idempotency_key,
            expected_version=parse_if_match(if_match),
        )
    )
    # Awaited rather than waited for in a pool thread: the committer's thread
    # does the work, and requests beyond the pool's size still join its batch.
    result = result_of(
        await asyncio.wait_for(asyncio.wrap_future(outcome), COMMIT_TIMEOUT_SECONDS)
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
    if not principal.scopes & {RECORD_SCOPE, REVIEW_SCOPE}:
        raise HTTPException(403, "This key can record nothing (record or review scope)")
    raw = await request.body()
    lines = list(
        enumerate(parse_batch(raw, request.headers.get("content-type", "")), 1)
    )
    done: list[BatchLineResult] = []
    for start in range(0, len(lines), BATCH_CHUNK):
        done += await run_in_threadpool(
            record_lines,
            ledger,
            lines[start : start + BATCH_CHUNK],
            principal.actor,
            principal.scopes,
        )
    accepted = sum(1 for r in done if r.status < 300)
    return BatchResult(accepted=accepted, rejected=len(done) - accepted, results=done)


def parse_batch(raw: bytes, content_type: str) -> list[Any]:
    try:
        text = raw.decode("utf-8")
        if "ndjson" in content_type or "jsonl" in content_type:
            return [_ndjson_line(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HTTPException(422, f"Malformed batch body: {e}") from None
    if not isinstance(data, list):
        raise HTTPException(422, "A JSON batch body must be an array of events")
    return data


def _ndjson_line(line: str) -> Any:
    """A malformed line is refused alone (like ``import``), not the whole batch."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as e:
        return f"malformed JSON: {e}"
