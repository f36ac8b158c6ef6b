"""POST /v1/events:batch: each line stored whole or not at all, each answered."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.support import Api, assert_problem
from tests.factories import Body, as_json, correction, licence, penalty, uscc

FORM = "application/x-www-form-urlencoded"
NDJSON = "application/x-ndjson"


def line(code: str, body: Body, **extra: Any) -> dict[str, Any]:
    return {"subject": code, **as_json(body), **extra}


def ndjson(*items: object) -> bytes:
    return "\n".join(
        item if isinstance(item, str) else json.dumps(item) for item in items
    ).encode()


def post_batch(
    api: Api,
    content: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> Any:
    typed = {} if content_type is None else {"Content-Type": content_type}
    return api.client.post(
        "/v1/events:batch",
        content=content,
        headers={**(headers or api.clerk), **typed},
    )


@pytest.mark.parametrize("content_type", [NDJSON, "application/json"])
def test_a_bad_line_does_not_stop_the_others(api: Api, content_type: str) -> None:
    first, second = api.register(uscc(1)), api.register(uscc(2))
    items = [
        line(first, licence("L1")),
        line(first, licence("L2", colour="red")),
        line(uscc(99), licence("L3")),
        line(second, penalty("P1")),
        line(first, penalty("L1")),
    ]
    content = ndjson(*items) if content_type == NDJSON else json.dumps(items).encode()

    response = post_batch(api, content, content_type)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert [r["line"] for r in answer["results"]] == [1, 2, 3, 4, 5]
    assert [r["status"] for r in answer["results"]] == [201, 422, 404, 201, 409]
    assert [(r["problem"] or "").rsplit("/", 1)[-1] for r in answer["results"]] == [
        "",
        "validation",
        "subject-not-found",
        "",
        "duplicate-record",
    ]
    assert (answer["accepted"], answer["rejected"]) == (2, 3)
    assert [e["type"] for e in api.history(first)] == [
        "SubjectRegistered",
        "LicencePublished",
    ]
    assert [e["type"] for e in api.history(second)][-1] == "PenaltyPublished"


def test_a_line_with_a_bad_correction_is_refused_alone(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"), licence("L2"))
    items = [
        line(code, correction("L1", changes={"content": None})),
        line(code, correction("L2", changes={"content": "Bulk food too"})),
    ]

    response = post_batch(api, ndjson(*items), NDJSON)

    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert (first["status"], second["status"]) == (422, 201)
    assert "content: Input should be a valid string" in str(first["errors"])


def test_only_newlines_end_lines_after_a_bom_and_crlf_are_read_alike(
    api: Api,
) -> None:
    code = api.register()
    # JSON text may hold U+2028 and U+0085 raw; neither ends an NDJSON line
    # (U+0085, a control character, is then refused in a text field).
    first = line(code, licence("L1", content="Retail\u2028of food"))
    second = line(code, licence("L2", content="Bulk\u0085food"))
    body = "\r\n".join(json.dumps(i, ensure_ascii=False) for i in (first, second))

    response = post_batch(api, b"\xef\xbb\xbf" + body.encode(), NDJSON)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["line"], r["status"]) for r in results] == [(1, 201), (2, 422)]
    assert results[1]["errors"][0]["field"] == "content"


def test_lines_are_numbered_as_in_the_body_blank_ones_included(api: Api) -> None:
    code = api.register()
    first, second = line(code, licence("L1")), line(code, licence("L2"))
    body = f"\n{json.dumps(first)}\n \n\n{json.dumps(second)}\n"

    response = post_batch(api, body.encode(), NDJSON)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["line"], r["status"]) for r in results] == [(2, 201), (5, 201)]


@pytest.mark.parametrize("content_type", [None, "text/plain", FORM])
def test_a_body_of_no_json_type_is_read_as_an_array_or_as_ndjson(
    api: Api, content_type: str | None
) -> None:
    code = api.register()
    first, second = line(code, licence("L1")), line(code, licence("L2"))
    bodies = [json.dumps([first]).encode(), ndjson(second)]

    answers = [post_batch(api, body, content_type) for body in bodies]

    assert [a.status_code for a in answers] == [200, 200], answers[1].text
    assert [a.json()["accepted"] for a in answers] == [1, 1]


def test_accepted_lines_answer_like_single_events(api: Api) -> None:
    code = api.register()

    answer = post_batch(api, ndjson(line(code, licence("L1"))), NDJSON).json()

    event = answer["results"][0]["event"]
    stored = api.history(code)[-1]
    assert (event["event_id"], event["version"], event["position"]) == (
        stored["event_id"],
        stored["version"],
        stored["position"],
    )
    assert event["publicity_deadline"] == "2022-10-28"


def test_a_malformed_ndjson_line_is_rejected_alone(api: Api) -> None:
    code = api.register()
    content = ndjson(line(code, licence("L1")), '{"subject": "broken', "[]")

    response = post_batch(api, content, NDJSON)

    assert response.status_code == 200, response.text
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == [201, 422, 422]
    assert len(api.history(code)) == 2


def test_an_array_item_that_is_text_is_refused_as_not_an_object(api: Api) -> None:
    code = api.register()
    items = [line(code, licence("L1")), "malformed JSON: made up", 7]

    response = post_batch(api, json.dumps(items).encode(), "application/json")

    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422, 422]
    assert {r["detail"] for r in results[1:]} == {"Each line must be an object"}


def test_rerunning_a_batch_with_idempotency_keys_stores_nothing_new(api: Api) -> None:
    code = api.register()
    content = ndjson(
        line(code, licence("L1"), idempotency_key="k1"),
        line(code, licence("L2"), idempotency_key="k2"),
    )
    first = post_batch(api, content, NDJSON).json()
    head = api.head()

    again = post_batch(api, content, NDJSON).json()

    assert [r["status"] for r in again["results"]] == [201, 201]
    assert [r["event"]["replayed"] for r in again["results"]] == [True, True]
    assert [r["event"]["event_id"] for r in again["results"]] == [
        r["event"]["event_id"] for r in first["results"]
    ]
    assert api.head() == head


def test_a_line_needing_a_scope_the_key_lacks_is_a_403_line(api: Api) -> None:
    code = api.register()
    api.record(code, licence("L1"))
    content = ndjson(
        line(code, licence("L2")),
        {
            "subject": code,
            "type": "RecordRevoked",
            "record_id": "L1",
            "reason": "annulled",
            "decided_on": "2022-10-20",
        },
    )

    answer = post_batch(api, content, NDJSON, api.key("record")).json()

    assert [r["status"] for r in answer["results"]] == [201, 403]
    assert answer["results"][1]["problem"].endswith("/http-403")
    assert api.state(code)["licences"][0]["status"] == "active"


def test_a_json_body_that_is_not_an_array_is_a_422(api: Api) -> None:
    code = api.register()

    response = post_batch(
        api, json.dumps(line(code, licence("L1"))).encode(), "application/json"
    )

    assert_problem(response, 422)
    assert api.head() == 1


def test_a_batch_without_a_key_is_a_401(api: Api) -> None:
    code = api.register()

    response = api.client.post(
        "/v1/events:batch",
        content=ndjson(line(code, licence("L1"))),
        headers={"Content-Type": NDJSON},
    )

    assert_problem(response, 401)
    assert api.head() == 1


def test_a_key_that_can_record_nothing_is_refused_before_any_line(api: Api) -> None:
    code = api.register(uscc(1))
    head = api.head()

    response = post_batch(
        api, ndjson(line(code, licence("L1"))), NDJSON, api.key("audit")
    )

    assert_problem(response, 403)
    assert api.head() == head


@pytest.mark.parametrize("content_type", [NDJSON, "application/json"])
def test_a_batch_over_the_line_limit_is_refused_whole_with_a_413(
    configured_api: Callable[..., Api], content_type: str
) -> None:
    api = configured_api(batch_max_lines=3)
    code = api.register()
    head = api.head()
    items = [line(code, licence(f"L{n}")) for n in range(1, 5)]
    content = ndjson(*items) if content_type == NDJSON else json.dumps(items).encode()

    response = post_batch(api, content, content_type)

    problem = assert_problem(response, 413)
    assert problem["type"].endswith("/batch-too-large")
    assert problem["max_lines"] == 3
    assert "split" in problem["detail"]
    assert api.head() == head


def test_a_batch_at_the_line_limit_is_recorded(
    configured_api: Callable[..., Api],
) -> None:
    api = configured_api(batch_max_lines=3)
    code = api.register()
    # Blank lines are not lines of the batch.
    content = ndjson(*(line(code, licence(f"L{n}")) for n in range(1, 4)), "", " ")

    response = post_batch(api, content, NDJSON)

    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 3


def test_a_batch_array_nested_too_deeply_is_a_422(api: Api) -> None:
    deep = b"[" * 50_000 + b"]" * 50_000

    response = post_batch(api, deep, "application/json")

    assert "nested too deeply" in assert_problem(response, 422)["detail"]
