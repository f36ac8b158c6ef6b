"""A command that reads or looks after a store refuses an SQLite file that is
not there, rather than making an empty store and answering from it; the
commands of a first start still make one."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli.main import main
from tests.factories import uscc

READING_COMMANDS = [
    ["export", "penalties"],
    ["replay", uscc(1)],
    ["expire"],
    ["keys", "list"],
    ["keys", "revoke", "0123456789abcdef"],
    ["keys", "rotate", "0123456789abcdef"],
    ["audit", "access-log"],
    ["audit", "checkpoint"],
    ["audit", "verify"],
    ["projections", "rebuild"],
    ["relay", "--once"],
    ["project", "--source", "kafka"],
]


@pytest.fixture
def missing_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    missing = tmp_path / "typo" / "ledgr.sqlite3"
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", f"sqlite:///{missing}")
    # Refused before any broker is asked.
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    return missing


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_a_store_that_is_not_there_is_refused_and_not_made(
    command: list[str], missing_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(command)

    printed = capsys.readouterr()
    assert code == 2
    assert printed.out == ""
    [line] = printed.err.splitlines()
    assert line.startswith("error: CREDIT_LEDGER_DATABASE_URL: no store at ")
    assert str(missing_store) in line
    assert not missing_store.parent.exists()


def test_the_first_key_makes_the_store(
    missing_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["keys", "create", "--department", "tax", "--scope", "admin"])

    assert code == 0
    assert missing_store.is_file()
    assert main(["keys", "list"]) == 0
    assert "tax" in capsys.readouterr().out


@pytest.mark.parametrize(
    "url",
    ["sqlite://rel.sqlite3", "sqlite:rel.sqlite3", "sqlite:///", "sqlite:///x?mode=ro"],
)
def test_a_malformed_sqlite_url_is_a_settings_error_that_makes_nothing(
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)

    code = main(["keys", "create", "--department", "tax", "--scope", "admin"])

    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: CREDIT_LEDGER_DATABASE_URL: not an SQLite URL")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url", ["sqlite:///var/ledger.sqlite3", "sqlite:///{tmp}/var/ledger.sqlite3"]
)
def test_the_documented_sqlite_urls_name_a_file_to_make(
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url.format(tmp=tmp_path))

    assert main(["keys", "create", "--department", "tax", "--scope", "admin"]) == 0

    assert (tmp_path / "var" / "ledger.sqlite3").is_file()
