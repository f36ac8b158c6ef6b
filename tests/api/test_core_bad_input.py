"""Bad input gets a 4xx problem+json naming the problem, and stores nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest

from tests.api.support import Api, assert_problem
from tests.factories import (
    Body,
    as_json,
    breach,
    commitment,
    delisting,
    expiry,
    fulfilment,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_grant,
    repair_request,
    revocation,
    uscc,
    with_wrong_check_char,
)

CODE = uscc(1)
TOMORROW = date(2022, 10, 21)


@dataclass(frozen=True)
class BadInput:
    id: str
    before: tuple[Body, ...]
    send: Callable[[Api], httpx.Response]
    status: int
    says: str


def post(body: Body, code: str = CODE) -> Callable[[Api], httpx.Response]:
    return lambda api: api.post_event(code, body)


def post_raw(content: bytes) -> Callable[[Api], httpx.Response]:
    return lambda api: api.client.post(
        f"/v1/subjects/{CODE}/events",
        content=content,
        headers={**api.clerk, "Content-Type": "application/json"},
    )


def register(code: str) -> Callable[[Api], httpx.Response]:
    return lambda api: api.client.post(
        "/v1/subjects", json={"code": code, "name": "Acme"}, headers=api.clerk
    )


def without(body: Body, name: str) -> Body:
    return {k: v for k, v in body.items() if k != name}


CASES = [
    BadInput("code-too-short", (), register("91350100MA00001"), 422, "18 characters"),
    BadInput("code-bad-character", (), register("91350100MA000000I1"), 422, "'I'"),
    BadInput(
        "register-bad-check-character",
        (),
        register(with_wrong_check_char(uscc(5))),
        422,
        "check character",
    ),
    BadInput(
        "event-bad-check-character",
        (),
        post(licence(), with_wrong_check_char(CODE)),
        422,
        "check character",
    ),
    BadInput(
        "unknown-event-type",
        (),
        post({"type": "LicenceGranted", "record_id": "L1"}),
        422,
        "LicenceGranted",
    ),
    BadInput("missing-type", (), post(without(licence(), "type")), 422, "schema"),
    BadInput(
        "missing-field", (), post(without(licence(), "decided_on")), 422, "schema"
    ),
    BadInput("extra-field", (), post(licence(colour="red")), 422, "schema"),
    BadInput(
        "department-in-body",
        (),
        post(licence(department="someone else")),
        422,
        "schema",
    ),
    BadInput(
        "bad-enum-value",
        (),
        post(penalty(penalty_types=["flogging"])),
        422,
        "schema",
    ),
    BadInput("bad-money", (), post(penalty(fine_amount="5,000")), 422, "schema"),
    BadInput("not-a-date", (), post(licence(decided_on="20/10/2022")), 422, "schema"),
    BadInput(
        "decision-in-the-future",
        (),
        post(licence(decided_on=TOMORROW, valid_from=TOMORROW)),
        422,
        "in the future",
    ),
    BadInput(
        "valid-to-before-valid-from",
        (),
        post(licence(valid_from=date(2022, 10, 1), valid_to=date(2022, 9, 1))),
        422,
        "valid_to",
    ),
    BadInput("unknown-subject", (), post(licence(), uscc(77)), 404, "not registered"),
    BadInput("unknown-record", (), post(fulfilment("C9")), 404, "'C9'"),
    BadInput(
        "breach-of-a-fulfilled-commitment",
        (commitment("C1"), fulfilment("C1")),
        post(breach("C1")),
        409,
        "already fulfilled",
    ),
    BadInput(
        "breach-of-a-licence",
        (licence("L1"),),
        post(breach("L1")),
        409,
        "not a commitment",
    ),
    BadInput(
        "repair-too-early",
        (penalty("P1", decided_on=date(2022, 10, 10)),),
        post(repair_request("F1", "P1")),
        409,
        "2023-01-10",
    ),
    BadInput(
        "repair-of-a-listing-without-materials",
        (listing("S1", decided_on=date(2021, 4, 1), notified_on=None),),
        post(repair_request("F1", "S1", materials=[])),
        422,
        "needs materials",
    ),
    BadInput(
        "repair-of-an-unpublished-warning",
        (penalty("P1", penalty_types=["warning"], fine_amount=None),),
        post(repair_request("F1", "P1")),
        409,
        "not published",
    ),
    BadInput(
        "duplicate-record-id",
        (licence("X1"),),
        post(penalty("X1")),
        409,
        "already used",
    ),
    BadInput(
        "expiry-before-the-maximum-period",
        (penalty("P1"),),
        post(expiry("P1", expired_on=date(2022, 10, 20))),
        409,
        "2023-06-15",
    ),
    BadInput(
        "expiry-dated-in-the-future",
        (penalty("P1"),),
        post(expiry("P1", expired_on=date(2023, 6, 15))),
        422,
        "in the future",
    ),
    BadInput(
        "publicity-expiry-of-a-listing",
        (
            listing(
                "S1",
                decided_on=date(2019, 9, 2),
                term_ends_on=date(2022, 9, 2),
                notified_on=None,
            ),
        ),
        post(expiry("S1", expired_on=date(2022, 9, 2))),
        409,
        "Delisted with reason expired",
    ),
    BadInput(
        "delisting-as-expired-before-the-term-ends",
        (listing("S1"),),
        post(delisting("S1", reason="expired")),
        409,
        "2025-10-01",
    ),
    BadInput(
        "delisting-dated-in-the-future",
        (listing("S1"),),
        post(delisting("S1", reason="expired", decided_on=date(2025, 10, 1))),
        422,
        "in the future",
    ),
    BadInput(
        "red-list-revocation-dated-in-the-future",
        (red_listing("R1"),),
        post(red_list_revocation("R1", decided_on=TOMORROW)),
        422,
        "in the future",
    ),
    BadInput(
        "repair-granted-in-the-future",
        (penalty("P1"), repair_request("F1", "P1")),
        post(repair_grant("F1", decided_on=TOMORROW)),
        422,
        "in the future",
    ),
    BadInput(
        "revocation-dated-in-the-future",
        (licence("L1"),),
        post(revocation("L1", decided_on=TOMORROW)),
        422,
        "in the future",
    ),
    BadInput(
        "oversize-body",
        (),
        post(licence(content="x" * 1_100_000)),
        413,
        "exceeds",
    ),
    BadInput(
        "as-of-whose-local-date-is-past-year-9999",
        (),
        lambda api: api.client.get(
            f"/v1/subjects/{CODE}",
            params={"as_of": "9999-12-31T23:59:59-14:00"},
            headers=api.clerk,
        ),
        422,
        "later than now",
    ),
    BadInput(
        "deadline-past-year-9999",
        (),
        lambda api: api.client.get(
            "/v1/calendar/deadline",
            params={"from": "9999-12-20", "working_days": 300},
        ),
        422,
        "out of range",
    ),
    BadInput(
        "patch-that-changes-nothing",
        (),
        lambda api: api.client.patch(
            f"/v1/subjects/{CODE}", json={}, headers=api.clerk
        ),
        422,
        "name or legal_representative must be given",
    ),
    BadInput("malformed-json", (), post_raw(b'{"type": "Licence'), 422, "schema"),
    BadInput("json-not-an-object", (), post_raw(b"[1, 2]"), 422, "schema"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_a_problem_and_stores_nothing(api: Api, case: BadInput) -> None:
    api.register(CODE)
    api.record(CODE, *case.before)
    head, history = api.head(), api.history(CODE)

    response = case.send(api)

    problem = assert_problem(response, case.status)
    assert case.says in problem["detail"] + str(problem.get("errors", ""))
    assert api.head() == head
    assert api.history(CODE) == history


def test_schema_errors_name_the_offending_fields(api: Api) -> None:
    code = api.register(CODE)
    body = as_json(without(licence(colour="red"), "decided_on"))

    response = api.client.post(
        f"/v1/subjects/{code}/events", json=body, headers=api.clerk
    )

    errors = assert_problem(response, 422)["errors"]
    assert {e["field"] for e in errors} == {"decided_on", "colour"}
    assert {e["type"] for e in errors} == {"missing", "extra_forbidden"}


def chunked(*parts: bytes) -> Iterator[bytes]:
    """A body sent in chunks, without Content-Length."""
    yield from parts


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", "/v1/subjects", "application/json"),
        ("PATCH", f"/v1/subjects/{CODE}", "application/json"),
        ("POST", f"/v1/subjects/{CODE}/events", "application/json"),
        ("POST", "/v1/events:batch", "application/x-ndjson"),
    ],
)
def test_an_oversize_body_without_content_length_is_a_413_on_every_route(
    api: Api, method: str, path: str, content_type: str
) -> None:
    api.register(CODE)
    head = api.head()
    body = chunked(b'{"name": "', *[b"x" * 65_536] * 20, b'"}')

    response = api.client.request(
        method, path, content=body, headers={**api.clerk, "Content-Type": content_type}
    )

    assert "content-length" not in response.request.headers
    problem = assert_problem(response, 413)
    assert problem["type"].endswith("/body-too-large")
    assert api.head() == head


def test_a_problem_types_title_is_the_same_each_time_and_the_detail_says_why(
    api: Api,
) -> None:
    bad_cursor = api.client.get("/v1/lists/red", params={"cursor": "garbage"})
    not_an_array = api.client.post(
        "/v1/events:batch", json={"subject": "x"}, headers=api.clerk
    )

    problems = [assert_problem(r, 422) for r in (bad_cursor, not_an_array)]

    assert {p["type"] for p in problems} == {problems[0]["type"]}
    assert [p["title"] for p in problems] == ["Unprocessable Entity"] * 2
    assert "cursor" in problems[0]["detail"]
    assert "array" in problems[1]["detail"]


def test_an_unknown_event_type_is_an_error_of_the_type_field(api: Api) -> None:
    code = api.register(CODE)

    response = api.client.post(
        f"/v1/subjects/{code}/events", json={"type": "Nope"}, headers=api.clerk
    )

    [error] = assert_problem(response, 422)["errors"]
    assert (error["field"], error["type"]) == ("type", "union_tag_invalid")


def test_a_body_nested_too_deeply_is_malformed_input_422(api: Api) -> None:
    code = api.register(CODE)
    deep = b'{"type": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"

    response = api.client.post(
        f"/v1/subjects/{code}/events",
        content=deep,
        headers={**api.clerk, "Content-Type": "application/json"},
    )

    assert "nested too deeply" in assert_problem(response, 422)["detail"]
