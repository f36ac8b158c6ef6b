"""Recording events: one at a time, or a batch of lines each all-or-nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

from fastapi import APIRouter, Body, Header, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.batch_lines import answered_lines
from api.batch_workers import MIN_LINES_FOR_WORKERS, BatchWorkers
from api.deps import PrincipalDep, ServicesDep, check_scope, committer_of
from api.line_workers import Lines
from api.problems import problem
from api.request_values import parse_if_match
from api.schemas.batch import BatchResult
from api.schemas.events import EventBody, EventIn
from api.schemas.subjects import CommandResultPublic
from api.translate import command_headers, command_result_json
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
    request: Request,
    code: str,
    event: Annotated[EventIn, Body()],
    principal: PrincipalDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> Response:
    body: EventBody = event
    fields = body.model_dump()
    event_type = fields.pop("type")
    check_scope(principal, REQUIRED_SCOPE[event_type])
    outcome = committer_of(request).submit_from(
        asyncio.get_running_loop(),
        RecordCommand(
            subject_code=code,
            event_type=event_type,
            fields=fields,
            actor=principal.actor,
            request_key=idempotency_key,
            expected_version=parse_if_match(if_match),
        ),
    )
    # Awaited rather than waited for in a pool thread: the committer's thread
    # does the work, and requests beyond the pool's size still join its batch.
    result = result_of(await asyncio.wait_for(outcome, COMMIT_TIMEOUT_SECONDS))
    # Written by msgspec from the result's structs: the pydantic models would
    # build, check and serialize it again (``CommandResultPublic`` still
    # documents it, and a test holds the two equal).
    return Response(
        command_result_json(result),
        201,
        command_headers(result),
        media_type="application/json",
    )


@router.post(
    "/v1/events:batch",
    response_model=BatchResult,
    responses={413: {"description": "More lines than one batch may hold"}},
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
    request: Request, principal: PrincipalDep, services: ServicesDep
) -> Response:
    if not principal.scopes & {RECORD_SCOPE, REVIEW_SCOPE}:
        raise HTTPException(403, "This key can record nothing (record or review scope)")
    raw = await request.body()
    lines = parse_batch(raw, request.headers.get("content-type", ""))
    max_lines = services.settings.batch_max_lines
    if len(lines) > max_lines:
        return batch_too_large(len(lines), max_lines)
    ledger = services.ledger
    actor, scopes = principal.actor, principal.scopes
    workers: BatchWorkers | None = request.app.state.batch_workers
    if workers is not None and len(lines) >= MIN_LINES_FOR_WORKERS:
        answers = await workers.answers(lines, actor, scopes)
    else:
        answers = []
        for start in range(0, len(lines), BATCH_CHUNK):
            chunk = lines[start : start + BATCH_CHUNK]
            answers += await run_in_threadpool(
                answered_lines, ledger, chunk, actor, scopes
            )
    return batch_response(answers)


def batch_too_large(count: int, max_lines: int) -> Response:
    return problem(
        413,
        "Batch too large",
        f"The batch has {count} lines; one request may hold at most "
        f"{max_lines}: split it into smaller batches (nothing was recorded)",
        "batch-too-large",
        max_lines=max_lines,
    )


def batch_response(answers: list[tuple[int, bytes]]) -> Response:
    """The ``BatchResult`` of the lines' answers, already JSON each."""
    accepted = sum(1 for status, _ in answers if status < 300)
    results = b",".join(result for _, result in answers)
    body = b'{"accepted":%d,"rejected":%d,"results":[%s]}' % (
        accepted,
        len(answers) - accepted,
        results,
    )
    return Response(body, media_type="application/json")


def parse_batch(raw: bytes, content_type: str) -> Lines:
    """The body's lines, numbered, each one JSON text: an NDJSON line as it is
    (a malformed one is refused alone, like an import's), by its line in the
    body (blank ones are skipped but keep their numbers, as an import's file
    lines do); an array's items each written anew, by their place in it (a
    malformed array is refused whole)."""
    try:
        # A byte-order mark is no part of the first line.
        text = raw.decode("utf-8-sig")
        if _is_ndjson(content_type, text):
            # Only "\n" ends a line: JSON strings may hold U+2028, U+0085...
            # raw, which splitlines() would also break at.
            lines = (line.removesuffix("\r") for line in text.split("\n"))
            return [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise HTTPException(422, f"Malformed batch body: {e}") from None
    except RecursionError:
        raise HTTPException(422, "Malformed batch body: nested too deeply") from None
    if not isinstance(data, list):
        raise HTTPException(422, "A JSON batch body must be an array of events")
    return [(n, json.dumps(item, ensure_ascii=False)) for n, item in enumerate(data, 1)]


def _is_ndjson(content_type: str, text: str) -> bool:
    """NDJSON when the type says so; a JSON array when it is JSON; otherwise
    (no type, text/plain, a form's type from a bare curl -d) by the body: an
    array starts with "[", which no NDJSON line of objects does."""
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    if "ndjson" in media_type or "jsonl" in media_type:
        return True
    if media_type == "application/json" or media_type.endswith("+json"):
        return False
    return not text.lstrip().startswith("[")
