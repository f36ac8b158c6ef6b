"""A batch's writes, held back until the batch ends, then sent per table in
runs of one statement.

Statements on different tables commute (no view statement reads another
table, and there are no triggers or foreign keys), so only each table's own
order is kept; a run of one statement goes as one ``executemany``, which both
databases run far faster than one ``execute`` per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TARGET = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\S+)", re.I)
# Statements are a few constants: each is matched once.
_TARGETS: dict[str, str] = {}

Params = dict[str, Any]
RunWriter = Callable[[Any, str, list[Params]], None]
"""Sends one run: a cursor, the statement, the parameters of each row in order."""


def execute_run(cursor: Any, statement: str, params: list[Params]) -> None:
    if len(params) == 1:
        cursor.execute(statement, params[0])
    else:
        cursor.executemany(statement, params)


def _target(statement: str) -> str:
    target = _TARGET.match(statement)
    if target is None:
        raise ValueError(f"not a write to one table: {statement[:60]!r}")
    return target.group(1)


class WriteBehind:
    def __init__(self) -> None:
        self._runs: dict[str, list[tuple[str, list[Params]]]] = {}

    def execute(self, statement: str, params: Params) -> None:
        table = _TARGETS.get(statement)
        if table is None:
            table = _TARGETS[statement] = _target(statement)
        runs = self._runs.setdefault(table, [])
        if runs and runs[-1][0] == statement:
            runs[-1][1].append(params)
        else:
            runs.append((statement, [params]))

    def flush(self, cursor: Any, write_run: RunWriter = execute_run) -> None:
        for runs in self._runs.values():
            for statement, params in runs:
                write_run(cursor, statement, params)
        self._runs.clear()
