"""What records an import's lines: the worker processes run this (or the command
itself, with one worker). Kept apart from the command so that the process
handing lines to workers never loads the ledger's code."""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from api.batch_lines import refused_lines
from api.cli.import_workers import Lines, Refusal
from application.commands import Actor
from application.keys import SCOPES
from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_ledger
from infrastructure.settings import SETTINGS_PREFIX, Settings


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
    ledger = build_ledger(Settings())
    _collect_rarely()
    return ledger, ledger.close


def _collect_rarely() -> None:
    """An import keeps the subjects it decides on, so every collection of the
    older generations scans more of them: what start-up built is set aside and
    the young are collected in larger steps (collecting took a tenth of an
    import's time; cycles are still collected, less often)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)


def _parsed(raw: str) -> Any:
    """The line's value, or why it is not JSON. msgspec parses it in C; what
    msgspec refuses (a number too large for it, NaN) is parsed as Python's json
    parses it, which alone decides what is malformed."""
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError:
        pass
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        return f"malformed JSON: {e}"


_decoder = msgspec.json.Decoder()


def load_chunk(
    ledger: CreditLedger, chunk: Lines, actor: Actor
) -> list[Refusal | None]:
    """Each line's refusal, or None for a line stored (or stored before)."""
    lines: list[tuple[int, Any]] = []
    for number, raw in chunk:
        item = _parsed(raw)
        if isinstance(item, dict) and "idempotency_key" not in item:
            digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
            item["idempotency_key"] = f"import:{digest}"
        lines.append((number, item))
    refusals = refused_lines(ledger, lines, actor, SCOPES)
    return [None if r is None else r.model_dump() for r in refusals]
