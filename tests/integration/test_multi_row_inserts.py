"""A run of one INSERT into a live PostgreSQL view: one statement of many rows,
in the run's order, as many statements as the parameter limit needs."""

from __future__ import annotations

from typing import Any, ClassVar

import psycopg
import pytest

from infrastructure.views import bulk_inserts
from infrastructure.views.bulk_inserts import MultiRowInserts
from tests.services import PostgresServer

pytestmark = pytest.mark.postgres

INSERT = "INSERT INTO t (name, n, status) VALUES (%(name)s, %(n)s, 'active')"


class CountingCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor, self.statements = cursor, 0

    def execute(self, statement: Any, params: Any = None) -> object:
        self.statements += 1
        return self.cursor.execute(statement, params)

    def executemany(self, statement: Any, params: Any) -> object:
        self.statements += len(params)
        return self.cursor.executemany(statement, params)


@pytest.fixture
def connection(postgres_server: PostgresServer) -> Any:
    with psycopg.connect(postgres_server.make_database(), autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "name TEXT NOT NULL, n INT, status TEXT NOT NULL)"
        )
        yield conn


class CountingRawCursor(psycopg.RawCursor[Any]):
    statements: ClassVar[list[str]] = []

    def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:
        self.statements.append(query)
        return super().execute(query, params, **kw)


def test_a_run_is_one_statement_per_parameter_limit_in_the_runs_order(
    connection: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two parameters a row: three rows a statement.
    monkeypatch.setattr(bulk_inserts, "MAX_PARAMETERS", 6)
    monkeypatch.setattr(bulk_inserts, "RawCursor", CountingRawCursor)
    monkeypatch.setattr(CountingRawCursor, "statements", [])
    run = [{"name": f"r{i}", "n": None if i == 3 else i} for i in range(7)]

    MultiRowInserts()(connection.cursor(), INSERT, run)

    rows_per_statement = [
        s.split(" VALUES ")[1].count("(") for s in CountingRawCursor.statements
    ]
    assert rows_per_statement == [3, 3, 1]
    # PostgreSQL's own placeholders, numbered on from row to row.
    assert "($5, $6, 'active')" in CountingRawCursor.statements[0]
    rows = connection.execute(
        "SELECT id, name, n, status FROM t ORDER BY id"
    ).fetchall()
    assert rows == [(i + 1, f"r{i}", None if i == 3 else i, "active") for i in range(7)]


def test_a_statement_of_another_shape_runs_row_by_row(
    connection: psycopg.Connection[Any],
) -> None:
    connection.execute(
        "INSERT INTO t (name, n, status) VALUES ('a', 1, 'x'), ('b', 2, 'x')"
    )
    update = "UPDATE t SET n = n + %(by)s WHERE name = %(name)s"
    cursor = CountingCursor(connection.cursor())

    MultiRowInserts()(
        cursor, update, [{"by": 10, "name": "a"}, {"by": 20, "name": "a"}]
    )

    assert cursor.statements == 2
    assert connection.execute("SELECT n FROM t WHERE name = 'a'").fetchone() == (31,)
