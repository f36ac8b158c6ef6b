"""The repair history in SQL, beside the ledger's tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from infrastructure.views.added_columns import add_missing_columns
from infrastructure.views.codec import from_row, params_of, to_sql
from infrastructure.views.repair_sql import (
    ADDED_REPAIR_COLUMNS,
    CREATE_REPAIR_TABLES,
    DECIDE_REPAIR,
    INSERT_DECISION,
    INSERT_REPAIR,
    REPAIR_INDEXES,
    REPAIR_TABLES,
    REPAIRS_WITH_ID,
    REVOKE_REPAIR,
    decisions_of,
    repairs_page,
)
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from projections.paging import Page, PageKey
from projections.repair_view import (
    RepairDecisionEntry,
    RepairDecisionRow,
    RepairHistoryView,
    RepairQuery,
    RepairRequestEntry,
    RepairRow,
)

# A page has at most MAX_LIMIT repairs; an export, any number.
SUBJECTS_PER_STATEMENT = 500


class SqlRepairHistory(SqlTrackedView, RepairHistoryView):
    tables = REPAIR_TABLES
    create_statements = CREATE_REPAIR_TABLES
    index_statements = REPAIR_INDEXES

    def create_table(self, *, with_indexes: bool = True) -> None:
        super().create_table(with_indexes=with_indexes)
        add_missing_columns(self, "repairs", ADDED_REPAIR_COLUMNS)

    def request_repair(self, entry: RepairRequestEntry, tracking: Tracking) -> None:
        with self.writing(tracking) as c:
            params = params_of(entry, position=tracking.notification_id)
            c.execute(self.sql(INSERT_REPAIR), params)

    def decide_repair(self, entry: RepairDecisionEntry, tracking: Tracking) -> None:
        with self.writing(tracking) as c:
            params = params_of(entry, position=tracking.notification_id)
            c.execute(self.sql(INSERT_DECISION), params)
            c.execute(self.sql(DECIDE_REPAIR), params)

    def revoke_repair(self, entry: RepairDecisionEntry, tracking: Tracking) -> None:
        with self.writing(tracking) as c:
            params = params_of(entry, position=tracking.notification_id)
            c.execute(self.sql(INSERT_DECISION), params)
            key = {"subject_code": entry.subject_code, "repair_id": entry.repair_id}
            c.execute(self.sql(REVOKE_REPAIR), key)

    def repairs(self, query: RepairQuery, today: date) -> Page[RepairRow]:
        after = query.after
        params = {
            "department": query.department,
            "since": to_sql(query.since),
            "subject_code": query.subject_code,
            "status": query.status,
            "today": today.isoformat(),
            "after_on": None if after is None else after.on.isoformat(),
            "after_position": None if after is None else after.position,
            "limit": None if query.limit is None else query.limit + 1,
        }
        with self.reading() as (c, position):
            c.execute(self.sql(repairs_page(query)), params)
            rows = self._with_decisions(c, c.fetchall(), today)
        if query.limit is None or len(rows) <= query.limit:
            return Page(rows, None, position)
        rows = rows[: query.limit]
        next_key = PageKey(rows[-1].requested_on, rows[-1].position)
        return Page(rows, next_key, position)

    def repairs_with_id(
        self, repair_id: str, subject_code: str | None, today: date
    ) -> Page[RepairRow]:
        params = {"repair_id": repair_id, "subject_code": subject_code}
        with self.reading() as (c, position):
            c.execute(self.sql(REPAIRS_WITH_ID), params)
            return Page(self._with_decisions(c, c.fetchall(), today), None, position)

    def _with_decisions(
        self, cursor: Any, found: list[Any], today: date
    ) -> list[RepairRow]:
        repairs = [as_dict(raw) for raw in found]
        decisions = self._decisions(cursor, {r["subject"] for r in repairs})
        rows = []
        for repair in repairs:
            key = (repair["subject"], repair["repair_id"])
            due = date.fromisoformat(repair["decision_due_on"])
            decided = repair["decided_on"]
            rows.append(
                from_row(
                    RepairRow,
                    repair,
                    decisions=tuple(decisions.get(key, ())),
                    overdue=repair["status"] == "pending" and today > due,
                    decided_late=decided is not None
                    and date.fromisoformat(decided) > due,
                )
            )
        return rows

    def _decisions(
        self, cursor: Any, subjects: set[str]
    ) -> dict[tuple[str, str], list[RepairDecisionRow]]:
        """The decisions on these subjects' repairs, by (subject, repair id)."""
        decisions: dict[tuple[str, str], list[RepairDecisionRow]] = {}
        codes = sorted(subjects)
        for start in range(0, len(codes), SUBJECTS_PER_STATEMENT):
            chunk = codes[start : start + SUBJECTS_PER_STATEMENT]
            params = {f"s{n}": code for n, code in enumerate(chunk)}
            cursor.execute(self.sql(decisions_of(len(chunk))), params)
            for raw in cursor.fetchall():
                row = as_dict(raw)
                key = (row["subject_code"], row["repair_id"])
                found = from_row(RepairDecisionRow, row)
                decisions.setdefault(key, []).append(found)
        return decisions
