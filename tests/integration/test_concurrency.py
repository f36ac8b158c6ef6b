"""Many clients write to one subject at once over real HTTP: nothing lost or doubled.

A real uvicorn serves the app on SQLite and on PostgreSQL. Half the clients send
single events (they meet in the group committer); the other half send small
batches, which the ledger stores from other threads, so writers really race for
the subject's next version. Clients retry what the service refuses as a
conflict, with the same idempotency keys, as a careful client would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, as_json, information, uscc
from tests.live_server import LiveServer

CLIENTS = 16
EVENTS_PER_CLIENT = 25
BATCH_SIZE = 5
MAX_ATTEMPTS = 30
CODE = uscc(1)


@dataclass
class Served:
    url: str
    services: Services
    clock: FixedClock

    def headers(self, client: int) -> dict[str, str]:
        """Each client is its own department, with its own key."""
        _, secret = self.services.keys.create(
            f"department-{client}", "load", {"record"}, self.clock.now()
        )
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def served(database_url: str) -> Iterator[Served]:
    clock = FixedClock()
    settings = Settings(database_url=database_url)
    services = build_services(settings, clock)
    try:
        with LiveServer(create_app(settings, services=services)) as server:
            yield Served(server.url, services, clock)
    finally:
        services.close()


def line(client: int, n: int) -> dict[str, object]:
    return {
        "subject": CODE,
        "idempotency_key": f"c{client}-e{n}",
        **as_json(information(f"c{client}-e{n}")),
    }


def send_singles(http: httpx.Client, client: int) -> dict[str, str]:
    acknowledged: dict[str, str] = {}
    for n in range(EVENTS_PER_CLIENT):
        key = f"c{client}-e{n}"
        body = as_json(information(key))
        for _ in range(MAX_ATTEMPTS):
            response = http.post(
                f"/v1/subjects/{CODE}/events",
                json=body,
                headers={"Idempotency-Key": key},
            )
            if response.status_code == 201:
                acknowledged[key] = response.json()["event_id"]
                break
            assert response.status_code in (409, 503), response.text
    return acknowledged


def send_batches(http: httpx.Client, client: int) -> dict[str, str]:
    """Each batch sent until every line is stored: a line answered 409 (its
    subject kept moving) is sent again, with its key, in the next attempt."""
    acknowledged: dict[str, str] = {}
    for start in range(0, EVENTS_PER_CLIENT, BATCH_SIZE):
        items = [line(client, n) for n in range(start, start + BATCH_SIZE)]
        for _ in range(MAX_ATTEMPTS):
            response = http.post("/v1/events:batch", json=items)
            assert response.status_code in (200, 503), response.text
            if response.status_code != 200:
                continue
            results = response.json()["results"]
            assert {r["status"] for r in results} <= {201, 409}, results
            for item, result in zip(items, results, strict=True):
                if result["status"] == 201:
                    key = str(item["idempotency_key"])
                    acknowledged[key] = result["event"]["event_id"]
            items = [
                item
                for item, result in zip(items, results, strict=True)
                if result["status"] == 409
            ]
            if not items:
                break
    return acknowledged


def test_concurrent_writers_to_one_subject_lose_and_double_nothing(
    served: Served,
) -> None:
    with httpx.Client(base_url=served.url, headers=served.headers(-1)) as http:
        registered = http.post("/v1/subjects", json={"code": CODE, "name": "Busy Co."})
    assert registered.status_code == 201
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> dict[str, str]:
        headers = served.headers(number)
        with httpx.Client(base_url=served.url, headers=headers, timeout=60) as http:
            start.wait()
            send = send_batches if number % 2 else send_singles
            return send(http, number)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        acknowledged = {
            key: event_id
            for answers in pool.map(client, range(CLIENTS))
            for key, event_id in answers.items()
        }

    total = CLIENTS * EVENTS_PER_CLIENT
    history = served.services.ledger.history(CODE)
    assert len(acknowledged) == total
    assert [e.version for e in history] == list(range(1, total + 2))
    positions = [e.position for e in history]
    assert positions == sorted(positions)
    stored = {e.request_key: str(e.event_id) for e in history[1:]}
    assert len(stored) == total  # every request key exactly once
    assert stored == acknowledged
    assert served.services.ledger.state(CODE).version == total + 1
