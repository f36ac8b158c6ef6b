"""The OpenAPI document describes errors as they are served: problem+json
(RFC 9457), whose schema a real error answer fits, on every operation and for
every error a request of its kind may meet."""

from __future__ import annotations

from typing import Any

from api.openapi_problems import Problem
from tests.api.support import PROBLEM_JSON, Api, assert_problem
from tests.factories import licence, uscc


def openapi(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = api.client.get("/openapi.json").json()
    return document


def test_every_error_answer_is_described_as_a_problem(api: Api) -> None:
    document = openapi(api)

    described = [
        (path, method, status, response.get("content"))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status[0] in "45"
    ]

    assert described
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert [d for d in described if d[3] != problem] == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_operations_list_the_errors_their_requests_may_meet(api: Api) -> None:
    paths = openapi(api)["paths"]

    record = paths["/v1/subjects/{code}/events"]["post"]["responses"]
    public_list = paths["/v1/lists/red"]["get"]["responses"]

    assert {"401", "403", "413", "422", "429"} <= record.keys()
    assert "429" in public_list
    assert not {"401", "403", "413"} & public_list.keys()


def test_a_served_422_fits_the_described_problem(api: Api) -> None:
    api.register(uscc(1))

    response = api.post_event(uscc(1), licence(licence_category="unknown"))

    served = assert_problem(response, 422)
    assert Problem.model_validate(served).errors
    assert served["errors"][0]["field"] == "licence_category"


def test_registering_again_answers_200_described_as_the_subject(api: Api) -> None:
    post = openapi(api)["paths"]["/v1/subjects"]["post"]["responses"]

    assert post["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SubjectPublic"
    }
