"""The CreditSubject aggregate: decides which credit facts may be recorded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta
from functools import cache, singledispatchmethod
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, Snapshot
from eventsourcing.utils import get_topic

from domain import events as ev
from domain.canonical import GENESIS_HASH, event_hash, json_ready
from domain.codes import SubjectCode, SubjectKind
from domain.errors import (
    CommitmentNotOpen,
    DuplicateRecord,
    IdempotencyKeyReused,
    InvalidRecord,
    RepairNotAllowed,
    RuleViolation,
    UnknownRecord,
    UnknownRepair,
)
from domain.name_uuids import name_uuid
from domain.publicity import PenaltyType, Severity, add_months, penalty_publicity
from domain.published_ids import check_published_ids
from domain.records import (
    CreditRecord,
    GrantedRepair,
    RecordKind,
    RecordStatus,
    RepairApplication,
    RepairStatus,
    RequestReceipt,
)
from domain.rules import CreditRules, Provenance
from domain.snapshots import pack, unpack

SUBJECT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:credit-ledger:subject")
PACKED_STATE = "packed"
# What SubjectDetailsChanged may change.
SUBJECT_DETAILS = frozenset({"name", "legal_representative"})
# Where a subject keeps its head hash and the event to compute it from.
HEAD_ATTRIBUTES = frozenset({"_head_hash", "_head_event"})
# Fields that drive deadlines and publicity periods: changing them is a revocation
# and a new record, not a correction.
UNCORRECTABLE_FIELDS = frozenset(
    {
        "record_id",
        "decided_on",
        "made_on",
        "occurred_on",
        "severity",
        "penalty_types",
        "violation_type",
        "publish",
        "published",
        "publication_deadline",
        "late",
        "deadline_on_fallback_calendar",
        "publicity_regime",
        "minimum_publicity_until",
        "maximum_publicity_until",
    }
)
# The records that are decisions in their own right, as a message names them.
_DECISION_NAMES = {
    RecordKind.LISTING: "serious-dishonesty listing",
    RecordKind.RED_LIST: "red-list entry",
}
CORRECTABLE_KINDS = frozenset(
    {
        RecordKind.LICENCE,
        RecordKind.PENALTY,
        RecordKind.INFORMATION,
        RecordKind.COMMITMENT,
    }
)


def subject_id(code: str) -> UUID:
    return name_uuid(SUBJECT_NAMESPACE, code)


class CreditSubject(Aggregate):
    def __init__(self) -> None:
        self.code = ""
        self.kind = SubjectKind.LEGAL_PERSON
        self.name = ""
        self.legal_representative: str | None = None
        self.records: dict[str, CreditRecord] = {}
        self.repairs: dict[str, RepairApplication] = {}
        self.granted_repairs: list[GrantedRepair] = []
        self.receipts: dict[str, RequestReceipt] = {}
        self._head_hash: str | None = GENESIS_HASH
        self._head_event: ev.SubjectEvent | None = None

    @classmethod
    def register(
        cls,
        code: SubjectCode,
        name: str,
        legal_representative: str | None,
        provenance: Provenance,
    ) -> CreditSubject:
        return cls._create(
            ev.SubjectRegistered,
            id=subject_id(code.value),
            timestamp=provenance.recorded_at,
            subject_code=code.value,
            kind=code.kind.value,
            name=name,
            legal_representative=legal_representative,
            previous_hash=GENESIS_HASH,
            **_envelope(provenance),
        )

    # Idempotency -----------------------------------------------------------

    def receipt_for(self, provenance: Provenance) -> RequestReceipt | None:
        """The earlier result of this request key, or None for a new request."""
        receipt = self.receipts.get(provenance.request_key)
        if receipt is not None and receipt.digest != provenance.request_digest:
            msg = (
                f"Idempotency key {provenance.request_key!r} was already used "
                "for a different request"
            )
            raise IdempotencyKeyReused(msg)
        return receipt

    # Commands --------------------------------------------------------------

    def change_details(self, p: Provenance, changes: Mapping[str, str | None]) -> None:
        """Changes the details given; a legal representative of None is removed.
        Details as they already are store nothing: a new version would only
        refuse other writers' If-Match."""
        unknown = changes.keys() - SUBJECT_DETAILS
        if unknown:
            msg = f"Not a subject's detail that can be changed: {sorted(unknown)}"
            raise InvalidRecord(msg)
        name = changes.get("name", self.name)
        legal_representative = changes.get(
            "legal_representative", self.legal_representative
        )
        if name is None or not name.strip():
            msg = "A subject's name cannot be removed: give a new one or leave it out"
            raise InvalidRecord(msg, "name")
        if (name, legal_representative) == (self.name, self.legal_representative):
            return
        self._trigger(
            ev.SubjectDetailsChanged,
            p,
            name=name,
            legal_representative=legal_representative,
        )

    def publish_licence(self, p: Provenance, rules: CreditRules, **f: Any) -> None:
        self._check_new_record(p, f)
        self._check_not_future(p, f["decided_on"], "decided_on")
        _check_date_order(f)
        self._trigger(
            ev.LicencePublished,
            p,
            **self._publication(p, rules, f["decided_on"]),
            **_with_defaults(f, licence_no=None, valid_to=None, publish=True),
        )

    def publish_penalty(self, p: Provenance, rules: CreditRules, **f: Any) -> None:
        self._check_new_record(p, f)
        self._check_not_future(p, f["decided_on"], "decided_on")
        if not f["penalty_types"]:
            msg = "penalty_types must name at least one penalty"
            raise InvalidRecord(msg, "penalty_types")
        f = _with_defaults(f, fine_amount=None, confiscated_amount=None, publish=True)
        terms = penalty_publicity(
            f["decided_on"],
            Severity(f["severity"]),
            [PenaltyType(t) for t in f["penalty_types"]],
            f["violation_type"],
            rules.publicity_policy,
        )
        self._trigger(
            ev.PenaltyPublished,
            p,
            **self._publication(p, rules, f["decided_on"]),
            **f,
            publicity_regime=terms.regime_id,
            published=terms.published and f["publish"],
            minimum_publicity_until=terms.minimum_until,
            maximum_publicity_until=terms.maximum_until,
        )

    def record_information(self, p: Provenance, **f: Any) -> None:
        self._check_new_record(p, f)
        self._check_not_future(p, f["occurred_on"], "occurred_on")
        self._trigger(
            ev.InformationRecorded, p, **_with_defaults(f, self_declared=False)
        )

    def make_commitment(self, p: Provenance, rules: CreditRules, **f: Any) -> None:
        self._check_new_record(p, f)
        self._check_not_future(p, f["made_on"], "made_on")
        _check_date_order(f)
        self._trigger(
            ev.CommitmentMade,
            p,
            **self._publication(p, rules, f["made_on"]),
            **_with_defaults(f, due_on=None),
        )

    def fulfil_commitment(
        self, p: Provenance, rules: CreditRules, record_id: str, fulfilled_on: date
    ) -> None:
        self._check_commitment_closable(p, record_id, fulfilled_on, "fulfilled_on")
        self._trigger(
            ev.CommitmentFulfilled,
            p,
            **self._publication(p, rules, fulfilled_on),
            record_id=record_id,
            fulfilled_on=fulfilled_on,
        )

    def breach_commitment(
        self,
        p: Provenance,
        rules: CreditRules,
        record_id: str,
        breached_on: date,
        details: str,
    ) -> None:
        self._check_commitment_closable(p, record_id, breached_on, "breached_on")
        self._trigger(
            ev.CommitmentBreached,
            p,
            **self._publication(p, rules, breached_on),
            record_id=record_id,
            breached_on=breached_on,
            details=details,
        )

    def list_as_seriously_dishonest(
        self, p: Provenance, rules: CreditRules, **f: Any
    ) -> None:
        self._check_new_record(p, f)
        decided_on: date = f["decided_on"]
        self._check_not_future(p, decided_on, "decided_on")
        if f["term_ends_on"] <= decided_on:
            msg = "term_ends_on must be after decided_on"
            raise InvalidRecord(msg, "term_ends_on")
        notified_on = f.get("notified_on")
        if notified_on is not None and notified_on > decided_on:
            msg = "notified_on (prior notice) must not be after decided_on"
            raise InvalidRecord(msg, "notified_on")
        if not f["measures"]:
            msg = "measures must name at least one punishment measure"
            raise InvalidRecord(msg, "measures")
        regime = penalty_publicity(
            decided_on,
            Severity.SERIOUS,
            [PenaltyType.OTHER],
            f["basis"],
            rules.publicity_policy,
        )
        self._trigger(
            ev.Listed,
            p,
            **_with_defaults(f, notified_on=None),
            minimum_listing_until=max(
                regime.minimum_until or decided_on,
                add_months(decided_on, rules.repair.listing_after_months),
            ),
        )
        if self.records[f["record_id"]].in_force(p.today):
            # A listing whose term is over (recorded late, as a backfill does)
            # takes nothing from entries that are in force now.
            self._revoke_red_listings(
                p, f"listed as seriously dishonest ({f['record_id']})", decided_on
            )

    def _revoke_red_listings(self, p: Provenance, reason: str, on: date) -> None:
        """Listed subjects lose red-list status: from ``on``, or from the day an
        entry began if it began later (a listing decided, or a repair revoked,
        with an earlier date), so that no entry ends before it starts. An entry
        whose validity is over is left to the expiry run, which records it as
        expired."""
        for red in self._in_force(RecordKind.RED_LIST, p.today):
            self._trigger(
                ev.RedListRevoked,
                p,
                record_id=red.record_id,
                reason=reason,
                decided_on=max(on, red.decided_on),
            )

    def delist(
        self, p: Provenance, record_id: str, reason: str, decided_on: date
    ) -> None:
        if reason == "revoked":
            # Revoking is the reviewers' decision: RecordRevoked needs their
            # scope, and stores this Delisted itself.
            msg = (
                "A listing is revoked by RecordRevoked, which also delists it; "
                "Delisted with reason revoked is not accepted on its own"
            )
            raise InvalidRecord(msg, "reason")
        listing = self._active_record(record_id, RecordKind.LISTING)
        self._check_not_future(p, decided_on, "decided_on")
        self._check_not_before(listing, decided_on)
        if reason == "expired" and decided_on < listing.content["term_ends_on"]:
            msg = (
                f"Listing {record_id} runs until {listing.content['term_ends_on']}; "
                "it cannot be delisted as expired before then"
            )
            raise RuleViolation(msg)
        if reason == "repaired" and not self._has_granted_repair(record_id):
            msg = f"Listing {record_id} has no granted repair"
            raise RuleViolation(msg)
        self._trigger(
            ev.Delisted, p, record_id=record_id, reason=reason, decided_on=decided_on
        )

    def red_list(self, p: Provenance, **f: Any) -> None:
        self._check_new_record(p, f)
        self._check_not_future(p, f["decided_on"], "decided_on")
        if f["valid_to"] <= f["decided_on"]:
            msg = "valid_to must be after decided_on"
            raise InvalidRecord(msg, "valid_to")
        listed = [r.record_id for r in self._in_force(RecordKind.LISTING, p.today)]
        if listed:
            msg = (
                "A subject on the serious-dishonesty list cannot be red-listed "
                f"(listing {', '.join(listed)})"
            )
            raise RuleViolation(msg)
        self._trigger(ev.RedListed, p, **f)

    def revoke_red_listing(
        self, p: Provenance, record_id: str, reason: str, decided_on: date
    ) -> None:
        red = self._active_record(record_id, RecordKind.RED_LIST)
        self._check_not_future(p, decided_on, "decided_on")
        self._check_not_before(red, decided_on)
        self._trigger(
            ev.RedListRevoked,
            p,
            record_id=record_id,
            reason=reason,
            decided_on=decided_on,
        )

    def expire_publicity(self, p: Provenance, record_id: str, expired_on: date) -> None:
        record = self._known_record(record_id)
        _check_ends_by_its_own_event(record)
        if not (record.is_active and record.published):
            msg = f"Record {record_id} is not being published ({record.status})"
            raise RuleViolation(msg)
        self._check_not_future(p, expired_on, "expired_on")
        if record.maximum_until is None or expired_on < record.maximum_until:
            msg = (
                f"Record {record_id} is published until {record.maximum_until}; "
                f"it cannot expire on {expired_on}"
            )
            raise RuleViolation(msg)
        self._trigger(
            ev.PublicityExpired, p, record_id=record_id, expired_on=expired_on
        )

    def request_repair(self, p: Provenance, rules: CreditRules, **f: Any) -> None:
        repair_id: str = f["repair_id"]
        requested_on: date = f["requested_on"]
        if repair_id in self.repairs:
            msg = f"Repair id {repair_id!r} is already used by this subject"
            raise DuplicateRecord(msg)
        record = self._known_record(f["record_id"])
        self._check_not_future(p, requested_on, "requested_on")
        # What no later day can mend comes first: a client told to wait must
        # not then learn that the request itself was wanting.
        if not f["commitment"].strip():
            msg = "A repair needs a public credit commitment (信用承诺书)"
            raise InvalidRecord(msg, "commitment")
        if record.kind is RecordKind.LISTING and not any(
            m.strip() for m in f["materials"]
        ):
            msg = (
                f"A repair of listing {record.record_id} needs materials: a repair "
                "commitment, proof of performance, a credit training certificate"
            )
            raise InvalidRecord(msg, "materials")
        self._check_repairable(record, requested_on, p.today, rules)
        deadline = rules.calendar.add_working_days(
            requested_on, rules.repair.decision_working_days
        )
        self._trigger(
            ev.RepairRequested,
            p,
            **f,
            decision_due_on=deadline.due_on,
            deadline_on_fallback_calendar=deadline.fallback_used,
        )

    def grant_repair(
        self, p: Provenance, rules: CreditRules, repair_id: str, decided_on: date
    ) -> None:
        repair = self._pending_repair(repair_id, decided_on)
        self._check_not_future(p, decided_on, "decided_on")
        record = self.records[repair.record_id]
        if not record.in_force(p.today):
            # Expired or revoked while the application waited (or past its end,
            # before the expiry run records it): nothing is left to repair, and
            # a grant would count against the subject's repairs.
            msg = (
                f"Record {record.record_id} {_ended(record)}: "
                f"reject repair {repair_id} instead"
            )
            raise RepairNotAllowed(msg)
        # Requests filed while others waited were checked before those were
        # granted: the refusal rules count the repairs granted by now.
        refusal = self._repair_history_refusal(decided_on, rules)
        if refusal is not None:
            msg = f"Repair {repair_id} cannot be granted: {refusal}; reject it instead"
            raise RepairNotAllowed(msg)
        self._trigger(
            ev.Repaired,
            p,
            repair_id=repair_id,
            record_id=repair.record_id,
            decided_on=decided_on,
        )
        if record.kind is RecordKind.LISTING:
            self._trigger(
                ev.Delisted,
                p,
                record_id=repair.record_id,
                reason="repaired",
                decided_on=decided_on,
            )

    def reject_repair(
        self, p: Provenance, repair_id: str, decided_on: date, reason: str
    ) -> None:
        repair = self._pending_repair(repair_id, decided_on)
        self._check_not_future(p, decided_on, "decided_on")
        self._trigger(
            ev.RepairRejected,
            p,
            repair_id=repair_id,
            record_id=repair.record_id,
            decided_on=decided_on,
            reason=reason,
        )

    def revoke_repair(
        self, p: Provenance, repair_id: str, reason: str, decided_on: date
    ) -> None:
        """A repair obtained by fraud is revoked and the information published
        again, as it was before the grant."""
        repair = self._known_repair(repair_id)
        if repair.status is not RepairStatus.GRANTED:
            msg = (
                f"Repair {repair_id} is {repair.status}: only a granted repair "
                "can be revoked"
            )
            raise RuleViolation(msg)
        self._check_not_future(p, decided_on, "decided_on")
        assert repair.decided_on is not None
        if decided_on < repair.decided_on:
            msg = (
                f"decided_on {decided_on} is before the repair was granted "
                f"({repair.decided_on})"
            )
            raise InvalidRecord(msg, "decided_on")
        record = self.records[repair.record_id]
        if record.status not in _ENDED_BY_REPAIR:
            # Revoked itself since: there is nothing left to publish again.
            msg = f"Record {record.record_id} is {record.status} since the repair"
            raise RuleViolation(msg)
        self._trigger(
            ev.RepairRevoked,
            p,
            repair_id=repair_id,
            record_id=record.record_id,
            reason=reason,
            decided_on=decided_on,
            record_kind=record.kind.value,
            record_department=record.department,
            record_corrections=record.corrections,
            record_content=json_ready(record.content),
        )
        if record.kind is RecordKind.LISTING and record.in_force(p.today):
            self._revoke_red_listings(
                p, f"listed again ({record.record_id})", decided_on
            )

    def correct_record(
        self, p: Provenance, record_id: str, changes: dict[str, Any], reason: str
    ) -> None:
        record = self._known_record(record_id)
        if record.kind not in CORRECTABLE_KINDS:
            msg = (
                f"A {_DECISION_NAMES[record.kind]} is a decision of its own and is "
                "not corrected: revoke it (RecordRevoked) and record it anew"
            )
            raise InvalidRecord(msg, "record_id")
        if not (record.is_active or record.status in _STILL_PUBLISHED):
            msg = f"{record.kind} {record_id} ({record.status}) cannot be corrected"
            raise RuleViolation(msg)
        if not changes:
            msg = "changes must name at least one field"
            raise InvalidRecord(msg, "changes")
        refused = sorted(
            k for k in changes if k in UNCORRECTABLE_FIELDS or k not in record.content
        )
        if refused:
            msg = (
                f"Fields {', '.join(refused)} cannot be corrected on a {record.kind} "
                "record (revoke it and record it anew)"
            )
            raise InvalidRecord(msg, f"changes.{refused[0]}")
        coerced = {
            k: _coerce_change(k, record.content[k], v) for k, v in changes.items()
        }
        _check_date_order({**record.content, **coerced}, within="changes.")
        check_published_ids(coerced, p.today, within="changes.")
        self._trigger(
            ev.RecordCorrected, p, record_id=record_id, changes=coerced, reason=reason
        )

    def revoke_record(
        self, p: Provenance, record_id: str, reason: str, decided_on: date
    ) -> None:
        record = self._known_record(record_id)
        if record.status in (RecordStatus.REVOKED, RecordStatus.DELISTED):
            msg = f"Record {record_id} is already {record.status}"
            raise RuleViolation(msg)
        self._check_not_future(p, decided_on, "decided_on")
        self._check_not_before(record, decided_on)
        self._trigger(
            ev.RecordRevoked,
            p,
            record_id=record_id,
            reason=reason,
            decided_on=decided_on,
        )
        if record.kind is RecordKind.LISTING:
            self._trigger(
                ev.Delisted,
                p,
                record_id=record_id,
                reason="revoked",
                decided_on=decided_on,
            )

    def expire_due(self, p: Provenance, today: date) -> None:
        """Emit what time has made due; running it twice emits nothing more."""
        for record in list(self.records.values()):
            due = record.maximum_until
            if due is None or not record.is_due(today):
                continue
            if record.kind is RecordKind.LISTING:
                self._trigger(
                    ev.Delisted,
                    p,
                    record_id=record.record_id,
                    reason="expired",
                    decided_on=due,
                )
            elif record.kind is RecordKind.RED_LIST:
                self._trigger(
                    ev.RedListRevoked,
                    p,
                    record_id=record.record_id,
                    reason="expired",
                    decided_on=due,
                )
            else:
                self._trigger(
                    ev.PublicityExpired, p, record_id=record.record_id, expired_on=due
                )

    # Queries used by the scheduler and views ------------------------------

    def active_records(self, kind: RecordKind) -> list[CreditRecord]:
        return self._active(kind)

    # Guards ----------------------------------------------------------------

    def _check_new_record(self, p: Provenance, f: Mapping[str, Any]) -> None:
        check_published_ids(f, p.today)
        record_id = f["record_id"]
        if record_id in self.records:
            msg = f"Record id {record_id!r} is already used by this subject"
            raise DuplicateRecord(msg)

    @staticmethod
    def _check_not_future(p: Provenance, day: date, name: str) -> None:
        if day > p.today:
            msg = f"{name} {day} is in the future (today is {p.today})"
            raise InvalidRecord(msg, name)

    @staticmethod
    def _check_not_before(record: CreditRecord, decided_on: date) -> None:
        if decided_on < record.decided_on:
            msg = (
                f"decided_on {decided_on} is before record {record.record_id} "
                f"was decided ({record.decided_on})"
            )
            raise InvalidRecord(msg, "decided_on")

    def _known_record(self, record_id: str) -> CreditRecord:
        try:
            return self.records[record_id]
        except KeyError:
            msg = f"Subject {self.code} has no record {record_id!r}"
            raise UnknownRecord(msg) from None

    def _active_record(self, record_id: str, kind: RecordKind) -> CreditRecord:
        record = self._known_record(record_id)
        if record.kind is not kind:
            msg = f"Record {record_id} is a {record.kind}, not a {kind}"
            raise RuleViolation(msg)
        if not record.is_active:
            msg = f"Record {record_id} is already {record.status}"
            raise RuleViolation(msg)
        return record

    def _check_commitment_closable(
        self, p: Provenance, record_id: str, closed_on: date, name: str
    ) -> None:
        record = self._known_record(record_id)
        if record.kind is not RecordKind.COMMITMENT:
            msg = f"Record {record_id} is a {record.kind}, not a commitment"
            raise CommitmentNotOpen(msg)
        if not record.is_active:
            msg = f"Commitment {record_id} is already {record.status}"
            raise CommitmentNotOpen(msg)
        self._check_not_future(p, closed_on, name)
        self._check_not_before(record, closed_on)

    def _check_repairable(
        self,
        record: CreditRecord,
        requested_on: date,
        today: date,
        rules: CreditRules,
    ) -> None:
        if record.kind not in (RecordKind.PENALTY, RecordKind.LISTING):
            msg = f"Only penalties and listings can be repaired, not a {record.kind}"
            raise RepairNotAllowed(msg)
        if not record.in_force(today):
            msg = f"Record {record.record_id} {_ended(record)}: nothing to repair"
            raise RepairNotAllowed(msg)
        if record.kind is RecordKind.PENALTY and not record.published:
            msg = f"Penalty {record.record_id} is not published: nothing to repair"
            raise RepairNotAllowed(msg)
        pending = [
            r.repair_id
            for r in self.repairs.values()
            if r.record_id == record.record_id and r.status is RepairStatus.PENDING
        ]
        if pending:
            msg = (
                f"Repair {pending[0]} for {record.record_id} is still awaiting decision"
            )
            raise RepairNotAllowed(msg)
        if record.minimum_until is not None and requested_on < record.minimum_until:
            msg = (
                f"The minimum publicity period of {record.record_id} runs until "
                f"{record.minimum_until}; repair can be requested from then"
            )
            raise RepairNotAllowed(msg)
        refusal = self._repair_history_refusal(requested_on, rules)
        if refusal is not None:
            msg = f"Repair refused: {refusal}"
            raise RepairNotAllowed(msg)

    def _repair_history_refusal(self, on: date, rules: CreditRules) -> str | None:
        """Why local practice refuses a repair on ``on``, counting the repairs
        granted so far; None when it does not."""
        policy = rules.repair
        if policy.serious_repair_cooldown_days is not None:
            since = on - timedelta(days=policy.serious_repair_cooldown_days)
            if any(g.serious and g.decided_on > since for g in self.granted_repairs):
                return (
                    "a serious record of this subject was repaired less than "
                    f"{policy.serious_repair_cooldown_days} days ago"
                )
        if policy.max_repairs_in_window is not None:
            since = add_months(on, -12 * policy.window_years)
            recent = [g for g in self.granted_repairs if g.decided_on > since]
            if len(recent) >= policy.max_repairs_in_window:
                return (
                    f"this subject already had {len(recent)} repairs within "
                    f"{policy.window_years} years"
                )
        return None

    def _known_repair(self, repair_id: str) -> RepairApplication:
        try:
            return self.repairs[repair_id]
        except KeyError:
            msg = f"Subject {self.code} has no repair {repair_id!r}"
            raise UnknownRepair(msg) from None

    def _pending_repair(self, repair_id: str, decided_on: date) -> RepairApplication:
        repair = self._known_repair(repair_id)
        if repair.status is not RepairStatus.PENDING:
            msg = f"Repair {repair_id} was already {repair.status}"
            raise RuleViolation(msg)
        if decided_on < repair.requested_on:
            msg = (
                f"decided_on {decided_on} is before the request ({repair.requested_on})"
            )
            raise InvalidRecord(msg, "decided_on")
        return repair

    def _has_granted_repair(self, record_id: str) -> bool:
        return any(
            r.record_id == record_id and r.status is RepairStatus.GRANTED
            for r in self.repairs.values()
        )

    def _active(self, kind: RecordKind) -> list[CreditRecord]:
        return [r for r in self.records.values() if r.kind is kind and r.is_active]

    def _in_force(self, kind: RecordKind, today: date) -> list[CreditRecord]:
        """Active and not yet ended by time (whether or not the expiry run has
        recorded it): what the public sees and the grade counts."""
        return [
            r for r in self.records.values() if r.kind is kind and r.in_force(today)
        ]

    @staticmethod
    def _publication(p: Provenance, rules: CreditRules, base: date) -> dict[str, Any]:
        deadline = rules.calendar.add_working_days(
            base, rules.publication_deadline_working_days
        )
        return {
            "publication_deadline": deadline.due_on,
            "late": p.today > deadline.due_on,
            "deadline_on_fallback_calendar": deadline.fallback_used,
        }

    def _trigger(
        self, event_class: type[ev.SubjectEvent], p: Provenance, **f: Any
    ) -> None:
        """What the library's ``trigger_event`` does, with the event's fields
        set in one go rather than by its frozen dataclass's ``__init__``, one
        ``object.__setattr__`` at a time (a tenth of deciding a bulk import);
        the fields are still checked to be exactly the event's, and are set in
        the order the class declares them, as ``__init__`` would: the stored
        state is written in that order, and starts with the timestamp that
        ``as_of`` reads from its head."""
        given = {
            **f,
            "originator_id": self.id,
            "originator_version": self.version + 1,
            "timestamp": p.recorded_at,
            "subject_code": self.code,
            "previous_hash": self.head_hash,
            "department": p.department,
            "actor": p.actor,
            "request_key": p.request_key,
            "request_digest": p.request_digest,
        }
        names = _field_names(event_class)
        if given.keys() != _field_set(event_class) or not f.keys().isdisjoint(
            ENVELOPE_FIELDS
        ):
            msg = (
                f"Can't construct event {event_class.__name__}: missing "
                f"{sorted(set(names) - given.keys())}, "
                f"unexpected {sorted(given.keys() - set(names))}, "
                f"set by the subject {sorted(f.keys() & ENVELOPE_FIELDS)}"
            )
            raise TypeError(msg)
        event = object.__new__(event_class)
        event.__dict__.update({name: given[name] for name in names})
        event.mutate(self)
        self._pending_events.append(event)

    @property
    def head_hash(self) -> str:
        """The hash of the last event, which the next one chains to.

        Computed when first asked for: a replay needs only the last event's.
        """
        if self._head_hash is None:
            assert self._head_event is not None
            self._head_hash = event_hash(self._head_event)
        return self._head_hash

    # Evolution -------------------------------------------------------------

    def evolve(self, event: ev.SubjectEvent) -> None:
        # The evolution registered for the event's type, called without binding
        # the singledispatchmethod (which builds a new wrapper on every access).
        _EVOLUTIONS.dispatch(type(event))(self, event)
        self._head_event = event
        self._head_hash = None
        receipt = self.receipts.get(event.request_key)
        if receipt is None:
            self.receipts[event.request_key] = RequestReceipt(
                event.request_digest, event.originator_version, event.originator_version
            )
        else:
            receipt.last_version = event.originator_version

    @singledispatchmethod
    def _apply(self, event: ev.SubjectEvent) -> None:
        msg = f"No evolution for {type(event).__name__}"
        raise NotImplementedError(msg)

    @_apply.register
    def _(self, event: ev.SubjectRegistered) -> None:
        self.code = event.subject_code
        self.kind = SubjectKind(event.kind)
        self.name = event.name
        self.legal_representative = event.legal_representative

    @_apply.register
    def _(self, event: ev.SubjectDetailsChanged) -> None:
        self.name = event.name
        self.legal_representative = event.legal_representative

    @_apply.register
    def _(self, event: ev.LicencePublished) -> None:
        self._add(event, RecordKind.LICENCE, event.decided_on, published=event.publish)

    @_apply.register
    def _(self, event: ev.PenaltyPublished) -> None:
        record = self._add(
            event, RecordKind.PENALTY, event.decided_on, published=event.published
        )
        record.severity = event.severity
        record.minimum_until = event.minimum_publicity_until
        record.maximum_until = event.maximum_publicity_until

    @_apply.register
    def _(self, event: ev.InformationRecorded) -> None:
        self._add(event, RecordKind.INFORMATION, event.occurred_on, published=False)

    @_apply.register
    def _(self, event: ev.CommitmentMade) -> None:
        self._add(event, RecordKind.COMMITMENT, event.made_on, published=True)

    @_apply.register
    def _(self, event: ev.CommitmentFulfilled) -> None:
        self._close(event.record_id, RecordStatus.FULFILLED, event.fulfilled_on)

    @_apply.register
    def _(self, event: ev.CommitmentBreached) -> None:
        self._close(event.record_id, RecordStatus.BREACHED, event.breached_on)

    @_apply.register
    def _(self, event: ev.Listed) -> None:
        record = self._add(event, RecordKind.LISTING, event.decided_on, published=True)
        record.severity = Severity.SERIOUS.value
        record.minimum_until = event.minimum_listing_until
        record.maximum_until = event.term_ends_on

    @_apply.register
    def _(self, event: ev.Delisted) -> None:
        self._close(event.record_id, RecordStatus.DELISTED, event.decided_on)

    @_apply.register
    def _(self, event: ev.RedListed) -> None:
        record = self._add(event, RecordKind.RED_LIST, event.decided_on, published=True)
        record.maximum_until = event.valid_to

    @_apply.register
    def _(self, event: ev.RedListRevoked) -> None:
        self._close(event.record_id, RecordStatus.REVOKED, event.decided_on)

    @_apply.register
    def _(self, event: ev.PublicityExpired) -> None:
        self._close(event.record_id, RecordStatus.EXPIRED, event.expired_on)

    @_apply.register
    def _(self, event: ev.RepairRequested) -> None:
        self.repairs[event.repair_id] = RepairApplication(
            repair_id=event.repair_id,
            record_id=event.record_id,
            requested_on=event.requested_on,
            decision_due_on=event.decision_due_on,
            commitment=event.commitment,
            materials=list(event.materials),
            deadline_on_fallback_calendar=event.deadline_on_fallback_calendar,
        )

    @_apply.register
    def _(self, event: ev.Repaired) -> None:
        repair = self.repairs[event.repair_id]
        repair.status = RepairStatus.GRANTED
        repair.decided_on = event.decided_on
        record = self.records[event.record_id]
        self.granted_repairs.append(
            GrantedRepair(event.decided_on, record.severity == Severity.SERIOUS.value)
        )
        if record.kind is RecordKind.PENALTY:
            self._close(event.record_id, RecordStatus.REPAIRED, event.decided_on)

    @_apply.register
    def _(self, event: ev.RepairRejected) -> None:
        repair = self.repairs[event.repair_id]
        repair.status = RepairStatus.REJECTED
        repair.decided_on = event.decided_on
        repair.reason = event.reason

    @_apply.register
    def _(self, event: ev.RepairRevoked) -> None:
        repair = self.repairs[event.repair_id]
        repair.status = RepairStatus.REVOKED
        repair.reason = event.reason
        # Its grant stays in granted_repairs: a repair obtained by fraud still
        # counts against the subject in the refusal rules.
        record = self.records[event.record_id]
        record.status = RecordStatus.ACTIVE
        record.closed_on = None

    @_apply.register
    def _(self, event: ev.RecordCorrected) -> None:
        record = self.records[event.record_id]
        for name, value in event.changes.items():
            if isinstance(value, str) and _is_date_field(name, record.content[name]):
                record.content[name] = date.fromisoformat(value)
            else:
                record.content[name] = value
        record.corrections += 1

    @_apply.register
    def _(self, event: ev.RecordRevoked) -> None:
        record = self.records[event.record_id]
        if record.kind is not RecordKind.LISTING:
            self._close(event.record_id, RecordStatus.REVOKED, event.decided_on)

    def _add(
        self,
        event: ev.SubjectEvent,
        kind: RecordKind,
        decided_on: date,
        published: bool,
    ) -> CreditRecord:
        # Popped from a copy: a third of filtering every field.
        content = vars(event).copy()
        for name in ENVELOPE_FIELDS:
            content.pop(name, None)
        record = CreditRecord(
            record_id=content["record_id"],
            kind=kind,
            department=event.department,
            decided_on=decided_on,
            content=content,
            published=published,
        )
        self.records[record.record_id] = record
        return record

    def _close(self, record_id: str, status: RecordStatus, on: date) -> None:
        record = self.records[record_id]
        record.status = status
        record.closed_on = on


_EVOLUTIONS = vars(CreditSubject)["_apply"].dispatcher


class SubjectSnapshot(Snapshot):
    """A snapshot of a subject, its state packed (see :mod:`domain.snapshots`)."""

    @classmethod
    def take(cls, aggregate: Any) -> SubjectSnapshot:
        assert isinstance(aggregate, CreditSubject)
        packed = pack(aggregate, aggregate.head_hash, HEAD_ATTRIBUTES)
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=cls.create_timestamp(),
            topic=get_topic(CreditSubject),
            state={PACKED_STATE: packed},
        )

    def mutate(self, _: None) -> CreditSubject:
        if PACKED_STATE not in self.state:
            return self._unpacked_form()
        state, head_hash = unpack(self.state[PACKED_STATE])
        subject = object.__new__(CreditSubject)
        vars(subject).update(
            state,
            _id=self.originator_id,
            _version=self.originator_version,
            _pending_events=[],
            _head_hash=head_hash,
            _head_event=None,
        )
        return subject

    def _unpacked_form(self) -> CreditSubject:
        """Snapshots taken before packing held the attributes one by one."""
        subject = super().mutate(None)
        assert isinstance(subject, CreditSubject)
        subject.kind = SubjectKind(subject.kind)
        subject._head_hash = vars(subject).pop("head_hash")
        subject._head_event = None
        return subject


CreditSubject.Snapshot = SubjectSnapshot


ENVELOPE_FIELDS = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "subject_code",
        "department",
        "actor",
        "request_key",
        "request_digest",
        "previous_hash",
    }
)


# A commitment fulfilled or breached stays in the commitment publicity column,
# so what it says can still be corrected.
_STILL_PUBLISHED = frozenset({RecordStatus.FULFILLED, RecordStatus.BREACHED})


# What a granted repair leaves its record as: a penalty repaired, a listing
# delisted (with reason repaired).
_ENDED_BY_REPAIR = frozenset({RecordStatus.REPAIRED, RecordStatus.DELISTED})


# What ends a listing or a red-list entry when its time runs out, as the expiry
# run records it: their exits are counted and listed by these events' reasons.
_EXPIRY_EVENTS = {
    RecordKind.LISTING: "Delisted with reason expired",
    RecordKind.RED_LIST: "RedListRevoked with reason expired",
}


def _ended(record: CreditRecord) -> str:
    """How a record that is no longer in force ended, for a refusal."""
    if record.is_active:
        return f"ended on {record.maximum_until}"
    return f"is already {record.status}"


def _check_ends_by_its_own_event(record: CreditRecord) -> None:
    ending = _EXPIRY_EVENTS.get(record.kind)
    if ending is not None:
        msg = (
            f"Record {record.record_id} is a {record.kind}: its term ends by "
            f"{ending}, not by PublicityExpired"
        )
        raise RuleViolation(msg)


def _envelope(p: Provenance) -> dict[str, Any]:
    return {
        "department": p.department,
        "actor": p.actor,
        "request_key": p.request_key,
        "request_digest": p.request_digest,
    }


def _coerce_change(name: str, original: Any, new: Any) -> Any:
    """Checks a corrected value fits its field; dates travel as ISO text (JSON)."""
    if _is_date_field(name, original):
        try:
            return None if new is None else date.fromisoformat(str(new)).isoformat()
        except ValueError:
            msg = f"{name} must be a date (YYYY-MM-DD), not {new!r}"
            raise InvalidRecord(msg, f"changes.{name}") from None
    if isinstance(original, list):
        if not (isinstance(new, list) and all(isinstance(v, str) for v in new)):
            msg = f"{name} must be a list of text"
            raise InvalidRecord(msg, f"changes.{name}")
        return new
    if new is not None and not isinstance(new, str | bool):
        msg = f"{name} must be text, not {new!r}"
        raise InvalidRecord(msg, f"changes.{name}")
    return new


# A record's dates that must not come before another: (earlier, later).
DATE_ORDER = (("valid_from", "valid_to"), ("made_on", "due_on"))


def _check_date_order(content: dict[str, Any], within: str = "") -> None:
    """Refuses a record (new, or as corrected: its fields are then ``within``
    the changes) whose dates are out of order; its dates are dates, or ISO
    text once corrected."""
    for earlier, later in DATE_ORDER:
        first, then = content.get(earlier), content.get(later)
        if first is not None and then is not None and _day(then) < _day(first):
            msg = f"{later} is before {earlier}"
            raise InvalidRecord(msg, within + later)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _is_date_field(name: str, original: Any) -> bool:
    return isinstance(original, date) or (
        original is None and name.endswith(("_on", "_from", "_to"))
    )


@cache
def _field_names(event_class: type[ev.SubjectEvent]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclass_fields(event_class))


@cache
def _field_set(event_class: type[ev.SubjectEvent]) -> frozenset[str]:
    return frozenset(_field_names(event_class))


def _with_defaults(fields: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    return {**defaults, **{k: v for k, v in fields.items() if v is not None}}
