"""What a keyless caller sends (a path, a query parameter, a cursor) is never
echoed back with a natural person's full identity number: problem details,
portal pages, their inputs and links show it masked, or not at all."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx
import pytest

from tests.api.support import Api, assert_problem
from tests.factories import licence, resident_id, uscc

PERSON = resident_id(1)  # all digits: it can be sent as a number too
MASKED = f"110105********{PERSON[-4:]}"
FIRST_GENERATION = "110105900517007"
FIRST_GENERATION_MASKED = "110105******007"


def made_up_cursor(scope: str, *values: object) -> str:
    text = json.dumps([scope, *values]).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def assert_not_echoed(response: httpx.Response, number: str = PERSON) -> None:
    """Nowhere in the answer, its headers included (Location, Link)."""
    assert number not in response.text
    assert all(number not in value for value in response.headers.values())


@pytest.mark.parametrize(
    ("number", "masked"),
    [(PERSON, MASKED), (FIRST_GENERATION, FIRST_GENERATION_MASKED)],
)
@pytest.mark.parametrize("path", ["/v1/lists/{}", "/v1/publicity/{}"])
def test_an_unknown_list_named_by_a_number_is_named_masked(
    api: Api, path: str, number: str, masked: str
) -> None:
    response = api.client.get(path.format(number))

    problem = assert_problem(response, 404)
    assert masked in problem["detail"]
    assert_not_echoed(response, number)


@pytest.mark.parametrize(
    ("path", "params", "scope"),
    [
        ("/v1/lists/red", {}, "red"),
        ("/v1/publicity/penalties", {"subject": uscc(1)}, "penalties"),
        ("/v1/subjects", {"q": "稷山"}, "subject-search"),
    ],
)
def test_a_made_up_cursor_naming_a_number_is_refused_masked(
    api: Api, path: str, params: dict[str, str], scope: str
) -> None:
    cursor = made_up_cursor(PERSON, "2022-01-01", 1)

    response = api.client.get(path, params=params | {"cursor": cursor})

    problem = assert_problem(response, 422)
    assert problem["detail"] == (
        f"Invalid cursor: cursor belongs to '{MASKED}', not '{scope}'"
    )
    assert_not_echoed(response)


def test_a_min_position_that_reads_as_a_number_is_echoed_masked(
    configured_api: Callable[..., Api],
) -> None:
    api = configured_api(read_wait_seconds=0.05)

    response = api.client.get("/v1/lists/red", params={"min_position": PERSON})

    problem = assert_problem(response, 503)
    assert problem["detail"] == (
        f"This view has not yet reached position {MASKED}; retry shortly"
    )
    assert response.headers["retry-after"] == "1"


@pytest.mark.parametrize("paged", [False, True])
def test_a_portal_department_filter_holding_a_number_is_not_shown_back(
    api: Api, paged: bool
) -> None:
    firm = api.register(uscc(1))
    api.record(firm, licence("L1"), licence("L2"))
    params = {"limit": "1", "min_position": str(api.head())}
    cursor = api.client.get("/v1/publicity/licences", params=params).json()
    # A page after the first links back to it, with the filters.
    params |= {"cursor": cursor["next_cursor"]} if paged else {}

    response = api.client.get(
        "/publicity/licences", params=params | {"department": f"局{PERSON}"}
    )

    assert response.status_code == 200, response.text
    assert 'name="department" value=""' in response.text
    assert_not_echoed(response)


@pytest.mark.parametrize(
    ("path", "params"),
    [("/lists/red", {}), ("/", {"q": "稷山"})],
)
def test_a_portal_page_refusing_a_made_up_cursor_names_it_masked(
    api: Api, path: str, params: dict[str, str]
) -> None:
    cursor = made_up_cursor(PERSON, "2022-01-01", 1)

    response = api.client.get(path, params=params | {"cursor": cursor})

    assert response.status_code == 422
    assert f"cursor belongs to &#39;{MASKED}&#39;" in response.text
    assert_not_echoed(response)


def test_a_portal_search_by_full_number_shows_the_person_without_a_redirect(
    api: Api,
) -> None:
    api.register(PERSON, "张三")

    response = api.client.get(
        "/",
        params={"q": PERSON.lower(), "min_position": str(api.head())},
        follow_redirects=False,
    )

    assert response.status_code == 200
    assert "location" not in response.headers
    assert "<h1>张三 <small>公共信用信息" in response.text
    assert MASKED in response.text
    assert_not_echoed(response)
