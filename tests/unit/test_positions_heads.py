"""Reading an event's time from the head of its stored state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from infrastructure.positions import time_from_head, times_from_heads

AT = datetime(2024, 6, 10, 2, 0, 0, 123456, tzinfo=UTC)
HEAD = b'{"timestamp":{"_type_":"datetime_iso","_data_":"' + AT.isoformat().encode()


def test_the_time_is_read_from_a_head_of_the_usual_form() -> None:
    assert time_from_head(HEAD + b'"},"subject_code":"9135') == AT


def test_a_head_of_another_form_gives_no_time() -> None:
    assert time_from_head(b'{"subject_code":"x","timestamp":1}') is None
    assert time_from_head(HEAD) is None  # cut before the closing quote
    assert time_from_head(HEAD[:-5] + b'xx"}') is None


def test_one_unreadable_head_makes_the_whole_subject_fall_back() -> None:
    decoded = datetime(2024, 6, 11, tzinfo=UTC)

    def fallback() -> Iterator[tuple[int, datetime]]:
        yield 2, decoded
        yield 1, decoded

    good = HEAD + b'"}'
    assert list(times_from_heads([(2, good), (1, good)], fallback)) == [
        (2, AT),
        (1, AT),
    ]
    assert list(times_from_heads([(2, good), (1, b"{}")], fallback)) == [
        (2, decoded),
        (1, decoded),
    ]
