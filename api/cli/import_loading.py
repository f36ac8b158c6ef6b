"""What records an import's lines: the worker processes run this (or the command
itself, with one worker). Kept apart from the command so that the process
handing lines to workers never loads the ledger's code."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from typing import Any

from api.batch_lines import parsed_line, refused_lines
from api.line_workers import Lines, Refusal, collect_rarely
from application.commands import Actor
from application.keys import SCOPES
from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_worker_ledger
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
    ledger = build_worker_ledger(Settings())
    collect_rarely()
    return ledger, ledger.close


def load_chunk(
    ledger: CreditLedger, chunk: Lines, actor: Actor
) -> list[Refusal | None]:
    """Each line's refusal, or None for a line stored (or stored before)."""
    lines: list[tuple[int, Any]] = []
    for number, raw in chunk:
        item = parsed_line(raw)
        if isinstance(item, dict) and item.get("idempotency_key") is None:
            digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
            item["idempotency_key"] = f"import:{digest}"
        lines.append((number, item))
    refusals = refused_lines(ledger, lines, actor, SCOPES)
    return [None if r is None else r.model_dump() for r in refusals]
