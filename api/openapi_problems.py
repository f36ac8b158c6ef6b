"""The OpenAPI document describes the errors as they are served: every error
answer is ``application/problem+json`` (RFC 9457, written by ``api.problems``),
not FastAPI's default ``{"detail": [...]}`` for a 422; and every operation
lists the errors any request may meet (a key refused, a body too large, too
many requests), which the routes do not each declare."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from api.problems import PROBLEM_MEDIA_TYPE


class FieldProblem(BaseModel):
    field: str = Field(description="The field at fault, as the request writes it")
    message: str
    type: str


class Problem(BaseModel):
    """An error answer (RFC 9457); some carry more members, such as
    current_version on a 412 or differing on a 409."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI of the problem type: one per kind of error")
    title: str = Field(description="The same for every problem of this type")
    status: int
    detail: str = Field(description="What went wrong this time")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For a 422: each field at fault"
    )


_REF = {"$ref": "#/components/schemas/Problem"}
_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": _REF}}
_DEFAULT_VALIDATION = ("HTTPValidationError", "ValidationError")
# Met by any request of its kind, whatever the route.
_WITH_KEY = {
    "401": "Missing, unknown or revoked API key",
    "403": "The key lacks the scope this needs",
}
_WITH_BODY = {"413": "Body larger than the service accepts"}
_ANY = {"429": "Too many requests from this address (see Retry-After)"}
_INVALID = "Malformed or invalid input; errors names each field at fault"


def install_problem_schemas(app: FastAPI) -> None:
    """Makes ``app.openapi()`` describe the problem answers."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            described_problems(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def described_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """The document, changed in place: each error answer's content is a
    ``Problem``, with the errors any such request may meet added."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _DEFAULT_VALIDATION:
        schemas.pop(name, None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _describe(operation)
    return schema


def _describe(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = {"description": _INVALID}
    common = dict(_ANY)
    if operation.get("security"):
        common |= _WITH_KEY
    if "requestBody" in operation:
        common |= _WITH_BODY
    for status, description in common.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            response["content"] = _CONTENT
