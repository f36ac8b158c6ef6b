"""Without a key, an address may look up only so many natural persons by full
identity number: the masked number hides only the birth date, and each public
lookup by full number would otherwise confirm a guess of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from api.identity_lookups import identity_lookups_for
from tests.api.support import Api, assert_problem
from tests.factories import penalty, resident_id, uscc

# The defaults: a burst of 10, then 10 an hour (one every 360 s).
BURST = 10
REFILL_SECONDS = 360
PERSON = resident_id(0)
FIRM_NAME = "稷山县示例商贸有限公司"
SURFACES = {
    "search": "/v1/subjects?q={}",
    "serious list": "/v1/lists/serious-dishonesty?subject={}",
    "red list": "/v1/lists/red?subject={}",
    "penalties column": "/v1/publicity/penalties?subject={}",
    "licences column": "/v1/publicity/licences?subject={}",
    "commitments column": "/v1/publicity/commitments?subject={}",
    "portal search": "/?q={}",
    "portal subject page": "/subjects/{}",
}
API_SURFACES = [name for name in SURFACES if not name.startswith("portal")]
PORTAL_SURFACES = [name for name in SURFACES if name.startswith("portal")]


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited(configured_api: Callable[..., Api]) -> Callable[..., tuple[Api, FakeTime]]:
    """A service with these settings whose lookup limit reads a fake clock."""

    def build(**settings: Any) -> tuple[Api, FakeTime]:
        api = configured_api(**settings)
        time = FakeTime()
        lookups = identity_lookups_for(api.services.settings, time)
        api.client.app.state.identity_lookups = lookups  # type: ignore[attr-defined]
        return api, time

    return build


def look_up(
    api: Api, surface: str, code: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    path = SURFACES[surface].format(code)
    separator = "&" if "?" in path else "?"
    response: httpx.Response = api.client.get(
        f"{path}{separator}min_position={api.head()}", headers=headers
    )
    return response


def at_head(api: Api) -> dict[str, str]:
    return {"min_position": str(api.head())}


def people(count: int, first: int = 1) -> list[str]:
    return [resident_id(serial) for serial in range(first, first + count)]


def assert_refused(response: httpx.Response, surface: str) -> None:
    assert response.headers["retry-after"] == str(REFILL_SECONDS)
    if surface in PORTAL_SURFACES:
        assert response.status_code == 429, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert "查询过于频繁" in response.text
    else:
        problem = assert_problem(response, 429)
        assert problem["type"].endswith("/rate-limited")


@pytest.mark.parametrize("surface", SURFACES)
def test_the_eleventh_keyless_lookup_of_another_person_is_refused(
    limited: Callable[..., tuple[Api, FakeTime]], surface: str
) -> None:
    api, _ = limited()
    api.register(PERSON, "张三")

    answered = [look_up(api, surface, code) for code in [PERSON, *people(BURST - 1)]]
    refused = look_up(api, surface, resident_id(BURST))

    assert [r.status_code for r in answered if r.status_code >= 429] == []
    assert_refused(refused, surface)
    assert resident_id(BURST) not in refused.text


@pytest.mark.parametrize("surface", SURFACES)
def test_a_miss_costs_what_a_hit_does_and_is_refused_alike(
    limited: Callable[..., tuple[Api, FakeTime]], surface: str
) -> None:
    api, _ = limited()
    api.register(PERSON, "张三")
    misses = [look_up(api, surface, code) for code in people(BURST)]

    hit, miss = look_up(api, surface, PERSON), look_up(api, surface, resident_id(99))

    assert all(r.status_code < 429 for r in misses)
    assert_refused(hit, surface)
    assert (hit.status_code, hit.text) == (miss.status_code, miss.text)


def test_looking_the_same_person_up_again_costs_nothing(
    limited: Callable[..., tuple[Api, FakeTime]],
) -> None:
    api, _ = limited()
    api.register(PERSON, "张三")

    for surface in SURFACES:
        assert look_up(api, surface, PERSON).status_code == 200
    answered = [look_up(api, "search", code) for code in people(BURST - 1)]
    again = look_up(api, "portal subject page", PERSON)

    assert all(r.status_code == 200 for r in answered)
    assert again.status_code == 200
    assert "张三" in again.text
    assert_refused(look_up(api, "search", resident_id(BURST)), "search")


def test_following_a_persons_next_page_link_costs_no_further_lookup(
    limited: Callable[..., tuple[Api, FakeTime]],
) -> None:
    api, time = limited(public_id_lookups_per_hour=0.001, public_id_lookup_burst=1)
    api.register(PERSON, "张三")
    api.record(PERSON, penalty("P1"), penalty("P2"), penalty("P3"))
    params = {"subject": PERSON, "limit": "1"} | at_head(api)
    page = api.client.get("/v1/publicity/penalties", params=params)
    time.now += 2 * 3600  # the number looked up is no longer remembered

    pages = [page]
    while "link" in pages[-1].headers:
        link = pages[-1].headers["link"]
        pages.append(api.client.get(link.removeprefix("<").split(">;")[0]))

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert [p.json()["data"][0]["record_id"] for p in pages] == ["P3", "P2", "P1"]
    assert look_up(api, "search", resident_id(50)).status_code == 429


def test_a_lookup_comes_back_every_six_minutes(
    limited: Callable[..., tuple[Api, FakeTime]],
) -> None:
    api, time = limited()
    for code in people(BURST):
        look_up(api, "search", code)

    time.now += REFILL_SECONDS - 1
    too_soon = look_up(api, "search", resident_id(50))
    time.now += 1
    in_time = look_up(api, "search", resident_id(51))
    then = look_up(api, "search", resident_id(52))

    assert too_soon.headers["retry-after"] == "1"
    assert in_time.status_code == 200
    assert_refused(then, "search")


@pytest.mark.parametrize("surface", API_SURFACES)
def test_requests_with_a_valid_key_are_not_limited_by_it(
    limited: Callable[..., tuple[Api, FakeTime]], surface: str
) -> None:
    api, _ = limited()
    key = api.key("audit")

    keyed = [look_up(api, surface, code, key) for code in people(3 * BURST)]
    keyless = look_up(api, surface, resident_id(99))

    assert [r.status_code for r in keyed] == [200] * 3 * BURST
    assert keyless.status_code == 200


def test_a_made_up_or_revoked_key_is_no_key(
    limited: Callable[..., tuple[Api, FakeTime]],
) -> None:
    api, _ = limited()
    revoked_key = api.key("audit")
    [revoked] = api.services.keys.list()
    api.services.keys.revoke(revoked.key_id, api.clock.now())
    made_up = {"Authorization": "Bearer cl_000000000000_made-up"}

    answered = [look_up(api, "search", code, made_up) for code in people(BURST)]
    refused = look_up(api, "search", resident_id(99), revoked_key)

    assert all(r.status_code == 200 for r in answered)
    assert_refused(refused, "search")


@pytest.mark.parametrize("surface", SURFACES)
def test_legal_persons_and_names_are_looked_up_as_before(
    limited: Callable[..., tuple[Api, FakeTime]], surface: str
) -> None:
    api, _ = limited()
    firm = api.register(uscc(1), FIRM_NAME)
    for code in people(BURST):
        look_up(api, surface, code)

    by_code = [look_up(api, surface, firm) for _ in range(3 * BURST)]
    by_name = api.client.get("/v1/subjects", params={"q": "示例"} | at_head(api))
    on_portal = api.client.get("/", params={"q": "示例"} | at_head(api))

    assert [r.status_code for r in by_code] == [200] * 3 * BURST
    assert by_name.json()["count"] == 1
    assert on_portal.status_code == 200
    assert_refused(look_up(api, surface, resident_id(99)), surface)


def test_an_hourly_rate_of_zero_turns_the_limit_off(
    configured_api: Callable[..., Api],
) -> None:
    api = configured_api(public_id_lookups_per_hour=0)

    answered = [look_up(api, "search", code) for code in people(3 * BURST)]

    assert [r.status_code for r in answered] == [200] * 3 * BURST


def test_the_burst_and_rate_are_the_settings(
    limited: Callable[..., tuple[Api, FakeTime]],
) -> None:
    api, _ = limited(public_id_lookups_per_hour=2, public_id_lookup_burst=3)

    answered = [look_up(api, "search", code) for code in people(3)]
    refused = look_up(api, "search", resident_id(99))

    assert all(r.status_code == 200 for r in answered)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1800"
