"""Handlers of the repair history: requests and decisions, with who and when."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain import events as ev
from projections.entries import pick
from projections.repair_view import (
    RepairDecisionEntry,
    RepairHistoryView,
    RepairRequestEntry,
)


class RepairHistoryProjection(Projection[RepairHistoryView]):
    name = "repairs"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, e: ev.RepairRequested, tracking: Tracking) -> None:
        entry = pick(
            e,
            RepairRequestEntry,
            materials=tuple(e.materials),
            recorded_at=e.timestamp,
        )
        self.view.request_repair(entry, tracking)

    @process_event.register
    def _(self, e: ev.Repaired, tracking: Tracking) -> None:
        self.view.decide_repair(_decision(e, "granted", None), tracking)

    @process_event.register
    def _(self, e: ev.RepairRejected, tracking: Tracking) -> None:
        self.view.decide_repair(_decision(e, "rejected", e.reason), tracking)

    @process_event.register
    def _(self, e: ev.RepairRevoked, tracking: Tracking) -> None:
        self.view.revoke_repair(_decision(e, "revoked", e.reason), tracking)


def _decision(
    e: ev.Repaired | ev.RepairRejected | ev.RepairRevoked,
    decision: str,
    reason: str | None,
) -> RepairDecisionEntry:
    return RepairDecisionEntry(
        e.subject_code,
        e.repair_id,
        decision,
        e.decided_on,
        reason,
        e.department,
        e.actor,
        e.timestamp,
    )
