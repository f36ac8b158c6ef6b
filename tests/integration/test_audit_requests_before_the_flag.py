"""A store whose repair requests were recorded before they kept
``deadline_on_fallback_calendar`` still verifies: each such request hashes as
it was hashed then, and the next event holds that hash."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from domain.events import RepairRequested
from domain.rules import CreditRules, Provenance
from domain.subject import CreditSubject, subject_id
from tests.audit_support import OFFICER, audited_services
from tests.factories import fields_of, penalty, repair_grant, repair_request, uscc
from tests.unit.test_canonical_added_fields import FLAG, old_canonical_bytes

CODE = uscc(1)


def request_as_before_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repair requests are made as the code before the flag made them: no
    flag, and chained to by the hash of the form then defined."""
    request_repair = CreditSubject.request_repair

    def without_the_flag(
        subject: CreditSubject, p: Provenance, rules: CreditRules, **f: Any
    ) -> None:
        request_repair(subject, p, rules, **f)
        event = subject.pending_events[-1]
        assert isinstance(event, RepairRequested)
        del vars(event)[FLAG]
        subject.repairs[event.repair_id].deadline_on_fallback_calendar = None
        old_hash = hashlib.sha256(old_canonical_bytes(vars(event))).hexdigest()
        subject._head_hash = old_hash

    monkeypatch.setattr(CreditSubject, "request_repair", without_the_flag)


def record_a_repaired_penalty(database_url: str, directory: Path) -> None:
    services = audited_services(database_url, directory)
    try:
        ledger = services.ledger
        ledger.register_subject(CODE, "Jishan Foods Co.", OFFICER)
        for body in (penalty("P1"), repair_request("F1", "P1"), repair_grant("F1")):
            ledger.record(RecordCommand(CODE, body["type"], fields_of(body), OFFICER))
    finally:
        services.close()


def stored_events(database_url: str, directory: Path) -> list[Any]:
    services = audited_services(database_url, directory)
    try:
        return list(services.ledger.events.get(subject_id(CODE)))
    finally:
        services.close()


def test_a_store_with_requests_made_before_the_flag_verifies(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv(
        "CREDIT_LEDGER_SIGNING_KEY_FILE", str(tmp_path / "checkpoint-key.pem")
    )
    with monkeypatch.context() as old_code:
        request_as_before_the_flag(old_code)
        record_a_repaired_penalty(database_url, tmp_path)
    [_, _, request, granted] = stored_events(database_url, tmp_path)
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()

    code = main(["audit", "verify"])
    out = capsys.readouterr().out

    assert isinstance(request, RepairRequested)
    assert FLAG not in vars(request)
    assert request.deadline_on_fallback_calendar is None
    assert (
        granted.previous_hash
        == hashlib.sha256(old_canonical_bytes(vars(request))).hexdigest()
    )
    assert code == 0, out
    assert out.splitlines() == [
        "OK: 4 events of 1 subject; 1 signed checkpoint, the latest covering 4 events"
    ]
