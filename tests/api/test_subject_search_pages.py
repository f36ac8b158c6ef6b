"""The subject search a page at a time over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from tests.api.support import Api, assert_problem
from tests.factories import licence, resident_id, uscc

MAX_PAGES = 20
FIRMS = ["Firm 1", "Firm 2", "Firm 3", "Firm 3", "Firm 4", "Firm 5", "Firm 6"]
ANOTHER_Q = "Invalid cursor: cursor was made for another q; start again without it"


def search(api: Api, **params: str) -> httpx.Response:
    at = {"min_position": str(api.head())}
    response: httpx.Response = api.client.get("/v1/subjects", params=at | params)
    return response


def every_page(api: Api, q: str, limit: int) -> list[httpx.Response]:
    first = search(api, q=q, limit=str(limit))
    return [first, *pages_after(api, first, q, limit)]


def pages_after(
    api: Api, page: httpx.Response, q: str, limit: int
) -> list[httpx.Response]:
    """Each page in turn, each asked for with the last one's ``next_cursor``."""
    pages: list[httpx.Response] = []
    while (cursor := page.json()["next_cursor"]) is not None:
        assert len(pages) <= MAX_PAGES, "the pages never end"
        page = search(api, q=q, limit=str(limit), cursor=cursor)
        pages.append(page)
    return pages


def shown(pages: list[httpx.Response]) -> list[tuple[str, str]]:
    return [
        (row["name"], row["subject"]) for page in pages for row in page.json()["data"]
    ]


def register_firms(api: Api, names: list[str], first: int = 0) -> list[tuple[str, str]]:
    return [(name, api.register(uscc(first + n), name)) for n, name in enumerate(names)]


def test_pages_hold_every_match_once_in_name_then_code_order(api: Api) -> None:
    firms = register_firms(api, FIRMS)

    pages = every_page(api, "Firm", limit=2)

    assert all(page.status_code == 200 for page in pages), pages[-1].text
    assert shown(pages) == sorted(firms)
    assert [page.json()["count"] for page in pages] == [2, 2, 2, 1]


def test_each_page_but_the_last_links_to_the_next(api: Api) -> None:
    register_firms(api, FIRMS[:3])

    first, last = every_page(api, "Firm", limit=2)

    cursor = first.json()["next_cursor"]
    link = httpx.URL(first.headers["link"].removeprefix("<").split(">;")[0])
    assert first.headers["link"].endswith('>; rel="next"')
    assert (link.path, link.params["q"], link.params["limit"]) == (
        "/v1/subjects",
        "Firm",
        "2",
    )
    assert link.params["cursor"] == cursor
    assert last.json()["next_cursor"] is None
    assert "link" not in last.headers


def test_a_full_last_page_says_no_page_follows(api: Api) -> None:
    register_firms(api, FIRMS[:2])

    [page] = every_page(api, "Firm", limit=2)

    assert (page.json()["count"], page.json()["next_cursor"]) == (2, None)


def test_subjects_registered_between_pages_neither_repeat_nor_push_others_off(
    api: Api,
) -> None:
    b, d, f, h = register_firms(api, ["Firm B", "Firm D", "Firm F", "Firm H"])
    first = search(api, q="Firm", limit="2")
    _, _, d_twin, e = register_firms(
        api, ["Firm A", "Firm C", "Firm D", "Firm E"], first=10
    )

    rest = pages_after(api, first, "Firm", 2)

    assert d_twin > d  # the same name with a later code: after the first page
    assert shown([first]) == [b, d]
    assert shown(rest) == [d_twin, e, f, h]


def test_a_tampered_cursor_is_refused(api: Api) -> None:
    register_firms(api, FIRMS[:3])
    cursor = search(api, q="Firm", limit="1").json()["next_cursor"]
    scope, query, name, _ = json.loads(_opened(cursor))
    tampered = [
        _cursor([scope, query, name]),
        _cursor([scope, query, name, 7]),
        _cursor([scope, name, "Firm 9"]),
        cursor[:-3],
        "x",
    ]

    for bad in tampered:
        problem = assert_problem(search(api, q="Firm", cursor=bad), 422)
        assert "not one this service issued" in problem["detail"], bad


def test_a_cursor_pages_only_the_query_it_was_made_for(api: Api) -> None:
    firms = register_firms(api, FIRMS)
    cursor = search(api, q="Firm", limit="2").json()["next_cursor"]

    others = [search(api, q=q, limit="2", cursor=cursor) for q in ("Firm 5", "irm")]
    same = search(api, q=" Firm ", limit="2", cursor=cursor)

    for other in others:
        assert assert_problem(other, 422)["detail"] == ANOTHER_Q
    assert shown([same]) == sorted(firms)[2:4]


def test_a_cursor_of_a_list_is_refused_by_the_search_and_back(api: Api) -> None:
    code = api.register()
    *_, last = api.record(code, licence("L1"), licence("L2"))
    params = {"limit": "1", "min_position": str(last["position"])}
    listed = api.client.get("/v1/publicity/licences", params=params).json()
    searched = search(api, q="Jishan", limit="1", cursor=listed["next_cursor"])
    register_firms(api, FIRMS[:2], first=20)
    found = search(api, q="Firm", limit="1").json()

    listing = api.client.get(
        "/v1/publicity/licences", params={"cursor": found["next_cursor"]}
    )

    problem = assert_problem(searched, 422)
    assert "belongs to 'licences', not 'subject-search'" in problem["detail"]
    problem = assert_problem(listing, 422)
    assert "belongs to 'subject-search', not 'licences'" in problem["detail"]


def test_natural_persons_are_found_only_by_full_number_and_shown_masked(
    api: Api,
) -> None:
    firm = api.register(uscc(1), "Firm 1")
    person = api.register(resident_id(5), name="Firm 2")

    by_name = shown(every_page(api, "Firm", limit=1))
    by_number = search(api, q=person.lower(), limit="1")

    assert by_name == [("Firm 1", firm)]
    [row] = by_number.json()["data"]
    assert row["subject"] == "110105********" + person[-4:]
    assert by_number.json()["next_cursor"] is None
    assert person not in by_number.text
    assert "link" not in by_number.headers


def _opened(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


def _cursor(opened: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(opened).encode()).decode()
