"""Runs of one INSERT loaded the fastest way each database offers.

A rebuild fills empty shadow tables that nobody reads yet. PostgreSQL takes
their rows by ``COPY ... FROM STDIN`` for a fraction of what a statement per
row costs, on both sides; SQLite binds a row's values by position much faster
than by name. The rows are the same: a literal of the INSERT becomes a
constant column, every named parameter the value of that name, and a refused
row (a duplicate key) still fails the whole batch. Statements of any other
shape run as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from psycopg import RawCursor

from infrastructure.views.write_behind import Params, execute_run

_INSERT = re.compile(
    r"\s*INSERT\s+INTO\s+(\S+)\s*\(([^()]*)\)\s*VALUES\s*\((.*)\)\s*", re.I | re.S
)
# psycopg's ``%(name)s``, or ``:name`` as the SQLite store writes it.
_PARAMETER = re.compile(r"%\((\w+)\)s|:(\w+)")
_LITERAL = re.compile(r"'[^'\\]*'")
# Below this a COPY's extra round trip costs more than it saves.
MIN_COPY_ROWS = 8


@dataclass(frozen=True)
class InsertPlan:
    table: str
    columns: tuple[str, ...]
    """The parameters' columns, then the constants'."""
    parameters: tuple[str, ...]
    literals: tuple[str, ...]
    """The constants as SQL literals, for the last columns."""

    @property
    def copy_statement(self) -> str:
        return f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"

    def multi_row_statement(self, rows: int) -> str:
        """The INSERT of ``rows`` rows, their values by PostgreSQL's own
        placeholders (``$1``, ``$2``, ...), row after row."""
        width, literals = len(self.parameters), "".join(f", {v}" for v in self.literals)
        values = ", ".join(
            f"({', '.join(f'${n}' for n in range(first, first + width))}{literals})"
            for first in range(1, rows * width + 1, width)
        )
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES {values}"

    @property
    def positional_statement(self) -> str:
        values = ", ".join(["?"] * len(self.parameters) + list(self.literals))
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({values})"

    def values(self, params: Iterable[Params]) -> Iterator[tuple[Any, ...]]:
        """Each row's parameters in column order (constants not included)."""
        get = itemgetter(*self.parameters)
        if len(self.parameters) == 1:
            return ((get(row),) for row in params)
        return map(get, params)

    def rows(self, params: Iterable[Params]) -> Iterator[tuple[Any, ...]]:
        """Each row's values in column order, constants included."""
        constants = tuple(literal[1:-1] for literal in self.literals)
        if not constants:
            return self.values(params)
        return (values + constants for values in self.values(params))


def insert_plan(insert: str) -> InsertPlan | None:
    """The plan of a plain single-row INSERT of parameters and string
    literals, or None for a statement of any other shape."""
    found = _INSERT.fullmatch(insert)
    if found is None:
        return None
    table, columns_text, values_text = found.groups()
    columns = [c.strip() for c in columns_text.split(",")]
    values = [v.strip() for v in values_text.split(",")]
    if len(columns) != len(values):
        return None
    parameter_columns, parameters, literal_columns, literals = [], [], [], []
    for column, value in zip(columns, values, strict=True):
        if parameter := _PARAMETER.fullmatch(value):
            parameter_columns.append(column)
            parameters.append(parameter.group(1) or parameter.group(2))
        elif _LITERAL.fullmatch(value):
            literal_columns.append(column)
            literals.append(value)
        else:
            return None
    if not parameters:
        return None
    return InsertPlan(
        table,
        tuple(parameter_columns + literal_columns),
        tuple(parameters),
        tuple(literals),
    )


class _PlannedInserts:
    def __init__(self) -> None:
        self._plans: dict[str, InsertPlan | None] = {}

    def plan(self, statement: str) -> InsertPlan | None:
        if statement not in self._plans:
            self._plans[statement] = insert_plan(statement)
        return self._plans[statement]


class CopyInserts(_PlannedInserts):
    """A ``RunWriter`` for PostgreSQL: INSERT runs of at least ``min_rows``
    rows as COPY."""

    def __init__(self, min_rows: int = MIN_COPY_ROWS) -> None:
        super().__init__()
        self.min_rows = min_rows

    def copies(self, statement: str, rows: int) -> bool:
        """Whether a run of ``rows`` rows of ``statement`` goes as COPY."""
        return rows >= self.min_rows and self.plan(statement) is not None

    def __call__(self, cursor: Any, statement: str, params: list[Params]) -> None:
        plan = self.plan(statement)
        if plan is None or len(params) < self.min_rows:
            execute_run(cursor, statement, params)
            return
        with cursor.copy(plan.copy_statement) as copy:
            for row in plan.rows(params):
                copy.write_row(row)


class PositionalInserts(_PlannedInserts):
    """A ``RunWriter`` for SQLite: INSERT runs bound by position."""

    def __call__(self, cursor: Any, statement: str, params: list[Params]) -> None:
        plan = self.plan(statement)
        if plan is None:
            execute_run(cursor, statement, params)
            return
        cursor.executemany(plan.positional_statement, plan.values(params))


# PostgreSQL's limit on the parameters of one statement.
MAX_PARAMETERS = 65_535


class MultiRowInserts(_PlannedInserts):
    """A ``RunWriter`` for PostgreSQL's live views: an INSERT run as one
    statement of many rows (COPY cannot run in the pipeline a batch is sent
    in; a statement a row costs psycopg a send each, and the server a
    statement each).

    The statement goes through a ``RawCursor``, with ``$n`` placeholders:
    psycopg caches its parse of ``%s`` placeholders for short statements only,
    and parsed each of these long ones again, a regular expression over every
    placeholder; that took a third of the time of the thread feeding the
    views in the API's process."""

    def __call__(self, cursor: Any, statement: str, params: list[Params]) -> None:
        plan = self.plan(statement)
        if plan is None or len(params) == 1:
            execute_run(cursor, statement, params)
            return
        per_statement = MAX_PARAMETERS // len(plan.parameters)
        raw = RawCursor(cursor.connection)
        for start in range(0, len(params), per_statement):
            chunk = params[start : start + per_statement]
            values = [value for row in plan.values(chunk) for value in row]
            raw.execute(plan.multi_row_statement(len(chunk)), values)
