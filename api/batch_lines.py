"""Batch and import lines: ``{subject, idempotency_key?, type, fields}`` each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from api.problem_details import error_problem, validation_errors
from api.schemas.batch import BatchLineResult
from api.schemas.events import EventBody, EventIn
from api.translate import command_result
from application.commands import Actor, RecordCommand
from application.dispatch import REQUIRED_SCOPE
from application.ledger import CreditLedger

event_adapter: TypeAdapter[EventBody] = TypeAdapter(EventIn)


def command_from_line(
    item: Any, actor: Actor, scopes: frozenset[str]
) -> RecordCommand | BatchLineResult:
    """One batch or import line as a command, or the reason it is refused."""
    if not isinstance(item, dict):
        detail = item if isinstance(item, str) else "Each line must be an object"
        return BatchLineResult(line=0, status=422, detail=detail)
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
    # The validated values as they are (plain text, dates, lists of text): what
    # model_dump() would copy out of them one by one.
    fields = dict(vars(body))
    event_type = fields.pop("type")
    if REQUIRED_SCOPE[event_type] not in scopes:
        return BatchLineResult(
            line=0,
            status=403,
            detail=f"This key lacks the {REQUIRED_SCOPE[event_type]!r} scope",
        )
    return RecordCommand(
        subject_code=subject,
        event_type=event_type,
        fields=fields,
        actor=actor,
        request_key=key,
    )


def line_result(number: int, outcome: Any) -> BatchLineResult:
    if isinstance(outcome, Exception):
        answer, _ = error_problem(outcome)
        return BatchLineResult(
            line=number,
            status=answer["status"],
            detail=answer["detail"],
            problem=answer["type"],
        )
    return BatchLineResult(line=number, status=201, event=command_result(outcome))


def record_lines(
    ledger: CreditLedger,
    lines: Sequence[tuple[int, Any]],
    actor: Actor,
    scopes: frozenset[str],
) -> list[BatchLineResult]:
    """Validate numbered lines, store the valid ones together, answer each line
    (an accepted one with its events)."""
    results, commands = _commands_of(lines, actor, scopes)
    outcomes = ledger.record_many([c for _, c in commands]) if commands else []
    for (number, _), outcome in zip(commands, outcomes, strict=True):
        results[number] = line_result(number, outcome)
    return [results[number] for number, _ in lines]


def refused_lines(
    ledger: CreditLedger,
    lines: Sequence[tuple[int, Any]],
    actor: Actor,
    scopes: frozenset[str],
) -> list[BatchLineResult | None]:
    """What ``record_lines`` does, for callers that only count: each line's
    refusal, or None for a line stored (or stored before), and no events."""
    refusals, commands = _commands_of(lines, actor, scopes)
    outcomes = ledger.record_many([c for _, c in commands], False) if commands else []
    for (number, _), outcome in zip(commands, outcomes, strict=True):
        if isinstance(outcome, Exception):
            refusals[number] = line_result(number, outcome)
    return [refusals.get(number) for number, _ in lines]


def _commands_of(
    lines: Sequence[tuple[int, Any]], actor: Actor, scopes: frozenset[str]
) -> tuple[dict[int, BatchLineResult], list[tuple[int, RecordCommand]]]:
    """The lines refused for their shape or scope, and the others' commands."""
    refusals: dict[int, BatchLineResult] = {}
    commands: list[tuple[int, RecordCommand]] = []
    for number, item in lines:
        command = command_from_line(item, actor, scopes)
        if isinstance(command, BatchLineResult):
            command.line = number
            refusals[number] = command
        else:
            commands.append((number, command))
    return refusals, commands
