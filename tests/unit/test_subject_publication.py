"""Publishing licences, penalties and commitments: deadlines, lateness, publicity."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import (
    CommitmentNotOpen,
    DuplicateRecord,
    InvalidRecord,
    UnknownRecord,
)
from domain.events import CommitmentBreached, LicencePublished, PenaltyPublished
from domain.records import RecordStatus
from tests.factories import breach, commitment, fulfilment, licence, penalty
from tests.unit.subject_desk import Desk, names


def test_publication_deadline_is_seven_working_days_across_national_day() -> None:
    desk = Desk()

    [event] = desk.do(licence("L1", decided_on=date(2022, 9, 30)))

    assert isinstance(event, LicencePublished)
    assert event.publication_deadline == date(2022, 10, 14)
    assert event.late is True
    assert event.deadline_on_fallback_calendar is False


def test_record_on_its_deadline_day_is_not_late() -> None:
    desk = Desk(today=date(2022, 10, 14))

    [event] = desk.do(licence("L1", decided_on=date(2022, 9, 30)))

    assert isinstance(event, LicencePublished)
    assert event.late is False


def test_deadline_across_spring_festival_counts_the_adjusted_weekend() -> None:
    desk = Desk(today=date(2022, 2, 8))

    [event] = desk.do(
        licence("L1", decided_on=date(2022, 1, 28), valid_from=date(2022, 1, 28))
    )

    # 01-29, 01-30 (worked weekend), then 02-07..02-11: the 7th is 02-11.
    assert isinstance(event, LicencePublished)
    assert event.publication_deadline == date(2022, 2, 11)
    assert event.late is False


def test_deadline_in_a_year_without_a_calendar_is_flagged_as_a_fallback() -> None:
    desk = Desk(today=date(2031, 1, 6))

    [event] = desk.do(
        licence(
            "L1",
            decided_on=date(2031, 1, 3),
            valid_from=date(2031, 1, 3),
            valid_to=None,
        )
    )

    assert isinstance(event, LicencePublished)
    assert event.deadline_on_fallback_calendar is True
    assert event.publication_deadline == date(2031, 1, 14)  # Monday to Friday


def test_decision_in_the_future_is_refused() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="in the future"):
        desk.do(licence("L1", decided_on=date(2022, 10, 21)))


def test_valid_to_before_valid_from_is_refused() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="valid_to"):
        desk.do(licence("L1", valid_from=date(2022, 10, 1), valid_to=date(2022, 9, 30)))


def test_a_record_id_is_used_once_per_subject_across_kinds() -> None:
    desk = Desk()
    desk.do(licence("X1"))

    with pytest.raises(DuplicateRecord, match="X1"):
        desk.do(commitment("X1"))


def test_general_penalty_carries_the_regime_and_its_publicity_period() -> None:
    desk = Desk()

    [event] = desk.do(penalty("P1", decided_on=date(2022, 6, 15)))

    assert isinstance(event, PenaltyPublished)
    assert event.publicity_regime == "fgw-2019-527"
    assert (event.minimum_publicity_until, event.maximum_publicity_until) == (
        date(2022, 9, 15),
        date(2023, 6, 15),
    )
    assert event.published is True


@pytest.mark.parametrize(
    "penalty_types",
    [["warning"], ["circulated_criticism"], ["warning", "circulated_criticism"]],
)
def test_warnings_only_penalty_is_stored_but_not_published(
    penalty_types: list[str],
) -> None:
    desk = Desk()

    [event] = desk.do(penalty("P1", penalty_types=penalty_types, severity="general"))

    assert isinstance(event, PenaltyPublished)
    assert event.published is False
    assert event.maximum_publicity_until is None
    assert desk.record("P1").published is False


def test_warning_together_with_a_fine_is_published() -> None:
    desk = Desk()

    [event] = desk.do(penalty("P1", penalty_types=["warning", "fine"]))

    assert isinstance(event, PenaltyPublished)
    assert event.published is True


def test_penalty_the_law_forbids_publishing_is_stored_unpublished() -> None:
    desk = Desk()

    [event] = desk.do(penalty("P1", publish=False))

    assert isinstance(event, PenaltyPublished)
    assert (event.publish, event.published) == (False, False)


def test_breach_of_an_open_commitment_is_recorded_with_its_deadline() -> None:
    desk = Desk()
    desk.do(commitment("C1"))

    [event] = desk.do(breach("C1", breached_on=date(2022, 10, 18)))

    assert isinstance(event, CommitmentBreached)
    assert event.publication_deadline == date(2022, 10, 27)
    assert desk.record("C1").status is RecordStatus.BREACHED


def test_breach_of_a_fulfilled_commitment_is_refused() -> None:
    desk = Desk()
    desk.do(commitment("C1"), fulfilment("C1"))

    with pytest.raises(CommitmentNotOpen, match="already fulfilled"):
        desk.do(breach("C1"))


def test_breach_of_a_breached_commitment_is_refused() -> None:
    desk = Desk()
    desk.do(commitment("C1"), breach("C1"))

    with pytest.raises(CommitmentNotOpen, match="already breached"):
        desk.do(breach("C1"))


def test_fulfilment_of_a_breached_commitment_is_refused() -> None:
    desk = Desk()
    desk.do(commitment("C1"), breach("C1"))

    with pytest.raises(CommitmentNotOpen):
        desk.do(fulfilment("C1"))


def test_breach_of_an_unknown_commitment_is_refused() -> None:
    desk = Desk()

    with pytest.raises(UnknownRecord, match="C9"):
        desk.do(breach("C9"))


def test_breach_of_a_record_that_is_not_a_commitment_is_refused() -> None:
    desk = Desk()
    desk.do(licence("L1"))

    with pytest.raises(CommitmentNotOpen, match="not a commitment"):
        desk.do(breach("L1"))


def test_breach_before_the_commitment_was_made_is_refused() -> None:
    desk = Desk()
    desk.do(commitment("C1", made_on=date(2022, 10, 10)))

    with pytest.raises(InvalidRecord, match="before"):
        desk.do(breach("C1", breached_on=date(2022, 10, 9)))


def test_commitment_due_before_it_is_made_is_refused() -> None:
    desk = Desk()

    with pytest.raises(InvalidRecord, match="due_on"):
        desk.do(commitment("C1", due_on=date(2022, 10, 1)))


def test_commitment_fulfilment_and_breach_each_carry_a_publication_deadline() -> None:
    desk = Desk()

    events = desk.do(commitment("C1"), fulfilment("C1"))

    assert names(events) == ["CommitmentMade", "CommitmentFulfilled"]
    assert [getattr(e, "publication_deadline", None) for e in events] == [
        date(2022, 10, 19),
        date(2022, 10, 27),
    ]
