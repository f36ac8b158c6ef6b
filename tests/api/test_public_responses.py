"""No answer given without a key shows a natural person's full identity number.

Natural persons with published penalties, a listing, a red listing, licences
and commitments are recorded; then every keyless GET operation the OpenAPI
schema offers is called (JSON and CSV, filtered by the person and not), after
the read models caught up, and every answer is searched for identity numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from domain.codes import ric_check_char
from tests.api.routes import operations
from tests.api.support import Api
from tests.audit_support import audited_api
from tests.factories import (
    commitment,
    licence,
    listing,
    penalty,
    red_listing,
    resident_id,
)

LISTED = resident_id(11)
REWARDED = resident_id(12)
IDENTITY_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
SAMPLE_BY_FORMAT = {"date": "2022-10-20", "date-time": "2022-10-20T11:00:00+08:00"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with audited_api(tmp_path_factory.mktemp("public")) as api:
        for code in (LISTED, REWARDED):
            api.register(code, name="Zhang San")
        api.record(
            LISTED,
            penalty("P1"),
            licence("L1"),
            commitment("C1"),
            listing("S1"),
        )
        api.record(REWARDED, red_listing("R1"), licence("L1"), commitment("C1"))
        yield api


def full_identity_numbers(text: str) -> set[str]:
    return {
        found
        for found in IDENTITY_NUMBER.findall(text)
        if ric_check_char(found[:17]) == found[17]
    }


def sample(parameter: dict[str, Any]) -> Any:
    schema = parameter["schema"]
    options = schema.get("anyOf", [schema])
    first = options[0]
    if "enum" in first:
        return first["enum"][0]
    if first.get("format") in SAMPLE_BY_FORMAT:
        return SAMPLE_BY_FORMAT[first["format"]]
    if first.get("type") == "integer":
        return max(1, first.get("minimum", 1))
    if first.get("type") == "boolean":
        return "true"
    return LISTED


def requests_for(path: str, spec: dict[str, Any], head: int) -> Iterator[str]:
    params = spec.get("parameters", [])
    query = {
        p["name"]: sample(p) for p in params if p["in"] == "query" and p["required"]
    }
    names = {p["name"] for p in params if p["in"] == "query"}
    if "min_position" in names:
        query["min_position"] = head
    concrete = re.sub(r"\{[^}]+\}", LISTED, path)
    variants = [dict(query)]
    if "subject" in names:
        variants.append({**query, "subject": LISTED})
    if "format" in names:
        variants += [{**v, "format": "csv"} for v in list(variants)]
    for variant in variants:
        yield concrete + (
            "?" + "&".join(f"{k}={v}" for k, v in variant.items()) if variant else ""
        )


def test_no_keyless_answer_shows_a_full_identity_number(world: Api) -> None:
    app = world.client.app
    keyless = {o.key for o in operations(app) if not o.needs_key}  # type: ignore[arg-type]
    schema = world.client.get("/openapi.json").json()
    head = world.head()
    answered = []

    for path, methods in schema["paths"].items():
        spec = methods.get("get")
        if spec is None or ("GET", path) not in keyless:
            continue
        for url in requests_for(path, spec, head):
            response = world.client.get(url)
            answered.append((url, response.status_code))
            leaked = full_identity_numbers(response.text)
            assert not leaked, f"{url} shows {leaked}"

    assert any(status == 200 and "/v1/lists/" in url for url, status in answered)
    assert any(status == 200 and "/v1/publicity/" in url for url, status in answered)


def test_the_scan_would_see_a_full_identity_number() -> None:
    assert full_identity_numbers(f'{{"subject":"{LISTED}"}}') == {LISTED}
    masked = f"{LISTED[:6]}********{LISTED[-4:]}"
    assert full_identity_numbers(f'{{"subject":"{masked}"}}') == set()
