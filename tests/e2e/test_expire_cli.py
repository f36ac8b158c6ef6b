"""``credit-ledger expire`` as an operator runs it: it prints what it emitted and
how many; run twice at once (two processes), it stores each event once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import fields_of, listing, penalty, resident_id, uscc
from tests.view_scene import OFFICER

CLI = str(Path(sys.executable).with_name("credit-ledger"))
SUBJECTS = 10
# Decided in 2020 under the old regime: a general penalty is published for a
# year at most, so on any later clock both have long run out.
DECIDED = date(2020, 1, 10)
DUE = (
    penalty("P1", decided_on=DECIDED),
    listing("S1", decided_on=DECIDED, notified_on=None, term_ends_on=date(2021, 1, 10)),
)
EMITTED = re.compile(r"^Emitted (\d+) events", re.MULTILINE)


@pytest.fixture
def database(store_url: str) -> str:
    services = build_services(Settings())
    try:
        for n in range(1, SUBJECTS + 1):
            services.ledger.register_subject(uscc(n), f"subject {n}", OFFICER)
            for body in DUE:
                command = RecordCommand(
                    uscc(n), str(body["type"]), fields_of(body), OFFICER
                )
                services.ledger.record(command)
    finally:
        services.close()
    return store_url


def ended_records(code: str) -> list[tuple[str, str]]:
    services = build_services(Settings())
    try:
        history = services.ledger.history(code)
    finally:
        services.close()
    return sorted(
        (e.type, e.data["record_id"])
        for e in history
        if e.type in ("PublicityExpired", "Delisted")
    )


def test_expire_prints_each_event_and_the_count_then_nothing_the_second_time(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["expire"]) == 0
    first = capsys.readouterr().out
    assert main(["expire"]) == 0
    second = capsys.readouterr().out

    assert f"PublicityExpired  {uscc(1)}  record P1 on 2021-01-10" in first
    assert f"Delisted          {uscc(1)}  record S1 (expired) on 2021-01-10" in first
    assert (
        f"Emitted {2 * SUBJECTS} events (10 Delisted, 10 PublicityExpired) "
        f"for {SUBJECTS} subjects" in first
    )
    assert second.startswith("Emitted 0 events due on or before ")


def test_expire_masks_natural_persons_as_the_service_s_log_does(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person = resident_id(3)
    services = build_services(Settings())
    try:
        services.ledger.register_subject(person, "张三", OFFICER)
        command = RecordCommand(person, "PenaltyPublished", fields_of(DUE[0]), OFFICER)
        services.ledger.record(command)
    finally:
        services.close()

    assert main(["expire"]) == 0

    out = capsys.readouterr().out
    assert person not in out
    assert f"PublicityExpired  {person[:6]}********{person[-4:]}  record P1" in out


def test_two_expire_processes_at_once_store_each_event_once(database: str) -> None:
    env = {**os.environ, "CREDIT_LEDGER_DATABASE_URL": database}
    runs = [
        subprocess.Popen([CLI, "expire"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0]
    counts = [int(m.group(1)) for out in outputs for m in EMITTED.finditer(out)]
    assert sum(counts) == 2 * SUBJECTS
    for n in range(1, SUBJECTS + 1):
        assert ended_records(uscc(n)) == [
            ("Delisted", "S1"),
            ("PublicityExpired", "P1"),
        ]
