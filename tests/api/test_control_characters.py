"""Text holding NUL or another control character is refused (422, naming the
field), and stores nothing: PostgreSQL views cannot hold NUL. So is text holding
an invisible format character, which could hide an identity number from the
masking of public text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.support import Api, assert_problem
from tests.factories import (
    Body,
    as_json,
    correction,
    information,
    licence,
    listing,
    penalty,
    repair_request,
    resident_id,
    uscc,
)

CODE = uscc(1)
PERSON = resident_id(7)
ZWSP = "\u200b"
HIDDEN = f"{PERSON[:6]}{ZWSP}{PERSON[6:14]}{ZWSP}{PERSON[14:]}"


@pytest.mark.parametrize(
    ("before", "body", "field"),
    [
        ((), licence(content="Retail\x00 of food"), "content"),
        ((), licence(authority="Bureau\x1b"), "authority"),
        ((), licence(licence_name="Food\x7f"), "licence_name"),
        ((), licence(content="\u7a37\x85\u5c71"), "content"),
        ((), licence("L\x001", decision_no="D1"), "record_id"),
        ((), listing(measures=["barred\x00"]), "measures.0"),
        ((penalty("P1"),), repair_request("F\x07", "P1"), "repair_id"),
        (
            (licence("L1"),),
            correction("L1", changes={"content": "bulk\x00"}),
            "changes",
        ),
    ],
)
def test_a_control_character_in_an_events_text_is_a_422_naming_the_field(
    api: Api, before: tuple[Body, ...], body: Body, field: str
) -> None:
    api.register(CODE)
    api.record(CODE, *before)
    head = api.head()

    response = api.post_event(CODE, body)

    [error] = assert_problem(response, 422)["errors"]
    assert error["field"] == field
    assert "control character U+00" in error["message"]
    assert api.head() == head


@pytest.mark.parametrize(
    ("before", "body", "field", "character"),
    [
        ((), information(content=f"当事人张三，身份证号{HIDDEN}"), "content", "U+200B"),
        ((), licence(authority="稷山县\u00ad市场监督管理局"), "authority", "U+00AD"),
        ((), penalty(facts="当事人\u202e张三"), "facts", "U+202E"),
        ((), licence("L\u200d1", decision_no="D1"), "record_id", "U+200D"),
        ((), listing(measures=["限制\ufeff高消费"]), "measures.0", "U+FEFF"),
        ((penalty("P1"),), repair_request("F\u2066", "P1"), "repair_id", "U+2066"),
        (
            (licence("L1"),),
            correction("L1", changes={"content": f"身份证号{HIDDEN}"}),
            "changes",
            "U+200B",
        ),
    ],
)
def test_an_invisible_format_character_in_an_events_text_is_a_422_naming_it(
    api: Api, before: tuple[Body, ...], body: Body, field: str, character: str
) -> None:
    api.register(CODE)
    api.record(CODE, *before)
    head = api.head()

    response = api.post_event(CODE, body)

    [error] = assert_problem(response, 422)["errors"]
    assert error["field"] == field
    assert f"invisible format character {character}" in error["message"]
    assert api.head() == head


def test_tab_newline_and_carriage_return_are_kept(api: Api) -> None:
    api.register(CODE)

    [answer] = api.record(CODE, licence(content="Retail\tof\r\nfood"))

    assert answer["type"] == "LicencePublished"


@pytest.mark.parametrize(
    ("method", "path", "body", "kind"),
    [
        (
            "POST",
            "/v1/subjects",
            {"code": uscc(2), "name": "Acme\x00 Co."},
            "control_character",
        ),
        (
            "PATCH",
            f"/v1/subjects/{CODE}",
            {"legal_representative": "Zhang\x00"},
            "control_character",
        ),
        (
            "POST",
            "/v1/subjects",
            {"code": uscc(2), "name": "稷山县\u200b食品公司"},
            "format_character",
        ),
        (
            "PATCH",
            f"/v1/subjects/{CODE}",
            {"legal_representative": "张\u2068三"},
            "format_character",
        ),
    ],
)
def test_a_control_or_format_character_in_a_subjects_text_is_a_422(
    api: Api, method: str, path: str, body: dict[str, Any], kind: str
) -> None:
    api.register(CODE)
    head = api.head()

    response = api.client.request(method, path, json=body, headers=api.clerk)

    [error] = assert_problem(response, 422)["errors"]
    assert error["field"] in ("name", "legal_representative")
    assert error["type"] == kind
    assert api.head() == head


def test_a_batch_line_with_a_format_character_is_refused_alone(api: Api) -> None:
    api.register(CODE)
    lines = [
        {"subject": CODE, **as_json(licence("L1", content=f"身份证号{HIDDEN}"))},
        {"subject": CODE, "idempotency_key": f"k{ZWSP}", **as_json(licence("L2"))},
        {"subject": CODE, **as_json(licence("L3"))},
    ]

    first, second, third = api.batch_results(lines)

    assert (first["status"], second["status"], third["status"]) == (422, 422, 201)
    assert [(e["field"], e["type"]) for e in first["errors"]] == [
        ("content", "format_character")
    ]
    assert second["detail"] == (
        "idempotency_key must not contain the invisible format character U+200B"
    )
    records = [e["data"].get("record_id") for e in api.history(CODE)[1:]]
    assert records == ["L3"]


def test_a_batch_line_with_a_control_character_is_refused_alone(api: Api) -> None:
    api.register(CODE)
    lines = [
        {"subject": CODE, **as_json(licence("L1", content="Retail\x00 of food"))},
        {"subject": CODE, "idempotency_key": "k\x00", **as_json(licence("L2"))},
        {"subject": CODE, **as_json(licence("L3"))},
    ]

    first, second, third = api.batch_results(lines)

    assert (first["status"], second["status"], third["status"]) == (422, 422, 201)
    assert [e["field"] for e in first["errors"]] == ["content"]
    assert (
        "idempotency_key must not contain the control character U+0000"
        in (second["detail"])
    )
    records = [e["data"].get("record_id") for e in api.history(CODE)[1:]]
    assert records == ["L3"]


def test_a_lone_surrogate_in_an_events_text_is_a_422_naming_the_field(
    api: Api,
) -> None:
    code = api.register()
    body = json.dumps(as_json(information("I1", content="award \ud800"))).encode()

    response = api.client.post(
        f"/v1/subjects/{code}/events",
        content=body,
        headers={**api.clerk, "Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    [error] = assert_problem(response, 422)["errors"]
    assert (error["field"], error["type"]) == ("content", "string_unicode")
