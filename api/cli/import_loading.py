"""What records an import's lines: the worker processes run this (or the command
itself, with one worker). Kept apart from the command so that the process
handing lines to workers never loads the ledger's code."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from typing import Any

from api.batch_lines import Item, line_refused, parsed_line, refused_lines
from api.line_workers import Lines, Refusal, collect_rarely
from api.schemas.plain_text import refused_character_in
from application.commands import Actor
from application.keys import SCOPES
from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_worker_ledger
from infrastructure.setting_errors import SETTINGS_PREFIX
from infrastructure.settings import Settings


def open_ledger(
    environment: Mapping[str, str] | None = None,
) -> tuple[CreditLedger, Callable[[], None]]:
    """The ledger the settings name. A worker is given the environment of the
    command that started it, whose ``CREDIT_LEDGER_*`` settings replace its own:
    it forks from a server that may have started under other settings, in a
    process that imports more than once (multiprocessing already hands over the
    working directory, against which the default store's path is relative)."""
    if environment is not None:
        for name in [n for n in os.environ if n.startswith(SETTINGS_PREFIX)]:
            del os.environ[name]
        os.environ.update(
            (k, v) for k, v in environment.items() if k.startswith(SETTINGS_PREFIX)
        )
    ledger = build_worker_ledger(Settings())
    collect_rarely()
    return ledger, ledger.close


def load_chunk(
    ledger: CreditLedger, chunk: Lines, department: str | None, actor: str
) -> list[Refusal | None]:
    """Each line's refusal, or None for a line stored (or stored before).

    A line may name its ``department`` and ``actor`` (the file is the
    operator's, not a key holder's request); ``department`` and ``actor`` are
    those of the command otherwise."""
    items: list[Item] = []
    refused: dict[int, Refusal] = {}
    for number, raw in chunk:
        item = parsed_line(raw)
        # A line that is no object is refused for that, whoever records it.
        who = Actor(department or "", actor)
        if isinstance(item, dict):
            if item.get("idempotency_key") is None:
                digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
                item["idempotency_key"] = f"import:{digest}"
            named = _recorder_of(item, department, actor)
            if isinstance(named, str):
                refused[number] = _refusal(number, named)
                continue
            who = named
        items.append((number, item, who))
    answered = refused_lines(ledger, items, SCOPES)
    for (number, _, _), refusal in zip(items, answered, strict=True):
        if refusal is not None:
            refused[number] = refusal.model_dump()
    return [refused.get(number) for number, _ in chunk]


def _recorder_of(
    item: dict[str, Any], department: str | None, actor: str
) -> Actor | str:
    """Who records the line, taken out of it, or why the line cannot say."""
    named = {key: item.pop(key) for key in ("department", "actor") if key in item}
    for key, value in named.items():
        if not isinstance(value, str) or not value.strip():
            return f"{key} must be text that is not blank"
        if (character := refused_character_in(value)) is not None:
            return f"{key} must not contain {character}"
    line_department = named.get("department", "").strip() or None
    if line_department is None and department is None:
        return "the line names no department: give it one, or import with --department"
    if department is not None and line_department not in (None, department):
        return (
            f"the line names department {line_department!r}; this import records "
            f"for {department!r}"
        )
    return Actor(
        department=line_department or department or "",
        actor=named.get("actor", "").strip() or actor,
    )


def _refusal(number: int, detail: str) -> Refusal:
    return line_refused(422, detail, number).model_dump()
