"""Every route of the app against every kind of caller: the 401/403 matrix.

Routes are read from ``app.routes`` (FastAPI 0.165 keeps included routers
lazily, so their effective routes are expanded), so a route added later is
covered without editing this file. Whether a route needs a key is read from its
dependencies; which scopes may use it is stated here for the routes whose
scope the contract fixes, and must at least never be a 401 for a valid key
elsewhere. An audit-only key must never change the store, whatever it calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from application.keys import SCOPES
from tests.api.routes import Operation, operations
from tests.api.support import Api, assert_problem
from tests.audit_support import audited_api
from tests.factories import NOW, as_json, licence, uscc

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The scopes the contract grants for each route. Routes not named here decide
# their own scopes; they must open to at least one.
SCOPE_OF: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/v1/subjects"): frozenset({"record"}),
    ("PATCH", "/v1/subjects/{code}"): frozenset({"record"}),
    ("POST", "/v1/subjects/{code}/events"): frozenset({"record"}),
    ("GET", "/v1/subjects/{code}/history"): frozenset({"audit"}),
    ("GET", "/v1/audit/proof/inclusion"): frozenset({"audit"}),
    ("GET", "/v1/audit/proof/consistency"): frozenset({"audit"}),
    ("GET", "/v1/audit/subjects/{code}/bundle"): frozenset({"audit"}),
}
PUBLIC = {("GET", "/v1/audit/checkpoint"), ("GET", "/healthz")}
CODE = uscc(1)
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/subjects"): {"code": uscc(2), "name": "New Co."},
    ("PATCH", "/v1/subjects/{code}"): {"name": "Renamed Co."},
    ("POST", "/v1/subjects/{code}/events"): as_json(licence("L9")),
    ("POST", "/v1/events:batch"): [{"subject": CODE, **as_json(licence("L8"))}],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with audited_api(tmp_path_factory.mktemp("matrix")) as api:
        api.register(CODE)
        api.record(CODE, licence("L1"))
        api.services.audit.sign_checkpoint()
        yield api


def call(api: Api, operation: Operation, headers: dict[str, str]) -> httpx.Response:
    path = re.sub(r"\{code\}", CODE, operation.path)
    path = re.sub(r"\{[^}]+\}", "x", path)
    body = BODIES.get(operation.key)
    response: httpx.Response = api.client.request(
        operation.method,
        path,
        headers=headers,
        json=body if operation.method in WRITE_METHODS else None,
    )
    return response


def test_the_matrix_covers_the_routes_the_contract_names(world: Api) -> None:
    needs_key = {o.key: o.needs_key for o in operations(world.client.app)}  # type: ignore[arg-type]

    assert {k: needs_key.get(k) for k in SCOPE_OF} == dict.fromkeys(SCOPE_OF, True)
    assert {k: needs_key.get(k) for k in PUBLIC} == dict.fromkeys(PUBLIC, False)


def keyed_operations(api: Api) -> list[Operation]:
    return [o for o in operations(api.client.app) if o.needs_key]  # type: ignore[arg-type]


def test_every_keyed_route_answers_401_to_a_missing_or_bad_key(world: Api) -> None:
    record, secret = world.services.keys.create("tax", "zhao", {"record"}, NOW)
    world.services.keys.revoke(record.key_id, NOW)
    callers = {
        "no key": {},
        "not bearer": {"Authorization": f"Basic {secret}"},
        "unknown key": {"Authorization": "Bearer cl_000000000000_forged"},
        "revoked key": {"Authorization": f"Bearer {secret}"},
    }
    head = world.head()

    for operation in keyed_operations(world):
        for caller, headers in callers.items():
            response = call(world, operation, headers)
            assert response.status_code == 401, f"{operation} with {caller}"
            assert_problem(response, 401)
            assert response.headers["www-authenticate"] == "Bearer"
    assert world.head() == head


def test_each_scope_alone_opens_exactly_the_routes_it_should(world: Api) -> None:
    for operation in keyed_operations(world):
        refused = set()
        for scope in sorted(SCOPES):
            response = call(world, operation, world.key(scope))
            assert response.status_code != 401, f"{operation}: a valid {scope} key"
            if response.status_code == 403:
                assert_problem(response, 403)
                refused.add(scope)
        allowed = SCOPE_OF.get(operation.key)
        if allowed is not None:
            assert refused == SCOPES - allowed, str(operation)
        else:
            assert refused != SCOPES, f"{operation} is closed to every scope"


def test_an_audit_key_changes_nothing_whatever_it_calls(world: Api) -> None:
    head = world.head()

    answers = {
        str(o): call(world, o, world.key("audit"))
        for o in operations(world.client.app)  # type: ignore[arg-type]
        if o.method in WRITE_METHODS
    }

    assert world.head() == head
    for operation, response in answers.items():
        if response.status_code < 300:  # a batch answers per line
            lines = response.json()["results"]
            assert lines and all(line["status"] == 403 for line in lines), operation


def test_public_routes_need_no_key(world: Api) -> None:
    for operation in operations(world.client.app):  # type: ignore[arg-type]
        if not operation.needs_key and operation.method == "GET":
            response = call(world, operation, {})
            assert response.status_code not in (401, 403), str(operation)
