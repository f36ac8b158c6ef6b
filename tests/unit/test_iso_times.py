"""iso_text and date_text write a time or date as isoformat() does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import iso_times
from domain.iso_times import date_text, iso_text

OFFSETS = st.sampled_from(
    [
        UTC,
        None,
        timezone(timedelta(0)),
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-5, minutes=-30)),
        timezone(timedelta(hours=5, seconds=30)),
    ]
)


@given(st.datetimes(), OFFSETS, st.sampled_from([0, 120_000, 1, None]))
def test_the_text_is_that_of_isoformat(
    moment: datetime, offset: timezone | None, microsecond: int | None
) -> None:
    if microsecond is not None:
        moment = moment.replace(microsecond=microsecond)
    moment = moment.replace(tzinfo=offset)

    assert iso_text(moment) == moment.isoformat()


def test_a_subclass_of_datetime_is_written_by_its_own_isoformat() -> None:
    class Stamped(datetime):
        def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
            return "stamped"

    assert iso_text(Stamped(2024, 6, 10, tzinfo=UTC)) == "stamped"


@given(st.dates())
def test_a_dates_text_is_that_of_isoformat_first_and_again(day: date) -> None:
    assert date_text(day) == date_text(day) == day.isoformat()


def test_a_datetime_given_as_a_date_is_written_as_a_datetime() -> None:
    day, moment = date(2024, 6, 10), datetime(2024, 6, 10, 8, tzinfo=UTC)

    assert date_text(day) == "2024-06-10"
    assert date_text(moment) == moment.isoformat()


def test_the_dates_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iso_times, "MAX_DATE_TEXTS", 3)
    monkeypatch.setattr(iso_times, "_date_texts", {})
    days = [date(2024, 1, n) for n in range(1, 8)]

    texts = [date_text(day) for day in days]

    assert texts == [day.isoformat() for day in days]
    assert len(iso_times._date_texts) <= 3


@given(st.lists(st.datetimes(timezones=st.just(UTC)), min_size=2, max_size=6))
def test_a_time_written_again_or_after_another_has_its_own_text(
    moments: list[datetime],
) -> None:
    for moment in [*moments, *reversed(moments), moments[0], moments[0]]:
        assert iso_text(moment) == moment.isoformat()
