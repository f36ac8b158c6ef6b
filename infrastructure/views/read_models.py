"""Everything the read side needs, built from the ledger: the views (in the
ledger's own database), the check log, the credit-check service and the
in-process runners that keep the views current."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteApplicationRecorder

from application.credit_checks import CreditChecks
from application.ledger import CreditLedger
from infrastructure.views.check_log import SqlCheckLog
from infrastructure.views.indicator_views import SqlIndicatorViews
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.repair_views import SqlRepairHistory
from infrastructure.views.runner import ProjectionRunner
from infrastructure.views.stores import (
    PostgresViewStore,
    SQLiteViewStore,
    ViewStore,
)
from infrastructure.views.tracked import SqlTrackedView
from projections.indicator_projection import IndicatorProjection
from projections.public_projection import PublicViewsProjection
from projections.repair_projection import RepairHistoryProjection


@dataclass(frozen=True)
class ProjectionSpec:
    view: type[SqlTrackedView]
    projection: Callable[[Any], Projection[Any]]


PROJECTIONS: dict[str, ProjectionSpec] = {
    "public": ProjectionSpec(SqlPublicViews, PublicViewsProjection),
    "repairs": ProjectionSpec(SqlRepairHistory, RepairHistoryProjection),
    "indicators": ProjectionSpec(SqlIndicatorViews, IndicatorProjection),
}


def view_store_for(ledger: CreditLedger) -> ViewStore:
    recorder = ledger.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLiteViewStore(recorder.datastore)
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresViewStore(recorder.datastore)
    return SQLiteViewStore.in_memory()


class ReadModels:
    def __init__(self, ledger: CreditLedger, poll_interval: float = 0.5) -> None:
        self.ledger = ledger
        self.store = view_store_for(ledger)
        self.public = SqlPublicViews(self.store, ledger.name)
        self.public.today = ledger.today
        self.repairs = SqlRepairHistory(self.store, ledger.name)
        self.indicators = SqlIndicatorViews(self.store, ledger.name)
        self.views: dict[str, SqlTrackedView] = {
            "public": self.public,
            "repairs": self.repairs,
            "indicators": self.indicators,
        }
        self.check_log = SqlCheckLog(self.store)
        for created in (self.public, self.repairs, self.indicators, self.check_log):
            created.create_table()
        self.checks = CreditChecks(
            self.public,
            self.check_log,
            ledger.clock,
            ledger.timezone,
            ledger.rules.grading,
            ledger.rules.inspection,
        )
        self.runners = [
            ProjectionRunner(
                ledger,
                PublicViewsProjection(self.public),
                RepairHistoryProjection(self.repairs),
                IndicatorProjection(self.indicators),
                poll_interval=poll_interval,
            )
        ]

    def start(self) -> None:
        for runner in self.runners:
            runner.start()

    def stop(self) -> None:
        for runner in self.runners:
            runner.stop()

    def catch_up(self) -> int:
        """Brings every view up to the ledger's head in this thread."""
        return sum(runner.catch_up() for runner in self.runners)

    def lag(self) -> dict[str, int]:
        head = self.ledger.head_position()
        return {
            view.view_name: head - view.position(self.ledger.name)
            for runner in self.runners
            for view in runner.views
        }

    def close(self) -> None:
        self.stop()
        self.store.close()
