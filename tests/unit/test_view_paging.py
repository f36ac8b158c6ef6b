"""Keyset paging of the public lists: cursors, filters, newest first."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from application.commands import Actor, RecordCommand
from projections.errors import InvalidCursor
from projections.paging import (
    NameKey,
    PageKey,
    PageQuery,
    decode_cursor,
    encode_cursor,
)
from projections.search_cursor import (
    SEARCH_SCOPE,
    decode_search_cursor,
    encode_search_cursor,
    query_digest,
)
from tests.factories import Body, commitment, fields_of, licence, resident_id, uscc
from tests.view_scene import OFFICER, Scene, every_page


def test_a_cursor_decodes_to_the_key_it_was_made_from() -> None:
    key = PageKey(date(2022, 10, 1), 42)

    assert decode_cursor("red", encode_cursor("red", key)) == key


@pytest.mark.parametrize("cursor", ["", "not-base64!", "bnVsbA", "WzEsMl0"])
def test_a_cursor_this_service_did_not_issue_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor("red", cursor)


def test_a_cursor_of_another_list_is_refused() -> None:
    cursor = encode_cursor("licences", PageKey(date(2022, 10, 1), 1))

    with pytest.raises(InvalidCursor, match="licences"):
        decode_cursor("penalties", cursor)


def test_a_search_cursor_decodes_to_the_name_and_code_it_was_made_from() -> None:
    key = NameKey("稷山县“华威”商贸\\有限公司", uscc(1))

    assert decode_search_cursor("华威", encode_search_cursor("华威", key)) == key


def test_a_search_cursor_is_refused_with_another_query() -> None:
    cursor = encode_search_cursor("Firm", NameKey("Firm 2", uscc(1)))

    for other in ("Firm 2", "firm", "irm", "Firma"):
        with pytest.raises(InvalidCursor, match="made for another q"):
            decode_search_cursor(other, cursor)


def test_a_search_cursor_pages_its_query_however_it_is_spaced_around() -> None:
    key = NameKey("Firm 2", uscc(1))

    assert decode_search_cursor(" Firm\t", encode_search_cursor("Firm", key)) == key


def test_a_search_cursor_keeps_no_identity_number_of_its_query() -> None:
    person = resident_id(5)
    born_another_day = person[:6] + "19851231" + person[14:]
    key = NameKey("Firm 2", uscc(1))

    cursors = [
        encode_search_cursor(f"{n} Firm", key) for n in (person, born_another_day)
    ]

    # Equal: nothing of the hidden digits is in a cursor, not even hashed.
    assert cursors[0] == cursors[1]
    assert person not in _opened(cursors[0])
    assert decode_search_cursor(f"{person} Firm", cursors[0]) == key


@pytest.mark.parametrize(
    "opened",
    [
        [SEARCH_SCOPE, query_digest("Firm"), "Firm 2"],
        [SEARCH_SCOPE, query_digest("Firm"), "Firm 2", 7],
        [SEARCH_SCOPE, query_digest("Firm"), None, uscc(1)],
        [SEARCH_SCOPE, query_digest("Firm"), "Firm 2", uscc(1), "more"],
        [SEARCH_SCOPE, None, "Firm 2", uscc(1)],
        [SEARCH_SCOPE, "Firm 2", uscc(1)],
        "subject-search",
        [],
    ],
)
def test_a_search_cursor_with_another_key_is_refused(opened: object) -> None:
    text = json.dumps(opened).encode()
    cursor = base64.urlsafe_b64encode(text).decode()

    with pytest.raises(InvalidCursor, match="not one this service issued"):
        decode_search_cursor("Firm", cursor)


def test_cursors_of_the_lists_and_of_the_search_are_refused_by_each_other() -> None:
    listed = encode_cursor("licences", PageKey(date(2022, 10, 1), 1))
    searched = encode_search_cursor("Firm", NameKey("Firm 2", uscc(1)))

    with pytest.raises(InvalidCursor, match="belongs to 'licences'"):
        decode_search_cursor("Firm", listed)
    with pytest.raises(InvalidCursor, match="belongs to 'subject-search'"):
        decode_cursor("licences", searched)


def test_pages_follow_each_other_newest_first_without_repeats(scene: Scene) -> None:
    code = scene.register()
    for day in range(1, 8):
        decided = date(2022, 10, day)
        scene.record(code, licence(f"L{day}", decided_on=decided, valid_from=decided))
    scene.project()

    rows = every_page(
        lambda after: scene.public.licences(PageQuery(limit=3, after=after))
    )
    seen = [row.record_id for row in rows]

    assert seen == [f"L{day}" for day in range(7, 0, -1)]


def test_rows_of_one_day_are_ordered_by_position(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"), licence("L2"), licence("L3"))
    scene.project()

    first = scene.public.licences(PageQuery(limit=2))
    second = scene.public.licences(PageQuery(limit=2, after=first.next_key))

    assert [r.record_id for r in first.rows + second.rows] == ["L3", "L2", "L1"]


def test_filters_select_by_department_date_and_subject(scene: Scene) -> None:
    first, second = scene.register(uscc(1)), scene.register(uscc(2))
    scene.record(first, licence("L1", decided_on=date(2022, 9, 1)))
    scene.record(second, licence("L2"))
    scene.project()

    def ids(**filters: object) -> list[str]:
        page = scene.public.licences(PageQuery(**filters))  # type: ignore[arg-type]
        return [row.record_id for row in page.rows]

    assert ids(since=date(2022, 10, 1)) == ["L2"]
    assert ids(subject_code=first) == ["L1"]
    assert ids(department="market-regulation") == ["L2", "L1"]
    assert ids(department="tax") == []


def test_every_page_reports_the_position_it_reflects(scene: Scene) -> None:
    code = scene.register()
    position = scene.record(code, licence("L1"))
    scene.project()

    assert scene.public.licences(PageQuery()).position == position
    assert scene.public.serious_list(PageQuery()).position == position


TAX = Actor(department="tax", actor="zhao")
LISTS: dict[str, tuple[Callable[..., Body], str]] = {
    "licences": (licence, "decided_on"),
    "commitments": (commitment, "made_on"),
}


def record_as(scene: Scene, actor: Actor, code: str, body: Body) -> None:
    scene.ledger.record(RecordCommand(code, str(body["type"]), fields_of(body), actor))


@pytest.mark.parametrize("column", LISTS)
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"department": "tax"},
        {"since": date(2022, 10, 3)},
        {"subject_code": uscc(2)},
        {"department": "market-regulation", "since": date(2022, 10, 2)},
    ],
)
def test_filtered_pages_join_up_to_the_whole_filtered_list(
    scene: Scene, column: str, filters: dict[str, Any]
) -> None:
    make, dated_on = LISTS[column]
    codes = [scene.register(uscc(n)) for n in (1, 2)]
    for n in range(12):
        # Three rows a day: pages end between rows of one day too.
        day = date(2022, 10, 1 + n % 4)
        body = make(f"R{n}", **{dated_on: day})
        record_as(scene, TAX if n % 3 == 0 else OFFICER, codes[n % 2], body)
    scene.project()
    read = getattr(scene.public, column)

    whole = read(PageQuery(limit=None, **filters)).rows
    paged = every_page(lambda after: read(PageQuery(limit=2, after=after, **filters)))

    assert whole
    assert paged == whole
    keys = [(getattr(row, dated_on), row.position) for row in whole]
    assert keys == sorted(keys, reverse=True)


def _opened(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
