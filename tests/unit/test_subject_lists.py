"""The serious-dishonesty list, the red list, revocation and expiry of publicity."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidRecord, RuleViolation, UnknownRecord
from domain.events import RedListRevoked
from domain.records import RecordKind, RecordStatus
from tests.factories import (
    delisting,
    expiry,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    revocation,
)
from tests.unit.subject_desk import Desk, names


def test_listing_revokes_every_active_red_listing() -> None:
    desk = Desk()
    desk.do(red_listing("R1"), red_listing("R2", scheme="customs_aeo"))

    events = desk.do(listing("S1"))

    assert names(events) == ["Listed", "RedListRevoked", "RedListRevoked"]
    assert {getattr(e, "record_id", "") for e in events[1:]} == {"R1", "R2"}
    assert desk.subject.active_records(RecordKind.RED_LIST) == []


def test_a_listing_whose_term_is_over_leaves_current_red_listings_alone() -> None:
    desk = Desk(today=date(2022, 10, 20))
    desk.do(red_listing("R1"))

    # Recorded late, as a backfill does: its term ended before R1 began.
    events = desk.do(
        listing(
            "S0",
            decided_on=date(2019, 1, 10),
            notified_on=None,
            term_ends_on=date(2020, 1, 10),
        )
    )

    assert names(events) == ["Listed"]
    assert desk.record("R1").in_force(desk.today)


def test_a_listing_leaves_a_red_listing_past_its_validity_to_the_expiry_run() -> None:
    desk = Desk(today=date(2022, 10, 20))
    desk.do(red_listing("R1"))

    events = desk.on(date(2023, 4, 20)).do(listing("S1", decided_on=date(2023, 4, 20)))

    assert names(events) == ["Listed"]
    desk.subject.expire_due(desk.provenance(), desk.today)
    expired = desk.subject.pending_events[-1]
    assert isinstance(expired, RedListRevoked)
    assert (expired.reason, expired.decided_on) == ("expired", date(2023, 3, 31))


def test_a_listing_past_its_term_no_longer_bars_red_listing() -> None:
    desk = Desk(today=date(2022, 10, 20))
    desk.do(listing("S1", term_ends_on=date(2022, 10, 12)))

    events = desk.do(red_listing("R1", decided_on=date(2022, 10, 20)))

    assert names(events) == ["RedListed"]


def test_listing_without_red_listings_stores_only_the_listing() -> None:
    desk = Desk()
    desk.do(red_listing("R1"), red_list_revocation("R1"))

    events = desk.do(listing("S1"))

    assert names(events) == ["Listed"]


def test_a_listed_subject_cannot_be_red_listed() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(RuleViolation, match="S1"):
        desk.do(red_listing("R1"))


def test_a_delisted_subject_can_be_red_listed_again() -> None:
    desk = Desk()
    desk.do(listing("S1"), revocation("S1"))

    events = desk.do(red_listing("R1"))

    assert names(events) == ["RedListed"]


def test_delisting_as_revoked_on_its_own_is_refused() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(InvalidRecord, match="revoked by RecordRevoked"):
        desk.do(delisting("S1", reason="revoked"))

    assert desk.record("S1").is_active


def test_listing_term_must_end_after_the_decision() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="term_ends_on"):
        desk.do(listing("S1", term_ends_on=date(2022, 10, 1)))


def test_prior_notice_after_the_listing_decision_is_refused() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="notified_on"):
        desk.do(listing("S1", notified_on=date(2022, 10, 2)))


def test_a_listing_may_be_left_early_a_year_on_and_ends_with_its_term() -> None:
    desk = Desk()

    desk.do(listing("S1", decided_on=date(2022, 10, 1)))

    record = desk.record("S1")
    assert (record.minimum_until, record.maximum_until) == (
        date(2023, 10, 1),
        date(2025, 10, 1),
    )


def test_delisting_as_expired_before_the_term_ends_is_refused() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(RuleViolation, match="2025-10-01"):
        desk.do(delisting("S1", reason="expired"))


def test_delisting_as_expired_on_the_last_day_of_the_term() -> None:
    desk = Desk()
    desk.do(
        listing(
            "S1",
            decided_on=date(2021, 6, 1),
            notified_on=None,
            term_ends_on=date(2022, 10, 20),
        )
    )

    events = desk.do(delisting("S1", reason="expired", decided_on=date(2022, 10, 20)))

    assert names(events) == ["Delisted"]
    assert desk.record("S1").status is RecordStatus.DELISTED


def test_delisting_dated_in_the_future_is_refused() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(delisting("S1", reason="expired", decided_on=date(2025, 10, 1)))


def test_delisting_as_repaired_needs_a_granted_repair() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(RuleViolation, match="no granted repair"):
        desk.do(delisting("S1", reason="repaired"))


def test_delisting_something_that_is_not_a_listing_is_refused() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(RuleViolation, match="not a listing"):
        desk.do(delisting("L1"))


def test_revoking_a_listing_delists_the_subject() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    events = desk.do(revocation("S1"))

    assert names(events) == ["RecordRevoked", "Delisted"]
    assert getattr(events[1], "reason", None) == "revoked"
    assert desk.record("S1").status is RecordStatus.DELISTED


def test_a_revoked_record_cannot_be_revoked_again() -> None:
    desk = Desk()
    desk.do(licence("L1"), revocation("L1"))

    with pytest.raises(RuleViolation, match="already revoked"):
        desk.do(revocation("L1"))


def test_revocation_before_the_decision_it_revokes_is_refused() -> None:
    desk = Desk()
    desk.do(licence("L1", decided_on=date(2022, 10, 19)))

    with pytest.raises(InvalidRecord, match="before record L1"):
        desk.do(revocation("L1", decided_on=date(2022, 10, 18)))


def test_revocation_dated_in_the_future_is_refused() -> None:
    desk = Desk()
    desk.do(listing("S1"))

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(revocation("S1", decided_on=date(2022, 10, 21)))

    assert desk.record("S1").is_active


def test_red_list_revocation_dated_in_the_future_is_refused() -> None:
    desk = Desk()
    desk.do(red_listing("R1"))

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(red_list_revocation("R1", decided_on=date(2022, 10, 21)))


def test_red_listing_needs_a_validity_after_the_decision() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="valid_to"):
        desk.do(red_listing("R1", valid_to=date(2022, 4, 1)))


def test_publicity_expires_on_the_day_the_maximum_period_ends() -> None:
    desk = Desk()
    desk.do(penalty("P1", decided_on=date(2021, 9, 1)))  # until 2022-09-01

    events = desk.do(expiry("P1", expired_on=date(2022, 9, 1)))

    assert names(events) == ["PublicityExpired"]
    assert desk.record("P1").status is RecordStatus.EXPIRED


def test_publicity_cannot_expire_before_the_maximum_period_ends() -> None:
    desk = Desk()
    desk.do(penalty("P1", decided_on=date(2021, 9, 1)))

    with pytest.raises(RuleViolation, match="2022-09-01"):
        desk.do(expiry("P1", expired_on=date(2022, 8, 31)))


def test_publicity_cannot_expire_on_a_future_date_past_the_maximum() -> None:
    desk = Desk()
    desk.do(penalty("P1"))  # published until 2023-06-15

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(expiry("P1", expired_on=date(2023, 6, 15)))

    assert desk.record("P1").is_active


def test_an_unpublished_record_has_no_publicity_to_expire() -> None:
    desk = Desk()
    desk.do(penalty("P1", decided_on=date(2021, 9, 1), penalty_types=["warning"]))

    with pytest.raises(RuleViolation, match="not being published"):
        desk.do(expiry("P1", expired_on=date(2022, 9, 1)))


def test_a_record_without_a_maximum_period_never_expires() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(RuleViolation, match="cannot expire"):
        desk.do(expiry("L1", expired_on=date(2022, 10, 20)))


def test_expiry_of_an_unknown_record_is_refused() -> None:
    desk = Desk()

    with pytest.raises(UnknownRecord):
        desk.do(expiry("P9"))


def test_the_red_list_expires_at_the_end_of_its_validity() -> None:
    desk = Desk()
    desk.do(red_listing("R1", decided_on=date(2021, 4, 1), valid_to=date(2022, 3, 31)))

    events = desk.do(
        red_list_revocation("R1", reason="expired", decided_on=date(2022, 3, 31))
    )

    assert names(events) == ["RedListRevoked"]


def test_a_listing_s_term_does_not_end_by_publicity_expiry() -> None:
    desk = Desk()
    term_ends_on = date(2022, 10, 20)
    desk.do(
        listing(
            "S1",
            decided_on=date(2021, 6, 1),
            notified_on=None,
            term_ends_on=term_ends_on,
        )
    )

    with pytest.raises(RuleViolation, match="Delisted with reason expired"):
        desk.do(expiry("S1", expired_on=term_ends_on))

    assert desk.record("S1").is_active
    events = desk.do(delisting("S1", reason="expired", decided_on=term_ends_on))
    assert names(events) == ["Delisted"]


def test_a_red_list_entry_s_validity_does_not_end_by_publicity_expiry() -> None:
    desk = Desk()
    desk.do(red_listing("R1", decided_on=date(2021, 4, 1), valid_to=date(2022, 3, 31)))

    with pytest.raises(RuleViolation, match="RedListRevoked with reason expired"):
        desk.do(expiry("R1", expired_on=date(2022, 3, 31)))

    assert desk.record("R1").is_active
