"""Who did what, when: the access log; keys rotated; one key cannot flood the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli.main import main
from tests.api.support import Api, assert_problem
from tests.audit_support import audited_api
from tests.factories import NOW, licence, resident_id, uscc


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with audited_api(tmp_path) as api:
        yield api


def test_every_write_is_logged_with_who_what_and_when(api: Api) -> None:
    headers = api.key("record", department="tax-bureau", actor="zhao")
    code = uscc(1)
    api.client.post("/v1/subjects", json={"code": code, "name": "A"}, headers=headers)
    api.post_event(code, licence(), headers=headers)

    log = api.services.access_log.recent(10)

    key_id = api.services.keys.list()[0].key_id
    assert [(r.method, r.path, r.status) for r in reversed(log)] == [
        ("POST", "/v1/subjects", 201),
        ("POST", f"/v1/subjects/{code}/events", 201),
    ]
    assert {(r.key_id, r.department, r.actor, r.at) for r in log} == {
        (key_id, "tax-bureau", "zhao", NOW)
    }


def test_audit_reads_are_logged_and_public_reads_are_not(api: Api) -> None:
    code = api.register()
    before = len(api.services.access_log.recent(100))

    api.client.get(f"/v1/subjects/{code}/history", headers=api.key("audit"))
    api.client.get("/v1/calendar/deadline?from=2022-10-20&working_days=3")
    api.client.get("/healthz")

    log = api.services.access_log.recent(100)
    assert len(log) == before + 1
    assert (log[0].method, log[0].path, log[0].status) == (
        "GET",
        f"/v1/subjects/{code}/history",
        200,
    )


def test_a_refused_key_is_logged_under_the_id_it_claims(api: Api) -> None:
    record, secret = api.services.keys.create("tax", "zhao", {"audit"}, NOW)
    api.services.keys.revoke(record.key_id, NOW)

    response = api.client.get(
        "/v1/audit/proof/consistency?from=0",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert_problem(response, 401)
    [entry] = api.services.access_log.recent(1)
    assert (entry.key_id, entry.department, entry.status) == (record.key_id, None, 401)


def test_no_key_or_identity_number_is_written_to_the_access_log(api: Api) -> None:
    person = resident_id(9)
    _, secret = api.services.keys.create("police", "wu", {"record"}, NOW)
    api.client.post(
        "/v1/subjects",
        json={"code": person, "name": "Zhang San"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    api.client.get(
        f"/v1/subjects/{person}/history?again={person}",
        headers={"Authorization": f"Bearer {secret}"},
    )

    written = " ".join(
        f"{r.key_id} {r.path}" for r in api.services.access_log.recent(100)
    )
    assert person not in written
    assert secret not in written
    assert f"{person[:6]}********{person[-4:]}" in written


def test_a_key_over_its_rate_gets_a_429_problem_with_retry_after(
    tmp_path: Path,
) -> None:
    # So slow a rate that the test's own pace cannot refill a token.
    with audited_api(tmp_path, rate_limit_per_second=0.001, rate_limit_burst=2) as api:
        flooding, other = api.key("audit"), api.key("audit", department="tax")
        path = "/v1/audit/proof/consistency?from=0"
        statuses = [
            api.client.get(path, headers=flooding).status_code for _ in range(3)
        ]
        refused = api.client.get(path, headers=flooding)
        unaffected = api.client.get(path, headers=other)

    assert statuses[:2] == [404, 404]  # no checkpoint yet, but let through
    problem = assert_problem(refused, 429)
    assert refused.headers["retry-after"] == "1000"
    assert "rate limit" in problem["detail"]
    assert unaffected.status_code == 404


def test_rotating_a_key_on_the_command_line_swaps_old_for_new(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", api.services.settings.database_url)
    old_headers = api.key("record", "audit", department="tax", actor="zhao")
    [old] = api.services.keys.list()
    capsys.readouterr()

    assert main(["keys", "rotate", old.key_id]) == 0

    new_secret = capsys.readouterr().out.splitlines()[-1]
    new_headers = {"Authorization": f"Bearer {new_secret}"}
    code = uscc(4)
    assert_problem(
        api.client.post(
            "/v1/subjects", json={"code": code, "name": "A"}, headers=old_headers
        ),
        401,
    )
    created = api.client.post(
        "/v1/subjects", json={"code": code, "name": "A"}, headers=new_headers
    )
    assert created.status_code == 201
    [entry] = api.services.access_log.recent(1)
    assert (entry.department, entry.actor) == ("tax", "zhao")
    assert entry.key_id != old.key_id
