"""Handlers of the indicator facts: each maps one event's fields to one view call."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain import events as ev
from projections.entries import pick
from projections.indicator_facts import (
    COMMITMENTS,
    DOUBLE_PUBLICITY,
    Ending,
    ListingFact,
    PublicationFact,
    RedListFact,
    RepairDecisionFact,
    RepairRequestFact,
    SubjectFact,
)
from projections.indicator_view import IndicatorView


class IndicatorProjection(Projection[IndicatorView]):
    name = "indicators"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, e: ev.SubjectRegistered, tracking: Tracking) -> None:
        fact = SubjectFact(e.subject_code, e.kind, e.timestamp)
        self.view.register_subject(fact, tracking)

    @process_event.register
    def _(self, e: ev.LicencePublished, tracking: Tracking) -> None:
        if not e.publish:
            self.view.insert_tracking(tracking)  # never published: not counted
            return
        fact = _publication(e, "licence", DOUBLE_PUBLICITY, e.decided_on)
        self.view.publish(fact, tracking)

    @process_event.register
    def _(self, e: ev.PenaltyPublished, tracking: Tracking) -> None:
        if not e.published:
            self.view.insert_tracking(tracking)
            return
        fact = _publication(e, "penalty", DOUBLE_PUBLICITY, e.decided_on)
        self.view.publish(fact, tracking)

    @process_event.register
    def _(self, e: ev.CommitmentMade, tracking: Tracking) -> None:
        self.view.publish(_publication(e, "made", COMMITMENTS, e.made_on), tracking)

    @process_event.register
    def _(self, e: ev.CommitmentFulfilled, tracking: Tracking) -> None:
        fact = _publication(e, "fulfilled", COMMITMENTS, e.fulfilled_on)
        self.view.publish(fact, tracking)

    @process_event.register
    def _(self, e: ev.CommitmentBreached, tracking: Tracking) -> None:
        fact = _publication(e, "breached", COMMITMENTS, e.breached_on)
        self.view.publish(fact, tracking)

    @process_event.register
    def _(self, e: ev.Listed, tracking: Tracking) -> None:
        self.view.list_subject(pick(e, ListingFact), tracking)

    @process_event.register
    def _(self, e: ev.Delisted, tracking: Tracking) -> None:
        ending = Ending(e.subject_code, e.record_id, e.decided_on, e.reason)
        self.view.end_listing(ending, tracking)

    @process_event.register
    def _(self, e: ev.RedListed, tracking: Tracking) -> None:
        self.view.red_list_subject(pick(e, RedListFact), tracking)

    @process_event.register
    def _(self, e: ev.RedListRevoked, tracking: Tracking) -> None:
        ending = Ending(e.subject_code, e.record_id, e.decided_on, e.reason)
        self.view.end_red_listing(ending, tracking)

    @process_event.register
    def _(self, e: ev.RecordRevoked, tracking: Tracking) -> None:
        # Revoking a red-list decision ends the entry (a listing's revocation
        # is followed by its own Delisted); for other records it changes nothing.
        ending = Ending(e.subject_code, e.record_id, e.decided_on, "revoked")
        self.view.end_red_listing(ending, tracking)

    @process_event.register
    def _(self, e: ev.RepairRevoked, tracking: Tracking) -> None:
        # The grant stays counted among the decisions of its day (the review
        # was made); a listing it ended is back in force, its exit undone.
        if e.record_kind != "listing":
            self.view.insert_tracking(tracking)
            return
        ending = Ending(e.subject_code, e.record_id, e.decided_on, "repaired")
        self.view.reopen_listing(ending, tracking)

    @process_event.register
    def _(self, e: ev.RepairRequested, tracking: Tracking) -> None:
        self.view.request_repair(pick(e, RepairRequestFact), tracking)

    @process_event.register
    def _(self, e: ev.Repaired, tracking: Tracking) -> None:
        fact = RepairDecisionFact(e.subject_code, e.repair_id, "granted", e.decided_on)
        self.view.decide_repair(fact, tracking)

    @process_event.register
    def _(self, e: ev.RepairRejected, tracking: Tracking) -> None:
        fact = RepairDecisionFact(e.subject_code, e.repair_id, "rejected", e.decided_on)
        self.view.decide_repair(fact, tracking)


def _publication(
    e: ev.PublishableRecordEvent, step: str, column: str, published_for: date
) -> PublicationFact:
    return PublicationFact(
        e.subject_code,
        e.record_id,
        step,
        column,
        e.department,
        published_for,
        e.publication_deadline,
        e.late,
    )
