"""A 422 names the offending field, as the request writes it, whatever found
the fault (the schema, the code's check character or a credit rule that no
later day can mend); and one condition has one problem type wherever it is met."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.api.support import Api, assert_problem
from tests.api.test_core_batch import NDJSON, line, ndjson, post_batch
from tests.factories import (
    Body,
    correction,
    licence,
    listing,
    red_listing,
    repair_request,
)

CODE = "91350100MA0000001P"


def fields_of(problem: dict[str, object]) -> list[object]:
    errors = problem["errors"]
    assert isinstance(errors, list)
    return [error["field"] for error in errors]


@pytest.mark.parametrize(
    ("before", "body", "field"),
    [
        (
            (),
            licence(valid_from=date(2022, 10, 19), valid_to=date(2022, 10, 1)),
            "valid_to",
        ),
        ((), licence(decided_on=date(2030, 1, 1)), "decided_on"),
        ((), listing(term_ends_on=date(2020, 1, 1)), "term_ends_on"),
        ((), red_listing(valid_to=date(2020, 1, 1)), "valid_to"),
        ((licence("L1"),), correction("L1", changes={}), "changes"),
        (
            (licence("L1"),),
            correction("L1", changes={"valid_to": "2020-01-01"}),
            "changes.valid_to",
        ),
        ((listing("S1"),), correction("S1", changes={"basis": "other"}), "record_id"),
        (
            (red_listing("R1"),),
            correction("R1", changes={"scheme": "other"}),
            "record_id",
        ),
    ],
)
def test_a_record_that_can_never_be_accepted_names_its_field(
    api: Api, before: tuple[Body, ...], body: Body, field: str
) -> None:
    api.register(CODE)
    api.record(CODE, *before)
    head = api.head()

    problem = assert_problem(api.post_event(CODE, body), 422)

    assert fields_of(problem) == [field]
    assert problem["errors"][0]["message"] == problem["detail"]
    assert api.head() == head


def test_a_listing_repair_without_materials_is_refused_before_it_is_told_to_wait(
    api: Api,
) -> None:
    api.register(CODE)
    api.record(CODE, listing("S1"))

    # Too early too (a listing's minimum period is a year): the materials are
    # what no later day mends.
    response = api.post_event(CODE, repair_request("F1", "S1", materials=[]))

    assert fields_of(assert_problem(response, 422)) == ["materials"]


def test_a_bad_check_character_names_the_code(api: Api) -> None:
    response = api.client.post(
        "/v1/subjects",
        json={"code": CODE[:-1] + "Q", "name": "Acme"},
        headers=api.clerk,
    )

    assert fields_of(assert_problem(response, 422)) == ["code"]


def test_a_batch_lines_bad_code_names_its_subject(api: Api) -> None:
    body = ndjson(line(CODE[:-1] + "Q", licence("L1")))

    response = post_batch(api, body, NDJSON)

    [result] = response.json()["results"]
    assert (result["status"], [e["field"] for e in result["errors"]]) == (
        422,
        ["subject"],
    )


def test_malformed_json_is_the_body_at_fault_not_a_character_offset(
    api: Api,
) -> None:
    response = api.client.post(
        "/v1/subjects",
        content=b'{"code": "91350100MA0000001P", "name": }',
        headers={**api.clerk, "Content-Type": "application/json"},
    )

    assert fields_of(assert_problem(response, 422)) == ["body"]


def test_an_unknown_repair_has_one_problem_type_on_every_route(api: Api) -> None:
    api.register(CODE)

    read = api.client.get("/v1/repairs/NOPE", headers=api.clerk)
    decided = api.post_event(
        CODE, {"type": "Repaired", "repair_id": "NOPE", "decided_on": "2022-10-20"}
    )

    assert assert_problem(read, 404)["type"] == assert_problem(decided, 404)["type"]
    assert assert_problem(read, 404)["type"].endswith("/unknown-repair")


def test_a_mistyped_identity_number_is_registered_only_when_said_an_organisations(
    api: Api,
) -> None:
    mistyped = "21010519900517002X"
    api.clock.set(datetime(2026, 11, 28, 3, tzinfo=UTC))
    body = {"code": mistyped, "name": "张三"}

    guessed = api.client.post("/v1/subjects", json=body, headers=api.clerk)
    said = api.client.post(
        "/v1/subjects", json={**body, "kind": "legal_person"}, headers=api.clerk
    )

    problem = assert_problem(guessed, 422)
    assert fields_of(problem) == ["code"]
    assert "check digit should be '3'" in problem["detail"]
    assert said.status_code == 201, said.text
