"""A repair view made before requests kept ``deadline_on_fallback_calendar``
gains the column when the service starts, its rows reading null; a rebuild
makes the table with it. On SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from application.commands import RecordCommand
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.added_columns import add_missing_columns
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from infrastructure.views.repair_sql import ADDED_REPAIR_COLUMNS
from projections.repair_view import RepairQuery
from tests.audit_support import OFFICER
from tests.factories import FixedClock, fields_of, penalty, repair_request, uscc

FLAG = "deadline_on_fallback_calendar"
# Late December 2026: the decision deadline falls in 2027, which the bundled
# calendar does not cover.
NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)
TODAY = NOW.date()
# The table as the release before the flag made it, with one request in it.
TABLE_BEFORE_THE_FLAG = """CREATE TABLE view_repairs (
    subject_code TEXT NOT NULL,
    repair_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    commitment TEXT NOT NULL,
    materials TEXT NOT NULL,
    department TEXT NOT NULL,
    actor TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    decision_due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_on TEXT,
    position BIGINT NOT NULL,
    PRIMARY KEY (subject_code, repair_id))"""
ROW_BEFORE_THE_FLAG = f"""INSERT INTO view_repairs VALUES
('{uscc(9)}', 'F0', 'P0', '2022-10-18', 'c', '[]', 'tax', 'li',
 '2022-10-18T03:00:00+00:00', '2022-11-01', 'pending', NULL, 1)"""


def execute(database_url: str, *statements: str) -> None:
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as db:
            for statement in statements:
                db.execute(statement)
            db.commit()
        return
    with psycopg.connect(database_url) as db:
        for statement in statements:
            db.execute(statement)


def started(database_url: str) -> Services:
    return build_services(Settings(database_url=database_url), FixedClock(NOW))


def request_a_repair(services: Services) -> None:
    code = uscc(1)
    services.ledger.register_subject(code, "Jishan Foods Co.", OFFICER)
    for body in (
        penalty("P1", decided_on=date(2026, 6, 1)),
        repair_request("F1", "P1", requested_on=TODAY),
    ):
        command = RecordCommand(code, body["type"], fields_of(body), OFFICER)
        services.ledger.record(command)
    services.read_models.catch_up()


def flags(services: Services) -> dict[str, bool | None]:
    page = services.read_models.repairs.repairs(RepairQuery(), TODAY)
    return {row.repair_id: row.deadline_on_fallback_calendar for row in page.rows}


def rows_of_f1(services: Services) -> list[tuple[Any, ...]]:
    rows = services.read_models.repairs.snapshot()["repairs"]
    return [row for row in rows if "F1" in row]


def test_a_repair_view_made_before_the_flag_gains_it_and_a_rebuild_keeps_it(
    database_url: str,
) -> None:
    execute(database_url, TABLE_BEFORE_THE_FLAG, ROW_BEFORE_THE_FLAG)
    services = started(database_url)
    try:
        view = services.read_models.repairs
        request_a_repair(services)
        upgraded = flags(services)
        upgraded_rows = rows_of_f1(services)
        added_again = add_missing_columns(view, "repairs", ADDED_REPAIR_COLUMNS)

        rebuild(services.ledger, view, PROJECTIONS["repairs"].projection)

        assert upgraded == {"F0": None, "F1": True}
        assert added_again == []
        assert flags(services) == {"F1": True}
        # Rebuilt with the column where the upgrade put it: rows alike.
        assert rows_of_f1(services) == upgraded_rows
        with view.store.transaction(commit=False) as cursor:
            assert FLAG in view.store.column_names(cursor, "view_repairs")
    finally:
        services.close()
    started(database_url).close()  # a second start finds nothing to add


def test_the_upgrade_adds_nothing_to_a_table_made_with_the_column(
    database_url: str,
) -> None:
    services = started(database_url)
    try:
        view = services.read_models.repairs
        with view.store.transaction(commit=False) as cursor:
            columns = view.store.column_names(cursor, "view_repairs")

        added = add_missing_columns(view, "repairs", ADDED_REPAIR_COLUMNS)

        assert FLAG in columns
        assert added == []
    finally:
        services.close()
