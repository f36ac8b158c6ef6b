"""Handlers of the public views: each maps one event's fields to one view call.

What a view is handed to publish has its text masked (``public_text``).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain import events as ev
from domain.codes import SubjectCode, SubjectKind
from projections.entries import (
    CommitmentClosure,
    CommitmentEntry,
    Correction,
    LicenceEntry,
    ListingEntry,
    PenaltyEntry,
    RecordEntry,
    RedListEntry,
    SubjectEntry,
    Withdrawal,
    from_content,
    pick,
)
from projections.public_text import masked_changes, masked_entry, masked_value
from projections.public_view import PublicViews


class PublicViewsProjection(Projection[PublicViews]):
    name = "public"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, e: ev.SubjectRegistered, tracking: Tracking) -> None:
        public_code = SubjectCode(e.subject_code, SubjectKind(e.kind)).masked
        entry = pick(e, SubjectEntry, public_code=public_code)
        self.view.register_subject(masked_entry(entry), tracking)

    @process_event.register
    def _(self, e: ev.SubjectDetailsChanged, tracking: Tracking) -> None:
        name = masked_value(e.name)
        representative = masked_value(e.legal_representative)
        self.view.rename_subject(e.subject_code, name, representative, tracking)

    @process_event.register
    def _(self, e: ev.LicencePublished, tracking: Tracking) -> None:
        record = _record(e, "licence", e.decided_on, e.publish)
        row = masked_entry(pick(e, LicenceEntry)) if e.publish else None
        self.view.publish_licence(record, row, tracking)

    @process_event.register
    def _(self, e: ev.PenaltyPublished, tracking: Tracking) -> None:
        until = e.maximum_publicity_until
        record = _record(e, "penalty", e.decided_on, e.published, e.severity, until)
        row = pick(
            e,
            PenaltyEntry,
            penalty_types=tuple(e.penalty_types),
            publicity_until=until,
        )
        shown = masked_entry(row) if e.published else None
        self.view.publish_penalty(record, shown, tracking)

    @process_event.register
    def _(self, e: ev.CommitmentMade, tracking: Tracking) -> None:
        record = _record(e, "commitment", e.made_on, True)
        row = masked_entry(pick(e, CommitmentEntry))
        self.view.make_commitment(record, row, tracking)

    @process_event.register
    def _(self, e: ev.CommitmentFulfilled, tracking: Tracking) -> None:
        closure = CommitmentClosure(
            e.subject_code, e.record_id, "fulfilled", e.fulfilled_on, e.late, None
        )
        self.view.close_commitment(closure, tracking)

    @process_event.register
    def _(self, e: ev.CommitmentBreached, tracking: Tracking) -> None:
        details = masked_value(e.details)
        closure = CommitmentClosure(
            e.subject_code, e.record_id, "breached", e.breached_on, e.late, details
        )
        self.view.close_commitment(closure, tracking)

    @process_event.register
    def _(self, e: ev.Listed, tracking: Tracking) -> None:
        record = _record(e, "listing", e.decided_on, True, "serious", e.term_ends_on)
        row = masked_entry(pick(e, ListingEntry, measures=tuple(e.measures)))
        self.view.list_subject(record, row, tracking)

    @process_event.register
    def _(self, e: ev.RedListed, tracking: Tracking) -> None:
        record = _record(e, "red_list", e.decided_on, True, None, e.valid_to)
        row = masked_entry(pick(e, RedListEntry))
        self.view.red_list_subject(record, row, tracking)

    @process_event.register
    def _(self, e: ev.Delisted, tracking: Tracking) -> None:
        self._withdraw(e.subject_code, e.record_id, "delisted", e.decided_on, tracking)

    @process_event.register
    def _(self, e: ev.RedListRevoked, tracking: Tracking) -> None:
        self._withdraw(e.subject_code, e.record_id, "revoked", e.decided_on, tracking)

    @process_event.register
    def _(self, e: ev.PublicityExpired, tracking: Tracking) -> None:
        self._withdraw(e.subject_code, e.record_id, "expired", e.expired_on, tracking)

    @process_event.register
    def _(self, e: ev.Repaired, tracking: Tracking) -> None:
        self._withdraw(e.subject_code, e.record_id, "repaired", e.decided_on, tracking)

    @process_event.register
    def _(self, e: ev.RepairRevoked, tracking: Tracking) -> None:
        content, department = e.record_content, e.record_department
        if e.record_kind == "penalty":
            row = from_content(
                content,
                PenaltyEntry,
                subject_code=e.subject_code,
                penalty_types=tuple(content["penalty_types"]),
                publicity_until=content["maximum_publicity_until"],
                department=department,
            )
            shown = masked_entry(row)
            self.view.republish_penalty(shown, e.record_corrections, tracking)
        else:
            listing = from_content(
                content,
                ListingEntry,
                subject_code=e.subject_code,
                measures=tuple(content["measures"]),
                department=department,
            )
            self.view.relist_subject(masked_entry(listing), tracking)

    @process_event.register
    def _(self, e: ev.RecordRevoked, tracking: Tracking) -> None:
        self._withdraw(e.subject_code, e.record_id, "revoked", e.decided_on, tracking)

    @process_event.register
    def _(self, e: ev.RecordCorrected, tracking: Tracking) -> None:
        changes = masked_changes(dict(e.changes))
        correction = Correction(e.subject_code, e.record_id, changes)
        self.view.correct(correction, tracking)

    def _withdraw(
        self, code: str, record_id: str, status: str, on: Any, tracking: Tracking
    ) -> None:
        self.view.withdraw(Withdrawal(code, record_id, status, on), tracking)


def _record(
    e: Any,
    kind: str,
    decided_on: Any,
    published: bool,
    severity: str | None = None,
    maximum_until: Any = None,
) -> RecordEntry:
    return RecordEntry(
        e.subject_code,
        e.record_id,
        kind,
        e.department,
        decided_on,
        severity,
        published,
        maximum_until,
    )
