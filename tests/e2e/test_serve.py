"""The CLI as a user runs it: keys, ``serve`` as a process, ``replay`` and ``import``.

Every process gets ``CREDIT_LEDGER_DATABASE_URL`` pointing at one SQLite file in a
temporary directory; the served process and the CLI commands share it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.serving import Deployment, deployed
from tests.factories import as_json, information, licence, uscc

# Decisions a few days back are in the past on the server's clock (county time).
DECIDED = date.today() - timedelta(days=3)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployed(tmp_path_factory.mktemp("deployment")) as served:
        yield served


def test_keys_create_prints_only_the_key_on_its_last_line(
    deployment: Deployment,
) -> None:
    result = deployment.run(
        "keys", "create", "--department", "tax-bureau", "--scope", "audit"
    )

    assert result.returncode == 0, result.stderr
    *message, key = result.stdout.strip().splitlines()
    assert key.startswith("cl_")
    assert " " not in key
    assert "not shown again" in "\n".join(message)


def test_served_process_records_and_replays_over_http(deployment: Deployment) -> None:
    code = uscc(101)
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        registered = http.post("/v1/subjects", json={"code": code, "name": "Acme"})
        recorded = http.post(
            f"/v1/subjects/{code}/events",
            json=as_json(licence("L1", decided_on=DECIDED, valid_from=DECIDED)),
            headers={"Idempotency-Key": "e2e-L1"},
        )
        history = http.get(f"/v1/subjects/{code}/history")

    assert registered.status_code == 201
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["late"] is False
    entries = history.json()["data"]
    assert [e["type"] for e in entries] == ["SubjectRegistered", "LicencePublished"]
    assert entries[1]["event_id"] == recorded.json()["event_id"]
    assert entries[1]["department"] == "market-regulation"
    assert entries[1]["previous_hash"] == entries[0]["hash"]


def test_replay_prints_the_history_and_the_rebuilt_state(
    deployment: Deployment,
) -> None:
    code = uscc(102)
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        http.post("/v1/subjects", json={"code": code, "name": "Replay Co."})
        recorded = http.post(
            f"/v1/subjects/{code}/events",
            json=as_json(information("I1", occurred_on=DECIDED)),
        ).json()

    result = deployment.run("replay", code)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "SubjectRegistered" in lines[0]
    assert "InformationRecorded" in lines[1]
    state = json.loads("\n".join(lines[2:]))
    assert (state["subject"], state["version"]) == (code, 2)
    assert [r["record_id"] for r in state["information"]] == ["I1"]
    # As the API names it: the store's head when read.
    assert state["position"] >= recorded["position"]


def test_replay_of_an_unknown_subject_fails_with_a_message(
    deployment: Deployment,
) -> None:
    result = deployment.run("replay", uscc(199))

    assert result.returncode == 2
    assert "not registered" in result.stderr


def test_replay_as_of_a_moment_to_come_is_refused(deployment: Deployment) -> None:
    result = deployment.run("replay", uscc(101), "--as-of", "2999-01-01T00:00:00+08:00")

    assert result.returncode == 2
    assert "later than now" in result.stderr


def test_import_reports_rejected_lines_and_a_rerun_duplicates_nothing(
    deployment: Deployment,
) -> None:
    code = uscc(103)
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        http.post("/v1/subjects", json={"code": code, "name": "Import Co."})
        # The server now holds the subject in memory; the import writes behind it.
        http.post(
            f"/v1/subjects/{code}/events",
            json=as_json(information("I0", occurred_on=DECIDED)),
        )
    lines = [
        {"subject": code, **as_json(information(f"I{n}", occurred_on=DECIDED))}
        for n in range(1, 5)
    ]
    lines.insert(2, {"subject": code, "type": "InformationRecorded", "record_id": "X"})
    source = deployment.workdir / "events.ndjson"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    first = deployment.run("import", str(source), "--department", "tax-bureau")
    again = deployment.run("import", str(source), "--department", "tax-bureau")

    assert first.returncode == 1, first.stderr
    assert first.stdout.strip().splitlines()[-1] == "4 accepted, 1 rejected, 5 lines"
    assert again.stdout.strip().splitlines()[-1] == "4 accepted, 1 rejected, 5 lines"
    with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
        history = http.get(f"/v1/subjects/{code}/history").json()["data"]
        after = http.post(
            f"/v1/subjects/{code}/events",
            json=as_json(information("I9", occurred_on=DECIDED)),
        )
    assert [e["data"]["record_id"] for e in history[2:]] == ["I1", "I2", "I3", "I4"]
    assert {e["department"] for e in history[2:]} == {"tax-bureau"}
    assert after.status_code == 201, after.text
    assert after.json()["version"] == 7  # the server sees what the import wrote
