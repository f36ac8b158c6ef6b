"""Credit repair: when it may be asked for, who decides, and the refusal rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from domain.errors import (
    DuplicateRecord,
    InvalidRecord,
    RepairNotAllowed,
    RuleViolation,
    UnknownRecord,
    UnknownRepair,
)
from domain.events import RepairRequested
from domain.records import RecordStatus, RepairStatus
from tests.factories import (
    Body,
    expiry,
    licence,
    listing,
    penalty,
    repair_grant,
    repair_rejection,
    repair_request,
    revocation,
)
from tests.unit.subject_desk import RULES, Desk, names

# Decided 2022-06-15 under the 2019 rules: published 2022-09-15 .. 2023-06-15.
GENERAL = {"decided_on": date(2022, 6, 15), "severity": "general"}
# Decided 2022-03-01, serious: published at least until 2022-09-01.
SERIOUS = {"decided_on": date(2022, 3, 1), "severity": "serious"}


def repaired(desk: Desk, record_id: str, on: date) -> None:
    repair_id = f"F-{record_id}"
    desk.on(on).do(
        repair_request(repair_id, record_id, requested_on=on),
        repair_grant(repair_id, decided_on=on),
    )


def test_repair_before_the_minimum_publicity_period_is_refused() -> None:
    desk = Desk(today=date(2022, 9, 14))
    desk.do(penalty("P1", **GENERAL))

    with pytest.raises(RepairNotAllowed, match="2022-09-15"):
        desk.do(repair_request("F1", "P1", requested_on=date(2022, 9, 14)))


def test_repair_from_the_day_the_minimum_period_ends_is_accepted() -> None:
    desk = Desk(today=date(2022, 9, 15))
    desk.do(penalty("P1", **GENERAL))

    [event] = desk.do(repair_request("F1", "P1", requested_on=date(2022, 9, 15)))

    assert isinstance(event, RepairRequested)
    assert event.decision_due_on == date(2022, 9, 29)  # 10 working days


def test_repair_without_a_credit_commitment_is_refused() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL))

    with pytest.raises(InvalidRecord, match="commitment"):
        desk.do(repair_request("F1", "P1", commitment="   "))


@pytest.mark.parametrize("materials", [[], ["  "]])
def test_repair_of_a_listing_without_materials_is_refused(
    materials: list[str],
) -> None:
    desk = Desk()
    desk.do(listing("S1", decided_on=date(2021, 4, 1), notified_on=None))

    with pytest.raises(InvalidRecord, match="S1 needs materials"):
        desk.do(repair_request("F1", "S1", materials=materials))

    assert desk.subject.repairs == {}


def test_repair_of_a_penalty_needs_no_materials() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL))

    events = desk.do(repair_request("F1", "P1", materials=[]))

    assert names(events) == ["RepairRequested"]


def test_only_penalties_and_listings_can_be_repaired() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(RepairNotAllowed, match="licence"):
        desk.do(repair_request("F1", "L1"))


def test_an_unpublished_penalty_has_nothing_to_repair() -> None:
    desk = Desk()
    desk.do(penalty("P1", penalty_types=["warning"], **GENERAL))

    with pytest.raises(RepairNotAllowed, match="not published"):
        desk.do(repair_request("F1", "P1"))


def test_repair_of_an_unknown_record_is_refused() -> None:
    desk = Desk()

    with pytest.raises(UnknownRecord):
        desk.do(repair_request("F1", "P9"))


def test_a_second_request_while_one_is_pending_is_refused() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))

    with pytest.raises(RepairNotAllowed, match="awaiting decision"):
        desk.do(repair_request("F2", "P1"))


def test_a_repair_id_is_used_once() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), penalty("P2", **GENERAL))
    desk.do(repair_request("F1", "P1"))

    with pytest.raises(DuplicateRecord, match="F1"):
        desk.do(repair_request("F1", "P2"))


def test_a_rejected_repair_may_be_asked_for_again() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))
    desk.do(repair_rejection("F1"))

    events = desk.do(repair_request("F2", "P1"))

    assert names(events) == ["RepairRequested"]
    assert desk.subject.repairs["F1"].status is RepairStatus.REJECTED


def test_granted_repair_of_a_penalty_ends_its_publication() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))

    events = desk.do(repair_grant("F1"))

    assert names(events) == ["Repaired"]
    assert desk.record("P1").status is RecordStatus.REPAIRED


def test_granted_repair_of_a_listing_delists_the_subject() -> None:
    desk = Desk()
    desk.do(
        listing("S1", decided_on=date(2021, 1, 4), notified_on=date(2020, 12, 1)),
        repair_request("F1", "S1"),
    )

    events = desk.do(repair_grant("F1"))

    assert names(events) == ["Repaired", "Delisted"]
    assert getattr(events[1], "reason", None) == "repaired"
    assert desk.record("S1").status is RecordStatus.DELISTED


def test_a_repair_of_a_penalty_whose_publicity_ended_meanwhile_is_not_granted() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))
    ended = date(2023, 6, 15)
    desk.on(ended).do(expiry("P1", expired_on=ended))

    with pytest.raises(RepairNotAllowed, match="expired: reject repair F1 instead"):
        desk.do(repair_grant("F1", decided_on=ended))

    assert names(desk.do(repair_rejection("F1", decided_on=ended))) == [
        "RepairRejected"
    ]
    assert desk.subject.repairs["F1"].status is RepairStatus.REJECTED


def test_a_repair_of_a_listing_revoked_meanwhile_does_not_delist_it_again() -> None:
    desk = Desk()
    desk.do(
        listing("S1", decided_on=date(2021, 1, 4), notified_on=date(2020, 12, 1)),
        repair_request("F1", "S1"),
        revocation("S1"),
    )

    with pytest.raises(RepairNotAllowed, match="S1 is already delisted"):
        desk.do(repair_grant("F1"))

    assert desk.record("S1").status is RecordStatus.DELISTED


def test_early_removal_from_the_list_may_be_asked_for_a_year_after_listing() -> None:
    # Under the 2023 rules a serious penalty's minimum period is 3 months; the
    # serious list's own rule (market regulation) is a year.
    desk = Desk(today=date(2024, 6, 3))
    desk.do(listing("S1", decided_on=date(2023, 6, 1), notified_on=None))

    with pytest.raises(RepairNotAllowed, match="runs until 2024-06-01"):
        desk.do(repair_request("F1", "S1", requested_on=date(2024, 5, 31)))
    events = desk.do(repair_request("F1", "S1", requested_on=date(2024, 6, 1)))

    assert names(events) == ["RepairRequested"]


def test_a_listing_keeps_a_serious_penalty_s_longer_minimum_period() -> None:
    # From 2026-04-01 a serious penalty is published for at least a year too;
    # with early removal configured at 6 months, the year still holds.
    rules = replace(RULES, repair=replace(RULES.repair, listing_after_months=6))
    desk = Desk(today=date(2027, 6, 1), rules=rules)
    desk.do(
        listing(
            "S1",
            decided_on=date(2026, 5, 4),
            term_ends_on=date(2029, 5, 4),
            notified_on=None,
        )
    )

    with pytest.raises(RepairNotAllowed, match="runs until 2027-05-04"):
        desk.do(repair_request("F1", "S1", requested_on=date(2026, 11, 4)))


def test_a_repair_is_decided_once() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"), repair_grant("F1"))

    with pytest.raises(RuleViolation, match="already granted"):
        desk.do(repair_rejection("F1"))


def test_deciding_an_unknown_repair_is_refused() -> None:
    desk = Desk()

    with pytest.raises(UnknownRepair):
        desk.do(repair_grant("F9"))


def test_a_decision_before_the_request_is_refused() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))

    with pytest.raises(InvalidRecord, match="before the request"):
        desk.do(repair_grant("F1", decided_on=date(2022, 10, 17)))


@pytest.mark.parametrize("decision", [repair_grant, repair_rejection])
def test_a_decision_dated_in_the_future_is_refused(
    decision: Callable[..., Body],
) -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), repair_request("F1", "P1"))

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(decision("F1", decided_on=date(2022, 10, 21)))

    assert desk.subject.repairs["F1"].status is RepairStatus.PENDING


def test_a_serious_record_repaired_less_than_a_year_ago_blocks_repair() -> None:
    desk = Desk()
    desk.do(
        penalty("P1", **SERIOUS),
        penalty("P2", **SERIOUS | {"decided_on": date(2022, 6, 15)}),
    )
    repaired(desk, "P1", date(2022, 10, 20))

    with pytest.raises(RepairNotAllowed, match="less than 365 days"):
        desk.on(date(2023, 10, 19)).do(
            repair_request("F2", "P2", requested_on=date(2023, 10, 19))
        )


def test_a_year_after_a_serious_repair_repair_is_possible_again() -> None:
    desk = Desk()
    desk.do(
        penalty("P1", **SERIOUS),
        penalty("P2", **SERIOUS | {"decided_on": date(2022, 6, 15)}),
    )
    repaired(desk, "P1", date(2022, 10, 20))

    events = desk.on(date(2023, 10, 20)).do(
        repair_request("F2", "P2", requested_on=date(2023, 10, 20))
    )

    assert names(events) == ["RepairRequested"]


def test_a_general_repair_does_not_start_the_serious_cooldown() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL), penalty("P2", **GENERAL))
    repaired(desk, "P1", date(2022, 10, 20))

    events = desk.do(repair_request("F2", "P2"))

    assert names(events) == ["RepairRequested"]


def test_a_third_repair_within_five_years_is_refused() -> None:
    desk = Desk()
    desk.do(*(penalty(f"P{n}", **GENERAL) for n in (1, 2, 3)))
    repaired(desk, "P1", date(2022, 10, 18))
    repaired(desk, "P2", date(2022, 10, 19))

    with pytest.raises(RepairNotAllowed, match="2 repairs within 5 years"):
        desk.on(date(2022, 10, 20)).do(repair_request("F3", "P3"))


def test_a_third_repair_requested_before_the_others_were_granted_is_not_granted() -> (
    None
):
    desk = Desk()
    desk.do(*(penalty(f"P{n}", **GENERAL) for n in (1, 2, 3)))
    desk.do(*(repair_request(f"F{n}", f"P{n}") for n in (1, 2, 3)))
    desk.do(repair_grant("F1"), repair_grant("F2"))

    with pytest.raises(RepairNotAllowed, match=r"F3 cannot be granted: .*2 repairs"):
        desk.do(repair_grant("F3"))

    assert desk.subject.repairs["F3"].status is RepairStatus.PENDING
    assert names(desk.do(repair_rejection("F3"))) == ["RepairRejected"]


def test_a_repair_requested_before_a_serious_repair_was_granted_is_not_granted() -> (
    None
):
    desk = Desk()
    desk.do(
        penalty("P1", **SERIOUS),
        penalty("P2", **SERIOUS | {"decided_on": date(2022, 3, 2)}),
        repair_request("F1", "P1"),
        repair_request("F2", "P2"),
        repair_grant("F1"),
    )

    with pytest.raises(RepairNotAllowed, match=r"F2 cannot be granted: .*365 days"):
        desk.do(repair_grant("F2"))


def test_the_repair_limit_can_be_switched_off_by_configuration() -> None:
    desk = Desk().with_repair_policy(max_repairs_in_window=None)
    desk.do(*(penalty(f"P{n}", **GENERAL) for n in (1, 2, 3)))
    repaired(desk, "P1", date(2022, 10, 18))
    repaired(desk, "P2", date(2022, 10, 19))

    events = desk.on(date(2022, 10, 20)).do(repair_request("F3", "P3"))

    assert names(events) == ["RepairRequested"]


def test_a_repaired_penalty_cannot_be_repaired_again() -> None:
    desk = Desk()
    desk.do(penalty("P1", **GENERAL))
    repaired(desk, "P1", date(2022, 10, 20))

    with pytest.raises(RepairNotAllowed, match="already repaired"):
        desk.do(repair_request("F2", "P1"))


def test_a_penalty_past_its_publicity_is_not_repaired_before_the_expiry_run() -> None:
    # Published until 2023-06-15; the expiry run has not recorded it yet.
    desk = Desk(today=date(2023, 6, 20))
    desk.do(penalty("P1", **GENERAL))

    with pytest.raises(RepairNotAllowed, match="P1 ended on 2023-06-15"):
        desk.do(repair_request("F1", "P1", requested_on=date(2023, 6, 20)))


def test_a_repair_whose_record_ran_out_while_it_waited_cannot_be_granted() -> None:
    desk = Desk(today=date(2023, 6, 14))
    desk.do(
        penalty("P1", **GENERAL),
        repair_request("F1", "P1", requested_on=date(2023, 6, 14)),
    )

    with pytest.raises(RepairNotAllowed, match="reject repair F1 instead"):
        desk.on(date(2023, 6, 16)).do(repair_grant("F1", decided_on=date(2023, 6, 16)))
    assert desk.subject.granted_repairs == []
