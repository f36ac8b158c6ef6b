"""Batch and import lines: ``{subject, idempotency_key?, type, fields}`` each."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from pydantic import TypeAdapter, ValidationError

from api.line_workers import Lines, NotText
from api.problem_details import PROBLEM_TYPE_BASE, error_problem, validation_errors
from api.schemas.batch import BatchLineResult
from api.schemas.events import EventBody, EventIn
from api.schemas.plain_text import refused_character_in
from api.translate import command_result_json
from application.commands import Actor, RecordCommand
from application.dispatch import REQUIRED_SCOPE
from application.ledger import CreditLedger
from application.results import CommandResult

event_adapter: TypeAdapter[EventBody] = TypeAdapter(EventIn)
NOT_TEXT = "not UTF-8 text"
UNREADABLE_HISTORY = PROBLEM_TYPE_BASE + "unreadable-history"
log = logging.getLogger("credit_ledger.api")


@dataclass(frozen=True)
class MalformedLine:
    """A line that is not JSON, and why."""

    detail: str


def parsed_line(raw: str) -> Any:
    """The line's value, or why it is not JSON. msgspec parses it in C; what
    msgspec refuses (a number too large for it, NaN) is parsed as Python's json
    parses it, which alone decides what is malformed."""
    if isinstance(raw, NotText):
        return MalformedLine(NOT_TEXT)
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError:
        pass
    except RecursionError:
        return MalformedLine(_TOO_DEEP)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        return MalformedLine(f"malformed JSON: {e}")
    except RecursionError:
        return MalformedLine(_TOO_DEEP)


_TOO_DEEP = "malformed JSON: nested too deeply"


_decoder = msgspec.json.Decoder()

# A line's number, its parsed value (see ``parsed_line``) and who records it.
Item = tuple[int, Any, Actor]


def command_from_line(
    item: Any, actor: Actor, scopes: frozenset[str]
) -> RecordCommand | BatchLineResult:
    """One batch or import line as a command, or the reason it is refused."""
    if isinstance(item, MalformedLine):
        return line_refused(422, item.detail)
    if not isinstance(item, dict):
        return line_refused(422, "Each line must be an object")
    fields = dict(item)
    subject = fields.pop("subject", None)
    key = fields.pop("idempotency_key", None)
    if not isinstance(subject, str) or (key is not None and not isinstance(key, str)):
        return line_refused(422, "subject (and idempotency_key) must be text")
    if key is not None and (refused := refused_character_in(key)) is not None:
        return line_refused(422, f"idempotency_key must not contain {refused}")
    try:
        body = event_adapter.validate_python(fields)
    except ValidationError as e:
        return line_refused(
            422,
            "The line does not match the schema",
            errors=validation_errors(e.errors()),
        )
    # The validated values as they are (plain text, dates, lists of text): what
    # model_dump() would copy out of them one by one.
    fields = dict(vars(body))
    event_type = fields.pop("type")
    if REQUIRED_SCOPE[event_type] not in scopes:
        return line_refused(
            403, f"This key lacks the {REQUIRED_SCOPE[event_type]!r} scope"
        )
    return RecordCommand(
        subject_code=subject,
        event_type=event_type,
        fields=fields,
        actor=actor,
        request_key=key,
    )


def line_refused(
    status: int,
    detail: str,
    number: int = 0,
    errors: list[dict[str, Any]] | None = None,
) -> BatchLineResult:
    """A line refused before it reached the ledger, typed as the same request
    sent alone would be: malformed input as a validation problem."""
    kind = "validation" if status == 422 else f"http-{status}"
    return BatchLineResult(
        line=number,
        status=status,
        detail=detail,
        problem=PROBLEM_TYPE_BASE + kind,
        errors=errors,
    )


def refusal_of(number: int, error: Exception) -> BatchLineResult:
    answer, _ = error_problem(error, code_field="subject")
    return BatchLineResult(
        line=number,
        status=answer["status"],
        detail=answer["detail"],
        problem=answer["type"],
        errors=answer.get("errors"),
    )


def answered_lines(
    ledger: CreditLedger, lines: Lines, actor: Actor, scopes: frozenset[str]
) -> list[tuple[int, bytes]]:
    """Validate numbered JSON lines, store the valid ones together, and answer
    each line with its status and its ``BatchLineResult`` as JSON (an accepted
    one with its events), ready to be joined into a batch's answer, here or
    in a worker."""
    items = [(number, parsed_line(raw), actor) for number, raw in lines]
    refusals, stored = _recorded(ledger, items, scopes, with_events=True)
    _log_unreadable(refusals.values())
    answers = {number: (r.status, _result_json(r)) for number, r in refusals.items()}
    for number, result in stored.items():
        answers[number] = (201, accepted_json(number, result))
    return [answers[number] for number, _ in lines]


def _log_unreadable(refusals: Iterable[BatchLineResult]) -> None:
    """Each subject whose stored history cannot be read, once, as a request
    alone on it is logged: its lines tell the client, this the operator."""
    damaged = [r.detail for r in refusals if r.problem == UNREADABLE_HISTORY]
    for detail in dict.fromkeys(damaged):
        log.error("batch lines refused: %s", detail)


def accepted_json(number: int, result: CommandResult) -> bytes:
    """What ``BatchLineResult(line=number, status=201, event=command_result(
    result))`` serializes to, written without the pydantic models (through
    them, a tenth of recording a line)."""
    return _ACCEPTED % (number, command_result_json(result))


_result_json = BatchLineResult.__pydantic_serializer__.to_json
_ACCEPTED = (
    b'{"line":%d,"status":201,"detail":null,"problem":null,"errors":null,"event":%b}'
)


def refused_lines(
    ledger: CreditLedger, items: Sequence[Item], scopes: frozenset[str]
) -> list[BatchLineResult | None]:
    """What ``answered_lines`` does, for callers that only count: each line's
    refusal, or None for a line stored (or stored before), and no events."""
    refusals, _ = _recorded(ledger, items, scopes, with_events=False)
    return [refusals.get(number) for number, _, _ in items]


def _recorded(
    ledger: CreditLedger,
    items: Sequence[Item],
    scopes: frozenset[str],
    with_events: bool,
) -> tuple[dict[int, BatchLineResult], dict[int, CommandResult]]:
    """The valid lines stored together: each refused line's refusal, and each
    stored (or replayed) line's result, by line number."""
    refusals, commands = _commands_of(items, scopes)
    stored: dict[int, CommandResult] = {}
    if not commands:
        return refusals, stored
    outcomes = ledger.record_many([c for _, c in commands], with_events)
    for (number, _), outcome in zip(commands, outcomes, strict=True):
        if isinstance(outcome, Exception):
            refusals[number] = refusal_of(number, outcome)
        else:
            stored[number] = outcome
    return refusals, stored


def _commands_of(
    items: Sequence[Item], scopes: frozenset[str]
) -> tuple[dict[int, BatchLineResult], list[tuple[int, RecordCommand]]]:
    """The lines refused for their shape or scope, and the others' commands."""
    refusals: dict[int, BatchLineResult] = {}
    commands: list[tuple[int, RecordCommand]] = []
    for number, item, actor in items:
        command = command_from_line(item, actor, scopes)
        if isinstance(command, BatchLineResult):
            command.line = number
            refusals[number] = command
        else:
            commands.append((number, command))
    return refusals, commands
