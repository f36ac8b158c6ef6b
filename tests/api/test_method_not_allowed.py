"""A method a path does not serve is 405, naming every method it does serve.

Routing reads no store, so one SQLite service is enough.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.api.support import Api, assert_problem
from tests.factories import uscc

CODE = uscc(1)
# CONNECT is left out: the test client does not send it as a plain request.
METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]
SERVED = {
    f"/v1/subjects/{CODE}": "GET, PATCH",
    "/v1/subjects": "GET, POST",
    f"/v1/subjects/{CODE}/events": "POST",
    "/v1/events:batch": "POST",
    "/": "GET",
    f"/subjects/{CODE}": "GET",
}


@pytest.fixture
def api(configured_api: Callable[..., Api]) -> Api:
    return configured_api(batch_workers=0)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", f"/v1/subjects/{CODE}"),
        ("PUT", f"/v1/subjects/{CODE}"),
        ("DELETE", "/v1/subjects"),
        ("PATCH", f"/v1/subjects/{CODE}/events"),
        ("POST", "/"),
    ],
)
def test_a_405_names_every_method_the_path_is_served_with(
    api: Api, method: str, path: str
) -> None:
    response = api.client.request(method, path)

    problem = assert_problem(response, 405)
    assert response.headers["allow"] == SERVED[path]
    assert problem["detail"] == (
        f"{method} is not served here; this path accepts {SERVED[path]}"
    )


@pytest.mark.parametrize("path", SERVED)
def test_the_methods_allow_names_are_served_and_no_others(api: Api, path: str) -> None:
    allowed = api.client.request("DELETE", path).headers["allow"].split(", ")

    answered = {m: api.client.request(m, path).status_code for m in METHODS}

    assert {m for m, status in answered.items() if status != 405} == set(allowed)
