"""A public list filtered by a natural person pages on without repeating the
person's identity number: the next page's link and cursor carry the masked
code, and the service finds the person again from the store."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.support import Api, assert_problem
from tests.factories import (
    Body,
    commitment,
    licence,
    listing,
    masked_alike,
    penalty,
    red_listing,
    resident_id,
    uscc,
)

PERSON = resident_id(1)
TWIN = masked_alike(PERSON)
MASKED = f"110105********{PERSON[-4:]}"
MAX_PAGES = 10
FACTS: dict[str, Callable[..., Body]] = {
    "/v1/publicity/penalties": penalty,
    "/v1/publicity/licences": licence,
    "/v1/publicity/commitments": commitment,
    "/v1/lists/serious-dishonesty": listing,
    "/v1/lists/red": red_listing,
}


def persons_with_facts(api: Api, fact: Callable[..., Body]) -> int:
    """Three facts of PERSON, between facts of a person masked alike and of a
    firm; the position of the last."""
    api.register(PERSON, "张三")
    api.register(TWIN, "李四")
    firm = api.register(uscc(1))
    api.record(PERSON, fact("A1"))
    api.record(TWIN, fact("T1"))
    api.record(firm, fact("F1"))
    api.record(PERSON, fact("A2"))
    api.record(TWIN, fact("T2"))
    [last] = api.record(PERSON, fact("A3"))
    position: int = last["position"]
    return position


def linked_pages(api: Api, path: str, **params: str) -> list[httpx.Response]:
    """The first page and each one its ``Link`` header leads to."""
    pages = [api.client.get(path, params=params)]
    while "link" in pages[-1].headers:
        assert len(pages) <= MAX_PAGES, "the pages never end"
        pages.append(api.client.get(next_url(pages[-1])))
    return pages


def next_url(page: httpx.Response) -> str:
    link = page.headers["link"]
    assert link.endswith('>; rel="next"'), link
    return link.removeprefix("<").split(">;")[0]


def record_ids(pages: list[httpx.Response]) -> list[str]:
    return [row["record_id"] for page in pages for row in page.json()["data"]]


def opened(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


def made_up_cursor(*values: Any) -> str:
    text = json.dumps(list(values)).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize("path", FACTS)
def test_a_persons_pages_link_on_without_the_number(api: Api, path: str) -> None:
    position = persons_with_facts(api, FACTS[path])

    pages = linked_pages(
        api, path, subject=PERSON, limit="1", min_position=str(position)
    )

    assert all(page.status_code == 200 for page in pages), pages[-1].text
    assert record_ids(pages) == ["A3", "A2", "A1"]
    for page in pages[:-1]:
        cursor = page.json()["next_cursor"]
        assert PERSON not in page.headers["link"]
        assert PERSON[6:14] not in opened(cursor)
        assert MASKED in opened(cursor)
        assert httpx.URL(next_url(page)).params["cursor"] == cursor


def test_a_persons_csv_pages_link_on_without_the_number(api: Api) -> None:
    position = persons_with_facts(api, penalty)

    pages = linked_pages(
        api,
        "/v1/publicity/penalties",
        subject=PERSON,
        limit="2",
        format="csv",
        min_position=str(position),
    )

    rows = [
        row
        for page in pages
        for row in csv.DictReader(io.StringIO(page.text.removeprefix("\ufeff")))
    ]
    assert [row["record_id"] for row in rows] == ["A3", "A2", "A1"]
    assert all(page.headers["content-type"].startswith("text/csv") for page in pages)
    assert PERSON not in pages[0].headers["link"]


def test_a_next_cursor_sent_with_the_same_person_pages_on(api: Api) -> None:
    position = persons_with_facts(api, penalty)
    params = {"subject": PERSON, "limit": "2", "min_position": str(position)}
    first = api.client.get("/v1/publicity/penalties", params=params)

    params["cursor"] = first.json()["next_cursor"]
    same = api.client.get("/v1/publicity/penalties", params=params)
    others = [
        api.client.get("/v1/publicity/penalties", params=params | {"subject": other})
        for other in (resident_id(7), uscc(1))
    ]

    assert record_ids([first, same]) == ["A3", "A2", "A1"]
    for other in others:
        problem = assert_problem(other, 422)
        assert "cursor was made for another subject" in problem["detail"]


def test_a_legal_persons_code_stays_in_the_link(api: Api) -> None:
    firm = api.register(uscc(1))
    [_, last] = api.record(firm, penalty("F1"), penalty("F2"))
    params = {"subject": firm, "limit": "1", "min_position": str(last["position"])}

    page = api.client.get("/v1/publicity/penalties", params=params)

    assert httpx.URL(next_url(page)).params["subject"] == firm
    assert len(opened(page.json()["next_cursor"]).split(",")) == 3


def test_a_made_up_cursor_of_a_person_pages_no_ones_rows(api: Api) -> None:
    position = persons_with_facts(api, penalty)
    others_mask = f"110105********{resident_id(7)[-4:]}"
    made_up = [
        made_up_cursor("penalties", "9999-12-31", position, others_mask),
        made_up_cursor("penalties", "9999-12-31", position + 100, MASKED),
        made_up_cursor("penalties", "9999-12-31", 0, MASKED),
    ]

    pages = [
        api.client.get("/v1/publicity/penalties", params={"cursor": cursor})
        for cursor in made_up
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert [page.json()["data"] for page in pages] == [[], [], []]
    assert not any("link" in page.headers for page in pages)


def test_the_link_keeps_only_the_lists_own_parameters(api: Api) -> None:
    firm = api.register(uscc(1))
    [_, last] = api.record(firm, penalty("F1"), penalty("F2"))
    params = {"limit": "1", "note": PERSON, "min_position": str(last["position"])}

    page = api.client.get("/v1/publicity/penalties", params=params)

    link = httpx.URL(next_url(page))
    assert dict(link.params) == {
        "limit": "1",
        "min_position": str(last["position"]),
        "cursor": page.json()["next_cursor"],
    }


def test_a_department_holding_a_number_is_not_repeated_in_a_link(api: Api) -> None:
    department = f"稷山县{PERSON}"
    key = api.key("record", department=department)
    firm = api.register(uscc(1))
    for record_id in ("F1", "F2"):
        api.post_event(firm, penalty(record_id), key).raise_for_status()
    params = {"department": department, "limit": "1", "min_position": str(api.head())}

    first = api.client.get("/v1/publicity/penalties", params=params)
    params["cursor"] = first.json()["next_cursor"]
    second = api.client.get("/v1/publicity/penalties", params=params)

    assert "link" not in first.headers
    assert record_ids([first, second]) == ["F2", "F1"]
