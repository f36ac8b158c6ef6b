"""``serve``'s own log lines reach standard error formatted and masked: uvicorn's
log configuration names only its own loggers, and a WARNING or ERROR of the
service's used to go to Python's last-resort handler, unmasked."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import httpx

from tests.e2e.serving import deployed
from tests.factories import as_json, licence, resident_id

PERSON = resident_id(41)


def test_an_unreadable_history_is_logged_once_with_the_number_masked(
    tmp_path: Path,
) -> None:
    with deployed(tmp_path) as deployment:
        with httpx.Client(base_url=deployment.url, headers=deployment.headers) as http:
            person = {"code": PERSON, "name": "张三"}
            registered = http.post("/v1/subjects", json=person)
            for record in ("L1", "L2"):
                stored = http.post(
                    f"/v1/subjects/{PERSON}/events", json=as_json(licence(record))
                )
                assert stored.status_code == 201, stored.text
            # The person's licence L1 (position 2, version 2) taken out of the store.
            with closing(sqlite3.connect(tmp_path / "ledger.sqlite3")) as db:
                db.execute("DELETE FROM stored_events WHERE rowid = 2")
                db.commit()
            answer = http.get(f"/v1/subjects/{PERSON}")
        log = deployment.log.read_text(encoding="utf-8")

    assert registered.status_code == 201, registered.text
    assert answer.status_code == 500
    assert answer.json()["type"].endswith("/unreadable-history")
    masked = f"{PERSON[:6]}********{PERSON[-4:]}"
    assert (
        f"ERROR credit_ledger.api: the stored history of {masked} cannot be read: "
        "version 2 is missing (run credit-ledger audit verify)"
    ) in log.splitlines()
    assert PERSON not in log
