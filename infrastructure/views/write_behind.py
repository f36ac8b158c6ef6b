"""A batch's writes, held back until the batch ends, then sent per table in
runs of one statement.

Statements on different tables commute (no view statement reads another
table, and there are no triggers or foreign keys), so only each table's own
order is kept; a run of one statement goes as one ``executemany``, which both
databases run far faster than one ``execute`` per row.
"""

from __future__ import annotations

import re
from typing import Any

_TARGET = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\S+)", re.I)


class WriteBehind:
    def __init__(self) -> None:
        self._runs: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {}

    def execute(self, statement: str, params: dict[str, Any]) -> None:
        target = _TARGET.match(statement)
        if target is None:
            raise ValueError(f"not a write to one table: {statement[:60]!r}")
        runs = self._runs.setdefault(target.group(1), [])
        if runs and runs[-1][0] == statement:
            runs[-1][1].append(params)
        else:
            runs.append((statement, [params]))

    def flush(self, cursor: Any) -> None:
        for runs in self._runs.values():
            for statement, params in runs:
                if len(params) == 1:
                    cursor.execute(statement, params[0])
                else:
                    cursor.executemany(statement, params)
        self._runs.clear()
