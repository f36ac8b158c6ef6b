"""Runs of one INSERT become COPY loads, or positional binds, of the same rows;
other statements stay as they are."""

from __future__ import annotations

import re
import sqlite3

import pytest

from infrastructure.views import indicator_sql, public_write_sql, repair_sql
from infrastructure.views.bulk_inserts import PositionalInserts, insert_plan
from infrastructure.views.tracking_sql import ADVANCE_POSITION

INSERTS = [
    (module.__name__.rsplit(".", 1)[-1], name, getattr(module, name))
    for module in (public_write_sql, repair_sql, indicator_sql)
    for name in dir(module)
    if name.startswith("INSERT_")
]


@pytest.mark.parametrize(("module", "name", "insert"), INSERTS)
def test_every_insert_of_the_views_has_a_plan_naming_each_column_once(
    module: str, name: str, insert: str
) -> None:
    plan = insert_plan(insert)

    assert plan is not None, f"{module}.{name}"
    assert len(plan.columns) == len(set(plan.columns))
    assert len(plan.columns) == len(plan.parameters) + len(plan.literals)
    assert set(plan.parameters) == set(re.findall(r"%\((\w+)\)s", insert))
    sqlite_form = re.sub(r"%\((\w+)\)s", r":\1", insert)
    assert insert_plan(sqlite_form) == plan


def test_a_literal_becomes_a_constant_column() -> None:
    plan = insert_plan("INSERT INTO t (a, status, b) VALUES (%(a)s, 'active', %(b)s)")

    assert plan is not None
    assert plan.copy_statement == "COPY t (a, b, status) FROM STDIN"
    assert plan.positional_statement == (
        "INSERT INTO t (a, b, status) VALUES (?, ?, 'active')"
    )
    assert list(plan.rows([{"a": 1, "b": None, "c": "unused"}])) == [
        (1, None, "active")
    ]


def test_sqlite_stores_the_same_rows_bound_by_position() -> None:
    statement = "INSERT INTO t (a, status, b) VALUES (:a, 'active', :b)"
    rows = [{"a": n, "b": f"b{n}"} for n in range(3)]
    by_name, by_position = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for connection in (by_name, by_position):
        connection.execute("CREATE TABLE t (a INTEGER, b TEXT, status TEXT)")

    by_name.executemany(statement, rows)
    PositionalInserts()(by_position, statement, rows)

    everything = "SELECT * FROM t ORDER BY a"
    assert by_position.execute(everything).fetchall() == (
        by_name.execute(everything).fetchall()
    )


@pytest.mark.parametrize(
    "statement",
    [
        ADVANCE_POSITION,
        "INSERT INTO t (a, b) VALUES (%(a)s, lower(%(b)s))",
        "INSERT INTO t (a, b) VALUES (%(a)s, 'x, y')",
        "INSERT INTO t (a) SELECT a FROM u",
        "UPDATE t SET a = %(a)s",
    ],
)
def test_other_statements_have_no_plan(statement: str) -> None:
    assert insert_plan(statement) is None
