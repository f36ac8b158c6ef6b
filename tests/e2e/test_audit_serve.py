"""An auditor against a served process: periodic checkpoints, offline checks, logs.

``serve`` runs as a process on a fresh SQLite file with a short checkpoint
interval; the auditor fetches the published checkpoint and a bundle over HTTP,
then checks them with ``verify-subject`` in a process that has no usable
database, and runs ``audit verify`` on the store while the server runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import unquote

import httpx
import pytest

from tests.e2e.serving import Deployment, deployed
from tests.factories import as_json, licence, resident_id

TIMEOUT = 30.0
DECIDED = date.today() - timedelta(days=3)
PERSON = resident_id(31)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployed(
        tmp_path_factory.mktemp("audited"),
        "--http-log",
        department="police",
        scopes=("record", "audit"),
        checkpoint_interval_seconds="0.2",
    ) as deployment:
        yield deployment


def checkpoint_covering(http: httpx.Client, size: int) -> httpx.Response:
    """The published checkpoint, once the server's own timer has signed ``size``."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        response = http.get("/v1/audit/checkpoint")
        if (
            response.status_code == 200
            and response.json()["checkpoint"]["size"] >= size
        ):
            return response
        time.sleep(0.1)
    pytest.fail(f"no checkpoint of size {size} was signed within {TIMEOUT}s")


def test_an_auditor_verifies_a_history_offline_from_what_serve_published(
    served: Deployment,
) -> None:
    with httpx.Client(base_url=served.url, headers=served.headers) as http:
        http.post("/v1/subjects", json={"code": PERSON, "name": "Zhang San"})
        recorded = http.post(
            f"/v1/subjects/{PERSON}/events",
            json=as_json(licence("L1", decided_on=DECIDED, valid_from=DECIDED)),
        )
        assert recorded.status_code == 201, recorded.text
        checkpoint = checkpoint_covering(http, recorded.json()["position"])
        size = checkpoint.json()["checkpoint"]["size"]
        bundle = http.get(f"/v1/audit/subjects/{PERSON}/bundle", params={"size": size})
    (served.workdir / "checkpoint.json").write_text(checkpoint.text)
    (served.workdir / "bundle.json").write_text(bundle.text)
    # Any attempt to reach a database would fail: there is none at this address.
    offline = {
        **served.env,
        "CREDIT_LEDGER_DATABASE_URL": "postgresql://x@127.0.0.1:1/x",
    }

    result = served.run(
        *("audit", "verify-subject", PERSON),
        *("--bundle", "bundle.json", "--checkpoint", "checkpoint.json"),
        env=offline,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: subject {PERSON}: versions 1..2 are in")


def test_audit_verify_and_checkpoint_run_beside_the_server(served: Deployment) -> None:
    signed = served.run("audit", "checkpoint")
    verified = served.run("audit", "verify")

    assert signed.returncode == 0, signed.stderr
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # A note may come first: the server may have logged leaves it has not signed yet.
    assert verified.stdout.splitlines()[-1].startswith("OK: ")


def test_the_server_log_shows_neither_keys_nor_identity_numbers(
    served: Deployment,
) -> None:
    with httpx.Client(base_url=served.url, headers=served.headers) as http:
        http.get(f"/v1/subjects/{PERSON}/history")
        http.get(f"/v1/subjects/%20{PERSON}")
        known = http.post("/v1/subjects", json={"code": PERSON, "name": "Zhang San"})
        # None when an earlier test registered the person.
        position = known.json()["position"] or 1
        # Logged as sent, digits percent-encoded; the service decodes them.
        one_encoded = f"{PERSON[:7]}%3{PERSON[7]}{PERSON[8:]}"
        all_encoded = "".join(f"%{ord(char):02X}" for char in PERSON)
        for query in (one_encoded, all_encoded):
            found = http.get(f"/v1/subjects?q={query}&min_position={position}")
            assert found.json()["count"] == 1, found.text
        http.get("/v1/lists/red", params={"subject": PERSON})

    deadline = time.monotonic() + TIMEOUT
    while "/v1/lists/red" not in served.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = served.log.read_text()
    assert "/v1/lists/red" in log
    assert PERSON not in unquote(log)
    assert served.key not in log
    assert f"{PERSON[:6]}********{PERSON[-4:]}" in log
