"""A list's cursor carries a natural person it is filtered by, masked; the
person is found again as the subject of the event at the cursor's position."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from domain.codes import parse_subject_code
from projections.errors import InvalidCursor
from projections.list_cursor import (
    ListCursorKey,
    decode_list_cursor,
    encode_list_cursor,
    person_paged,
)
from projections.paging import PageKey, encode_cursor
from tests.factories import masked_alike, resident_id, uscc

KEY = PageKey(date(2022, 6, 15), 7)
PERSON = resident_id(1)
MASKED = f"110105********{PERSON[-4:]}"


def opened(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


def test_a_persons_cursor_carries_the_masked_code_only() -> None:
    cursor = encode_list_cursor("penalties", KEY, parse_subject_code(PERSON))

    assert decode_list_cursor("penalties", cursor) == ListCursorKey(KEY, MASKED)
    assert PERSON[6:14] not in opened(cursor)


@pytest.mark.parametrize("subject", [None, uscc(1)])
def test_other_cursors_are_as_before(subject: str | None) -> None:
    code = None if subject is None else parse_subject_code(subject)

    cursor = encode_list_cursor("penalties", KEY, code)

    assert cursor == encode_cursor("penalties", KEY)
    assert decode_list_cursor("penalties", cursor) == ListCursorKey(KEY)


def test_a_persons_cursor_of_another_list_is_refused() -> None:
    cursor = encode_list_cursor("licences", KEY, parse_subject_code(PERSON))

    with pytest.raises(InvalidCursor, match="belongs to 'licences'"):
        decode_list_cursor("penalties", cursor)


def test_the_person_paged_is_the_subject_of_the_event_at_the_position() -> None:
    asked: list[int] = []

    def subject_at(position: int) -> str:
        asked.append(position)
        return PERSON

    found = person_paged(ListCursorKey(KEY, MASKED), subject_at)

    assert found == parse_subject_code(PERSON)
    assert asked == [KEY.position]


@pytest.mark.parametrize("there", [masked_alike(resident_id(2)), uscc(1), None])
def test_no_one_is_paged_when_the_event_is_not_the_persons(there: str | None) -> None:
    assert person_paged(ListCursorKey(KEY, MASKED), lambda _: there) is None
