"""`POST /v1/events:batch` of `serve`: a large batch is recorded by worker processes."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.batch_workers import CHUNK, MIN_LINES_FOR_WORKERS
from tests.e2e.caught_writing import (
    descendants,
    started_by_its_fork_server,
    stopped_with_a_worker_writing,
    until_gone,
    waits_in,
)
from tests.e2e.serving import Deployment, deployed
from tests.factories import as_json, commitment, fulfilment, information, uscc

SUBJECTS = [uscc(n) for n in range(201, 211)]
WORKERS = 2
EXIT_TIMEOUT = 30.0
# A batch of several chunks, so that its workers are busy for a while.
LARGE_BATCH = 4 * CHUNK * WORKERS
# What a pipe holds: a larger answer keeps its worker writing until it is read.
PIPE_BYTES = 1 << 16
# A batch whose worker died is answered within this.
ANSWER_TIMEOUT = 30.0


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with deployed(tmp_path, batch_workers=str(WORKERS)) as served:
        with httpx.Client(base_url=served.url, headers=served.headers) as http:
            for code in SUBJECTS:
                registered = http.post("/v1/subjects", json={"code": code, "name": "B"})
                assert registered.status_code == 201, registered.text
        yield served


def batch_lines() -> list[Any]:
    """Per subject commitments each followed by its fulfilment (which needs the
    commitment stored first), interleaved across subjects; a malformed line and
    a fulfilment of a commitment never made among them."""
    lines: list[Any] = []
    for k in range(MIN_LINES_FOR_WORKERS // (2 * len(SUBJECTS)) + 1):
        for step in (commitment, fulfilment):
            for n, code in enumerate(SUBJECTS):
                body = as_json(step(f"C{n}-{k}"))
                lines.append(
                    {
                        "subject": code,
                        "idempotency_key": f"{code}:{k}:{step.__name__}",
                        **body,
                    }
                )
    lines.insert(3, "{not json")
    lines.insert(40, {"subject": SUBJECTS[1], **as_json(fulfilment("never-made"))})
    return lines


def ndjson(lines: list[Any]) -> bytes:
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()


def post(http: httpx.Client, lines: list[Any]) -> Any:
    response = http.post(
        "/v1/events:batch",
        content=ndjson(lines),
        headers={"Content-Type": "application/x-ndjson"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return response.json()


def stored(result: Any) -> Any:
    """What a line's answer says was stored (not whether it was a replay)."""
    event = result["event"]
    return event and {k: v for k, v in event.items() if k != "replayed"}


def workers_of(pid: int) -> set[int]:
    """The service's batch workers."""
    return set(started_by_its_fork_server(pid))


def test_a_large_batch_keeps_each_subjects_order_and_a_resend_stores_nothing(
    deployment: Deployment,
) -> None:
    lines = batch_lines()
    before = workers_of(deployment.server.pid)
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        first = post(http, lines)
        again = post(http, lines)
        last = max(r["event"]["position"] for r in first["results"] if r["event"])
        view = http.get(f"/v1/publicity/commitments?min_position={last}")
        history = http.get(f"/v1/subjects/{SUBJECTS[1]}/history")

    results = first["results"]
    assert [r["line"] for r in results] == list(range(1, len(lines) + 1))
    refused = {r["line"]: r["status"] for r in results if r["status"] != 201}
    assert refused == {4: 422, 41: 404}
    assert "malformed JSON" in results[3]["detail"]
    assert (first["accepted"], first["rejected"]) == (len(lines) - 2, 2)
    resent = again["results"]
    assert all(r["event"]["replayed"] for r in resent if r["event"])
    assert [stored(r) for r in resent] == [stored(r) for r in results]
    assert history.status_code == 200
    entries = history.json()["data"]
    assert len(entries) == 1 + (len(lines) - 2) // len(SUBJECTS)
    assert [e["type"] for e in entries[1:3]] == [
        "CommitmentMade",
        "CommitmentFulfilled",
    ]
    assert view.status_code == 200, view.text
    assert len(workers_of(deployment.server.pid) - before) == WORKERS


def test_the_workers_leave_when_the_service_is_killed(deployment: Deployment) -> None:
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        post(http, batch_lines())
    processes = set(descendants(deployment.server.pid))
    assert len(workers_of(deployment.server.pid)) == WORKERS

    os.kill(deployment.server.pid, signal.SIGKILL)
    deployment.server.wait(timeout=15)

    deadline = time.monotonic() + EXIT_TIMEOUT
    while time.monotonic() < deadline and any(
        Path(f"/proc/{p}").exists() for p in processes
    ):
        time.sleep(0.1)
    assert not [p for p in processes if Path(f"/proc/{p}").exists()]


def test_a_batch_after_a_worker_died_is_refused_and_the_next_one_is_stored(
    deployment: Deployment,
) -> None:
    lines = batch_lines()
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        post(http, lines[:MIN_LINES_FOR_WORKERS])
        os.kill(min(workers_of(deployment.server.pid)), signal.SIGKILL)
        broken = http.post(
            "/v1/events:batch",
            content=ndjson(
                lines[MIN_LINES_FOR_WORKERS:] + lines[:MIN_LINES_FOR_WORKERS]
            ),
            headers={"Content-Type": "application/x-ndjson"},
            timeout=120,
        )
        again = post(http, lines)

    assert broken.status_code == 503, broken.text
    assert "send the batch again" in broken.json()["detail"]
    assert broken.headers["Retry-After"] == "1"
    assert again["rejected"] == 2
    stored_before = again["results"][:MIN_LINES_FOR_WORKERS]
    assert all(r["event"]["replayed"] for r in stored_before if r["event"])


def information_lines(batch: str) -> list[Any]:
    """``LARGE_BATCH`` information records spread over the subjects."""
    return [
        {
            "subject": SUBJECTS[n % len(SUBJECTS)],
            "idempotency_key": f"{batch}:{n}",
            **as_json(information(f"{batch}-{n}")),
        }
        for n in range(LARGE_BATCH)
    ]


def sent(url: str, headers: dict[str, str], lines: list[Any]) -> httpx.Response:
    with httpx.Client(base_url=url, headers=headers) as http:
        try:
            return http.post(
                "/v1/events:batch",
                content=ndjson(lines),
                headers={"Content-Type": "application/x-ndjson"},
                timeout=ANSWER_TIMEOUT,
            )
        except httpx.ReadTimeout:
            raise AssertionError(f"no answer in {ANSWER_TIMEOUT} s") from None


def until_a_worker_works(service: int) -> None:
    """Returns once a worker of the service does something other than wait
    for lines (reading the pipe that brings them)."""
    deadline = time.monotonic() + EXIT_TIMEOUT
    while all("pipe_read" in waits_in(pid) for pid in workers_of(service)):
        assert time.monotonic() < deadline, "no worker was given lines"
        time.sleep(0.01)


def test_a_batch_whose_worker_is_killed_sending_its_answers_is_refused_at_once(
    deployment: Deployment,
) -> None:
    service = deployment.server.pid
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        first = post(http, information_lines("first"))
    assert first["accepted"] == LARGE_BATCH
    # Each worker answers a share of up to CHUNK lines at a time.
    assert len(json.dumps(first)) / LARGE_BATCH * CHUNK > 2 * PIPE_BYTES
    started = workers_of(service)
    lines = information_lines("second")

    with ThreadPoolExecutor(1) as client:
        answer = client.submit(sent, deployment.url, deployment.headers, lines)
        try:
            # Stopped, the service reads no answers: a worker killed while it
            # is held writing them leaves them half-written.
            sending, *_ = stopped_with_a_worker_writing(
                service,
                lambda: sorted(workers_of(service)),
                partial(until_a_worker_works, service),
            )
            os.kill(sending, signal.SIGKILL)
        finally:
            os.kill(service, signal.SIGCONT)
        refused = answer.result()

    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "send the batch again" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "1"
    # The other worker finishes what it was given, and leaves.
    assert until_gone(sorted(started), EXIT_TIMEOUT) == []
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        again = post(http, lines)
    assert (again["accepted"], again["rejected"]) == (LARGE_BATCH, 0)
    assert len(workers_of(service) - started) == WORKERS
