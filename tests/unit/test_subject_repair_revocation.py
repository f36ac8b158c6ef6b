"""A repair obtained by fraud is revoked and the information published again."""

from __future__ import annotations

from datetime import date

import pytest

from application.msgspec_transcoder import MsgspecJSONTranscoder
from application.snapshot_store import SnapshotMapper
from domain.errors import InvalidRecord, RepairNotAllowed, RuleViolation, UnknownRepair
from domain.events import RepairRevoked
from domain.records import RecordStatus, RepairStatus
from domain.subject import SubjectSnapshot
from tests.factories import (
    Body,
    correction,
    listing,
    penalty,
    red_listing,
    repair_grant,
    repair_rejection,
    repair_request,
    repair_revocation,
    revocation,
)
from tests.unit.subject_desk import Desk, names

# Published 2022-09-15 .. 2023-06-15 (2019 rules, general).
PENALTY_ENDS = date(2023, 6, 15)
OLD_LISTING = {"decided_on": date(2021, 1, 4), "notified_on": date(2020, 12, 1)}


def repaired_penalty() -> Desk:
    desk = Desk()
    desk.do(penalty("P1"), repair_request("F1", "P1"), repair_grant("F1"))
    return desk


def repaired_listing() -> Desk:
    desk = Desk()
    desk.do(listing("S1", **OLD_LISTING), repair_request("F1", "S1"))
    desk.do(repair_grant("F1"))
    return desk


def test_revoking_a_penalty_repair_publishes_the_penalty_again() -> None:
    desk = repaired_penalty()
    before = desk.record("P1")
    terms = (before.published, before.minimum_until, before.maximum_until)

    [event] = desk.do(repair_revocation("F1"))

    assert isinstance(event, RepairRevoked)
    assert (event.record_id, event.record_kind) == ("P1", "penalty")
    assert event.record_content["decided_on"] == "2022-06-15"
    record = desk.record("P1")
    assert (record.status, record.closed_on) == (RecordStatus.ACTIVE, None)
    assert (record.published, record.minimum_until, record.maximum_until) == terms
    assert desk.subject.repairs["F1"].status is RepairStatus.REVOKED
    assert desk.subject.repairs["F1"].decided_on == date(2022, 10, 20)


def test_revoking_a_listing_repair_lists_the_subject_again() -> None:
    desk = repaired_listing()

    events = desk.do(repair_revocation("F1"))

    assert names(events) == ["RepairRevoked"]
    record = desk.record("S1")
    assert record.status is RecordStatus.ACTIVE
    assert record.in_force(desk.today)
    assert record.maximum_until == date(2025, 10, 1)


def test_listed_again_the_subject_loses_its_red_list_entry() -> None:
    desk = repaired_listing()
    desk.do(red_listing("R1"))

    events = desk.do(repair_revocation("F1"))

    assert names(events) == ["RepairRevoked", "RedListRevoked"]
    assert desk.record("R1").status is RecordStatus.REVOKED


def test_a_red_list_entry_begun_after_the_revocation_date_ends_on_its_first_day() -> (
    None
):
    desk = Desk()
    asked = repair_request("F1", "S1", requested_on=date(2022, 10, 10))
    desk.do(listing("S1", **OLD_LISTING), asked)
    desk.do(repair_grant("F1", decided_on=date(2022, 10, 11)))
    desk.do(red_listing("R1", decided_on=date(2022, 10, 15)))

    desk.do(repair_revocation("F1", decided_on=date(2022, 10, 12)))

    red = desk.record("R1")
    assert (red.status, red.closed_on) == (RecordStatus.REVOKED, date(2022, 10, 15))


@pytest.mark.parametrize(
    "decision", [[], [repair_rejection("F1")]], ids=["pending", "rejected"]
)
def test_only_a_granted_repair_can_be_revoked(decision: list[Body]) -> None:
    desk = Desk()
    desk.do(penalty("P1"), repair_request("F1", "P1"), *decision)

    with pytest.raises(RuleViolation, match="only a granted repair"):
        desk.do(repair_revocation("F1"))


def test_a_repair_is_revoked_once() -> None:
    desk = repaired_penalty()
    desk.do(repair_revocation("F1"))

    with pytest.raises(RuleViolation, match="F1 is revoked"):
        desk.do(repair_revocation("F1"))


def test_revoking_an_unknown_repair_is_refused() -> None:
    desk = Desk()

    with pytest.raises(UnknownRepair, match="F9"):
        desk.do(repair_revocation("F9"))


def test_a_revocation_is_not_decided_in_the_future_nor_before_the_grant() -> None:
    desk = repaired_penalty()

    with pytest.raises(InvalidRecord, match="future"):
        desk.do(repair_revocation("F1", decided_on=date(2022, 10, 21)))
    with pytest.raises(InvalidRecord, match="before the repair was granted"):
        desk.do(repair_revocation("F1", decided_on=date(2022, 10, 19)))


def test_a_repair_of_a_record_revoked_since_is_not_revoked() -> None:
    desk = repaired_penalty()
    desk.do(revocation("P1"))

    with pytest.raises(RuleViolation, match="P1 is revoked since the repair"):
        desk.do(repair_revocation("F1"))


def test_a_record_published_again_can_be_corrected() -> None:
    desk = repaired_penalty()
    with pytest.raises(RuleViolation, match="repaired"):
        desk.do(correction("P1"))
    desk.do(repair_revocation("F1"))

    assert names(desk.do(correction("P1"))) == ["RecordCorrected"]


def test_a_revoked_repair_still_counts_in_the_refusal_rules() -> None:
    desk = repaired_listing()
    desk.do(repair_revocation("F1"))

    with pytest.raises(RepairNotAllowed, match="repaired less than 365 days ago"):
        desk.do(repair_request("F2", "S1"))


def test_a_penalty_past_its_maximum_period_is_not_shown_and_expires_as_usual() -> None:
    desk = repaired_penalty()
    later = date(2023, 7, 3)

    desk.on(later).do(repair_revocation("F1", decided_on=later))
    record = desk.record("P1")
    assert record.status is RecordStatus.ACTIVE
    assert not record.in_force(later)

    desk.subject.expire_due(desk.provenance(), later)
    [expired] = desk.subject.pending_events[-1:]
    assert type(expired).__name__ == "PublicityExpired"
    assert record.status is RecordStatus.EXPIRED
    assert record.closed_on == PENALTY_ENDS


def test_a_subject_with_a_revoked_repair_survives_its_snapshot() -> None:
    desk = repaired_listing()
    desk.do(repair_revocation("F1"))
    mapper = SnapshotMapper(transcoder=MsgspecJSONTranscoder())

    stored = mapper.to_stored_event(SubjectSnapshot.take(desk.subject))
    loaded = mapper.to_domain_event(stored).mutate(None)  # type: ignore[attr-defined]

    assert loaded.repairs == desk.subject.repairs
    assert loaded.repairs["F1"].status is RepairStatus.REVOKED
    assert loaded.records == desk.subject.records
    assert loaded.granted_repairs == desk.subject.granted_repairs
