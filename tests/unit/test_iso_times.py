"""iso_text writes a time as datetime.isoformat() does, whatever its offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from domain.iso_times import iso_text

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
