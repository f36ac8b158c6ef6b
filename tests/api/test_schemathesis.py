"""Hostile input from the OpenAPI schema: never a 5xx, every error problem+json.

Schemathesis generates requests, valid and invalid, for every operation of the
app's own schema (bounded: 25 examples each) and sends them in-process with a
key holding every scope, so the calls reach the handlers rather than stopping
at 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from api.app import create_app
from application.keys import SCOPES
from infrastructure.bootstrap import build_services
from tests.api.support import PROBLEM_JSON
from tests.audit_support import OFFICER, audited_settings, record_history
from tests.factories import NOW, FixedClock, resident_id

EXAMPLES_PER_OPERATION = 25


@dataclass
class HostileWorld:
    app: FastAPI
    headers: dict[str, str]


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileWorld]:
    directory = tmp_path_factory.mktemp("hostile")
    # The generated flood comes from one key and must reach the handlers; a
    # generated min_position beyond the log must not hold each call for seconds.
    settings = audited_settings(
        f"sqlite:///{directory / 'ledger.sqlite3'}",
        directory,
        rate_limit_per_second=0,
        read_wait_seconds=0.05,
    )
    services = build_services(settings, FixedClock())
    try:
        record_history(services.ledger, subjects=2, licences=1)
        services.ledger.register_subject(resident_id(1), "Zhang San", OFFICER)
        services.audit.sign_checkpoint()
        _, key = services.keys.create("office", "li", set(SCOPES), NOW)
        # Schemathesis runs the app's lifespan itself, once for the module.
        app = create_app(settings, services=services)
        yield HostileWorld(app, {"Authorization": f"Bearer {key}"})
    finally:
        services.close()


def operations_of(app: FastAPI) -> list[Any]:
    schema: Any = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def check_operation(operation: Any, headers: dict[str, str]) -> None:
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_without_5xx_in_problem_json(case: Any) -> None:
        response = case.call(headers=headers)
        status = response.status_code
        where = f"{case.method} {case.formatted_path} {case.query} -> {status}"
        assert status < 500 or _waited_for_a_future_position(case, response), where
        if status >= 400:
            [content_type] = response.headers["content-type"]
            assert content_type.startswith(PROBLEM_JSON), where
            assert response.json()["status"] == status, where

    answers_without_5xx_in_problem_json()


def _waited_for_a_future_position(case: Any, response: Any) -> bool:
    """The contract's one 5xx: ``min_position`` not reached in time, 503."""
    return (
        response.status_code == 503
        and "retry-after" in response.headers
        and bool((case.query or {}).get("min_position"))
    )


def test_no_request_gets_a_5xx_and_every_error_is_a_problem(
    hostile_world: HostileWorld,
) -> None:
    # One test over every operation (the pytest plugin of this schemathesis
    # release cannot run under pytest 9), reporting every operation that fails.
    failures = []
    operations = operations_of(hostile_world.app)
    for operation in operations:
        try:
            check_operation(operation, hostile_world.headers)
        except AssertionError as failure:
            failures.append(f"{operation.label}: {failure}")

    assert len(operations) >= 10
    assert failures == []
