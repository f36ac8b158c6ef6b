"""A desk to record on one CreditSubject in memory, at a chosen business date."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count

from application.dispatch import DECIDERS
from domain.calendar import WorkingDayCalendar, YearTable
from domain.codes import parse_subject_code
from domain.events import SubjectEvent
from domain.records import CreditRecord
from domain.rules import CreditRules, Provenance
from domain.subject import CreditSubject
from tests.factories import TODAY, Body, fields_of, uscc


def days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(n) for n in range((last - first).days + 1))


# Official 2022 Spring Festival and National Day arrangements (国办发明电〔2021〕11号).
TABLE_2022 = YearTable(
    year=2022,
    holidays=days(date(2022, 1, 31), date(2022, 2, 6))
    | days(date(2022, 10, 1), date(2022, 10, 7)),
    adjusted_workdays=frozenset(
        {date(2022, 1, 29), date(2022, 1, 30), date(2022, 10, 8), date(2022, 10, 9)}
    ),
    source="国办发明电〔2021〕11号",
)
RULES = CreditRules(calendar=WorkingDayCalendar({2022: TABLE_2022}))


class Desk:
    """Records through the aggregate's own commands, as the ledger would."""

    def __init__(self, today: date = TODAY, rules: CreditRules = RULES) -> None:
        self.today = today
        self.rules = rules
        self._keys = count(1)
        self.subject = CreditSubject.register(
            parse_subject_code(uscc(1)), "Jishan Foods Co.", None, self.provenance()
        )

    def provenance(self, key: str | None = None) -> Provenance:
        return Provenance(
            department="market-regulation",
            actor="wang",
            request_key=key or f"k-{next(self._keys)}",
            request_digest="digest",
            recorded_at=datetime(
                self.today.year, self.today.month, self.today.day, 3, tzinfo=UTC
            ),
            today=self.today,
        )

    def on(self, today: date) -> Desk:
        self.today = today
        return self

    def do(self, *bodies: Body) -> list[SubjectEvent]:
        """Apply each body's command; the events they triggered."""
        before = len(self.subject.pending_events)
        for body in bodies:
            decide = DECIDERS[str(body["type"])]
            decide(self.subject, self.provenance(), self.rules, fields_of(body))
        events: list[SubjectEvent] = self.subject.pending_events[before:]  # type: ignore[assignment]
        return events

    def record(self, record_id: str) -> CreditRecord:
        return self.subject.records[record_id]

    def with_repair_policy(self, **changes: object) -> Desk:
        self.rules = replace(self.rules, repair=replace(self.rules.repair, **changes))  # type: ignore[arg-type]
        return self


def names(events: list[SubjectEvent]) -> list[str]:
    return [type(e).__name__ for e in events]
