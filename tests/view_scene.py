"""A ledger on the in-memory store with its read models (in-memory SQLite):
record through the ledger, then let the runners project what was stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from application.commands import Actor, RecordCommand
from application.ledger import CreditLedger
from domain.calendar import WorkingDayCalendar
from domain.rules import CreditRules
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.read_models import ReadModels
from infrastructure.views.repair_views import SqlRepairHistory
from projections.paging import Page, PageKey
from tests.factories import Body, FixedClock, fields_of, uscc

OFFICER = Actor(department="market-regulation", actor="wang")
REVIEWER = Actor(department="credit-office", actor="li")
REVIEW_TYPES = frozenset(
    {"Repaired", "RepairRejected", "RepairRevoked", "RecordCorrected"}
)


R = TypeVar("R")


def every_page(read: Callable[[PageKey | None], Page[R]]) -> list[R]:
    """The rows of every page in turn, each page read after the last one's key."""
    rows: list[R] = []
    after: PageKey | None = None
    while True:
        page = read(after)
        rows += page.rows
        if page.next_key is None:
            return rows
        after = page.next_key


def memory_ledger(clock: FixedClock) -> CreditLedger:
    return CreditLedger(
        rules=CreditRules(calendar=WorkingDayCalendar({})),
        clock=clock,
        timezone=ZoneInfo("Asia/Shanghai"),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )


@dataclass
class Scene:
    clock: FixedClock = field(default_factory=FixedClock)

    def __post_init__(self) -> None:
        self.ledger = memory_ledger(self.clock)
        self.read_models = ReadModels(self.ledger)

    @property
    def public(self) -> SqlPublicViews:
        return self.read_models.public

    @property
    def repairs(self) -> SqlRepairHistory:
        return self.read_models.repairs

    def register(self, code: str = uscc(1), name: str = "Jishan Foods Co.") -> str:
        self.ledger.register_subject(code, name, OFFICER)
        return code

    def record(self, code: str, *bodies: Body) -> int:
        """Records each body (reviewers' types as the credit office); the head."""
        for body in bodies:
            actor = REVIEWER if body["type"] in REVIEW_TYPES else OFFICER
            command = RecordCommand(code, str(body["type"]), fields_of(body), actor)
            self.ledger.record(command)
        return self.ledger.head_position()

    def project(self) -> int:
        self.read_models.catch_up()
        return self.ledger.head_position()

    def close(self) -> None:
        self.read_models.close()
        self.ledger.close()
