"""A command given a database URL it cannot use says so without its password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["serve"], ["keys", "list"], ["expire"]])
def test_a_malformed_database_url_is_one_line_without_the_password(
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(
        "CREDIT_LEDGER_DATABASE_URL", "postgresql://ledger:Kw9%ssZq@127.0.0.1:1/credit"
    )

    assert main(command) == 2

    printed = capsys.readouterr()
    assert printed.out == ""
    [line] = printed.err.splitlines()
    assert line.startswith("error: CREDIT_LEDGER_DATABASE_URL: not a PostgreSQL URL")
    assert "Kw9" not in line and "ssZq" not in line


def test_an_unreachable_database_is_reported_without_the_password() -> None:
    url = "postgresql://ledger:Kw9ssZq@127.0.0.1:1/credit"
    ran = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "keys", "list"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CREDIT_LEDGER_DATABASE_URL": url},
        timeout=60,
    )

    assert ran.returncode != 0
    assert "Connection refused" in ran.stderr
    assert "Kw9ssZq" not in ran.stdout + ran.stderr
