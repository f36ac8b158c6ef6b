"""Corrections, the hash chain and request receipts of a subject's records."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from domain.canonical import GENESIS_HASH, event_hash
from domain.errors import IdempotencyKeyReused, InvalidRecord, RuleViolation
from domain.events import LicencePublished, RecordCorrected
from domain.rules import Provenance
from infrastructure.bootstrap import build_services
from infrastructure.positions import HEAD_BYTES, time_from_head
from infrastructure.settings import Settings
from tests.factories import (
    commitment,
    correction,
    information,
    licence,
    listing,
    penalty,
    red_listing,
    revocation,
)
from tests.unit.subject_desk import Desk, names


def test_a_correction_supersedes_the_content_and_is_counted() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    events = desk.do(correction("L1", changes={"content": "Bulk food too"}))

    assert names(events) == ["RecordCorrected"]
    record = desk.record("L1")
    assert (record.content["content"], record.corrections) == ("Bulk food too", 1)


def test_a_corrected_date_is_stored_as_text_and_read_back_as_a_date() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    [event] = desk.do(correction("L1", changes={"valid_to": "2028-01-01"}))

    assert isinstance(event, RecordCorrected)
    assert event.changes == {"valid_to": "2028-01-01"}
    assert desk.record("L1").content["valid_to"] == date(2028, 1, 1)


@pytest.mark.parametrize(
    "field", ["decided_on", "record_id", "publish", "late", "publication_deadline"]
)
def test_fields_that_drive_deadlines_cannot_be_corrected(field: str) -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(InvalidRecord, match=field):
        desk.do(correction("L1", changes={field: "2022-10-01"}))


@pytest.mark.parametrize("field", ["severity", "penalty_types", "violation_type"])
def test_a_penalty_keeps_what_sets_its_publicity_period(field: str) -> None:
    desk = Desk()
    desk.do(penalty("P1"))

    with pytest.raises(InvalidRecord, match="revoke it"):
        desk.do(correction("P1", changes={field: "minor"}))


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({}, "at least one field"),
        ({"colour": "red"}, "colour"),
        ({"valid_to": "next year"}, "must be a date"),
        ({"content": 42}, "must be text"),
        ({"valid_to": "2022-10-18"}, "valid_to is before valid_from"),
        ({"valid_from": "2027-10-19"}, "valid_to is before valid_from"),
    ],
)
def test_malformed_corrections_are_refused(changes: dict[str, Any], says: str) -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(InvalidRecord, match=says):
        desk.do(correction("L1", changes=changes))


def test_a_commitment_corrected_due_before_it_was_made_is_refused() -> None:
    desk = Desk()
    desk.do(commitment("C1"))

    with pytest.raises(InvalidRecord, match="due_on is before made_on"):
        desk.do(correction("C1", changes={"due_on": "2022-10-09"}))


def test_dates_still_in_order_after_a_correction_are_accepted() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    desk.do(correction("L1", changes={"valid_to": "2022-10-19"}))

    assert desk.record("L1").content["valid_to"] == date(2022, 10, 19)


@pytest.mark.parametrize(
    ("body", "record_id"), [(listing("S1"), "S1"), (red_listing("R1"), "R1")]
)
def test_listings_are_revoked_not_corrected(
    body: dict[str, Any], record_id: str
) -> None:
    desk = Desk()
    desk.do(body)

    # Never possible, whatever the subject's state: 422, not 409.
    with pytest.raises(InvalidRecord, match="not corrected: revoke it") as refused:
        desk.do(correction(record_id, changes={"basis": "other"}))
    assert refused.value.field == "record_id"


def test_a_revoked_record_cannot_be_corrected() -> None:
    desk = Desk()
    desk.do(licence("L1"), revocation("L1"))

    with pytest.raises(RuleViolation, match="revoked"):
        desk.do(correction("L1"))


def test_commitments_and_information_can_be_corrected() -> None:
    desk = Desk()
    desk.do(commitment("C1"), information("I1"))

    events = desk.do(
        correction("C1", changes={"matter": "catering licence"}),
        correction("I1", changes={"content": "National quality award"}),
    )

    assert names(events) == ["RecordCorrected", "RecordCorrected"]
    assert desk.record("C1").content["matter"] == "catering licence"


def test_self_declared_information_is_marked_and_never_published() -> None:
    desk = Desk()

    desk.do(information("I1", self_declared=True))

    record = desk.record("I1")
    assert record.content["self_declared"] is True
    assert record.published is False


def test_each_event_names_the_hash_of_the_one_before() -> None:
    desk = Desk()
    desk.do(licence("L1"), penalty("P1"), listing("S1"))

    events = desk.subject.pending_events

    assert events[0].previous_hash == GENESIS_HASH  # type: ignore[attr-defined]
    for before, after in pairwise(events):
        assert after.previous_hash == event_hash(before)  # type: ignore[attr-defined]
    assert desk.subject.head_hash == event_hash(events[-1])


def test_every_event_carries_the_envelope_of_its_request() -> None:
    desk = Desk()

    [event] = desk.do(licence("L1"))

    assert (event.subject_code, event.department, event.actor) == (
        desk.subject.code,
        "market-regulation",
        "wang",
    )
    assert event.request_key.startswith("k-")


def keyed(desk: Desk, key: str, digest: str) -> Provenance:
    base = desk.provenance(key)
    return Provenance(
        department=base.department,
        actor=base.actor,
        request_key=key,
        request_digest=digest,
        recorded_at=base.recorded_at,
        today=base.today,
    )


def test_a_request_key_remembers_the_versions_it_produced() -> None:
    desk = Desk()
    desk.do(red_listing("R1"))
    p = keyed(desk, "list-S1", "digest-1")
    fields = {k: v for k, v in listing("S1").items() if k != "type"}
    desk.subject.list_as_seriously_dishonest(p, desk.rules, **fields)

    receipt = desk.subject.receipt_for(p)

    assert receipt is not None
    assert (receipt.first_version, receipt.last_version) == (3, 4)


def test_a_request_key_reused_for_another_request_is_refused() -> None:
    desk = Desk()
    fields = {k: v for k, v in licence("L1").items() if k != "type"}
    desk.subject.publish_licence(keyed(desk, "k", "digest-1"), desk.rules, **fields)

    with pytest.raises(IdempotencyKeyReused, match="'k'"):
        desk.subject.receipt_for(keyed(desk, "k", "digest-2"))


def test_an_unused_request_key_has_no_receipt() -> None:
    desk = Desk()

    assert desk.subject.receipt_for(keyed(desk, "fresh", "digest")) is None


def test_an_event_is_only_triggered_with_exactly_its_fields() -> None:
    desk = Desk()
    version = desk.subject.version
    fields = {k: v for k, v in licence("L1").items() if k != "type"}
    del fields["licence_no"]

    with pytest.raises(
        TypeError, match=r"missing \[.*'licence_no'.*\], unexpected \[\]"
    ):
        desk.subject._trigger(LicencePublished, desk.provenance("k"), **fields)
    for extra, refusal in (
        ({"colour": "red"}, r"unexpected \['colour'\]"),
        ({"actor": "someone else"}, r"set by the subject \['actor'\]"),
    ):
        with pytest.raises(TypeError, match=refusal):
            desk.subject._trigger(
                RecordCorrected,
                desk.provenance("k"),
                record_id="L1",
                changes={},
                reason="r",
                **extra,
            )
    assert desk.subject.version == version


def test_a_triggered_event_is_stored_as_its_class_writes_it_timestamp_first() -> None:
    desk = Desk()
    events = [
        *desk.do(licence("L1")),
        *desk.do(penalty("P1")),
        *desk.do(correction("L1", changes={"content": "c2"})),
        *desk.do(red_listing("R1")),
        *desk.do(listing("S1")),
    ]
    mapper = build_services(Settings(database_url="memory://")).ledger.mapper

    for event in events:
        constructed = type(event)(**vars(event))
        stored = mapper.to_stored_event(event).state
        assert stored == mapper.to_stored_event(constructed).state
        assert list(vars(event)) == list(vars(constructed))
        assert time_from_head(stored[:HEAD_BYTES]) == event.timestamp
