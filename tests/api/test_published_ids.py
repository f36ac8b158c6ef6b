"""A record id or authority code that would publish a resident identity number
is refused (422 naming the field): both are shown as written on the public
lists, in CSV and on the portal, beside the masked subject."""

from __future__ import annotations

import pytest

from domain import subject as subject_module
from tests.api.support import Api, assert_problem
from tests.factories import (
    Body,
    ambiguous_code,
    as_json,
    commitment,
    correction,
    digits_only_uscc,
    information,
    licence,
    listing,
    mistyped_resident_id,
    penalty,
    red_listing,
    repair_request,
    resident_id,
)

PERSON = resident_id(7)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (licence(f"CF-{PERSON}"), "record_id"),
        (penalty(PERSON), "record_id"),
        (information(f"{PERSON[:6]}-{PERSON[6:14]}-{PERSON[14:]}"), "record_id"),
        (commitment(f"C{PERSON}"), "record_id"),
        (listing(f"S-{PERSON}"), "record_id"),
        (red_listing(f"R-{PERSON}"), "record_id"),
        (licence(authority_code=PERSON), "authority_code"),
        (penalty(authority_code=ambiguous_code()), "authority_code"),
        (penalty(authority_code=mistyped_resident_id(1)), "authority_code"),
        (licence(authority_code=f"No.{PERSON}"), "authority_code"),
    ],
)
def test_a_new_record_that_would_publish_an_identity_number_is_a_422(
    api: Api, body: Body, field: str
) -> None:
    code = api.register()
    head = api.head()

    response = api.post_event(code, body)

    problem = assert_problem(response, 422)
    [error] = problem["errors"]
    assert error["field"] == field
    assert f"{field} is published as written" in problem["detail"]
    assert "resident identity number" in error["message"]
    assert PERSON not in response.text
    assert api.head() == head


def test_an_authoritys_social_credit_code_of_digits_only_is_recorded(
    api: Api,
) -> None:
    code = api.register()

    [answer] = api.record(code, penalty("P1", authority_code=digits_only_uscc()))

    assert answer["type"] == "PenaltyPublished"


def test_a_correction_giving_an_identity_number_as_authority_code_is_a_422(
    api: Api,
) -> None:
    code = api.register()
    api.record(code, licence("L1"))
    head = api.head()

    response = api.post_event(
        code, correction("L1", changes={"authority_code": PERSON})
    )

    [error] = assert_problem(response, 422)["errors"]
    assert error["field"] == "changes.authority_code"
    assert api.head() == head


def test_a_retry_of_a_request_stored_before_the_rule_is_answered_as_stored(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = api.register()
    headers = {**api.clerk, "Idempotency-Key": "req-0001"}
    with monkeypatch.context() as before_the_rule:
        before_the_rule.setattr(subject_module, "check_published_ids", _no_check)
        first = api.post_event(code, licence(f"CF-{PERSON}"), headers=headers)
    head = api.head()

    retry = api.post_event(code, licence(f"CF-{PERSON}"), headers=headers)

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["event_id"] == first.json()["event_id"]
    assert api.head() == head


def _no_check(*_: object, **__: object) -> None:
    return None


def test_a_repair_id_is_not_published_and_is_not_refused(api: Api) -> None:
    code = api.register()
    api.record(code, penalty("P1"))

    [answer] = api.record(code, repair_request(f"F-{PERSON}", "P1"))

    assert answer["type"] == "RepairRequested"


def test_a_batch_line_that_would_publish_an_identity_number_is_refused_alone(
    api: Api,
) -> None:
    code = api.register()
    lines = [
        {"subject": code, **as_json(licence(f"CF-{PERSON}"))},
        {"subject": code, **as_json(penalty("P1", authority_code=PERSON))},
        {"subject": code, **as_json(licence("L3"))},
    ]

    first, second, third = api.batch_results(lines)

    assert (first["status"], second["status"], third["status"]) == (422, 422, 201)
    assert [e["field"] for e in first["errors"]] == ["record_id"]
    assert [e["field"] for e in second["errors"]] == ["authority_code"]
    records = [e["data"].get("record_id") for e in api.history(code)[1:]]
    assert records == ["L3"]
    published = api.client.get("/v1/publicity/licences", params={"format": "csv"})
    assert PERSON not in published.text
