"""A client of one fresh service, and what every error answer must look like."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.exceptions import StarletteDeprecationWarning

from infrastructure.bootstrap import Services
from tests.factories import Body, FixedClock, as_json, uscc

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork; plain httpx still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["PROBLEM_JSON", "Api", "TestClient", "assert_problem"]

Headers = dict[str, str]
PROBLEM_JSON = "application/problem+json"
ALL_SCOPES = frozenset({"record", "review", "audit", "admin"})


@dataclass
class Api:
    """A client of one fresh service, with an admin's power to mint keys."""

    client: TestClient
    services: Services
    clock: FixedClock
    _keys: dict[tuple[str, frozenset[str]], Headers] = field(default_factory=dict)

    def key(
        self, *scopes: str, department: str = "market-regulation", actor: str = "wang"
    ) -> Headers:
        """Bearer headers of a key with these scopes (created once, then reused)."""
        wanted = frozenset(scopes)
        cached = self._keys.get((department, wanted))
        if cached is None:
            _, secret = self.services.keys.create(
                department, actor, set(wanted), self.clock.now()
            )
            cached = {"Authorization": f"Bearer {secret}"}
            self._keys[(department, wanted)] = cached
        return cached

    @property
    def clerk(self) -> Headers:
        """Full powers: records, reviews and audits."""
        return self.key(*ALL_SCOPES)

    def register(self, code: str = uscc(1), name: str = "Jishan Foods Co.") -> str:
        response = self.client.post(
            "/v1/subjects", json={"code": code, "name": name}, headers=self.clerk
        )
        assert response.status_code in (200, 201), response.text
        return code

    def post_event(
        self, code: str, body: Body, headers: Headers | None = None
    ) -> httpx.Response:
        response: httpx.Response = self.client.post(
            f"/v1/subjects/{code}/events",
            json=as_json(body),
            headers=headers if headers is not None else self.clerk,
        )
        return response

    def record(self, code: str, *bodies: Body) -> list[dict[str, Any]]:
        """Record events that must succeed; their 201 bodies."""
        answers = []
        for body in bodies:
            response = self.post_event(code, body)
            assert response.status_code == 201, response.text
            answers.append(response.json())
        return answers

    def batch_results(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send the lines as one NDJSON batch; each line's result."""
        response = self.client.post(
            "/v1/events:batch",
            content="\n".join(json.dumps(line) for line in lines).encode(),
            headers={**self.clerk, "Content-Type": "application/x-ndjson"},
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def state(self, code: str, **params: str) -> dict[str, Any]:
        response = self.client.get(
            f"/v1/subjects/{code}", params=params, headers=self.clerk
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def history(self, code: str) -> list[dict[str, Any]]:
        response = self.client.get(f"/v1/subjects/{code}/history", headers=self.clerk)
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["data"]
        return entries

    def head(self) -> int:
        """The store's last position: unchanged means nothing was written."""
        return self.services.ledger.head_position()


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """An RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("https://")
    assert problem["title"]
    assert problem["detail"]
    return problem
