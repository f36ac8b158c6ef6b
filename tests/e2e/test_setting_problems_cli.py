"""A setting that fails its checks, or names a file that cannot be used, stops
a command before it starts: one line naming the setting, exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli.main import main
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings

PASSWORD = "Kw9ssZq"
IMPORT = ["import", "lines.ndjson", "--department", "tax", "--workers", "2"]


@pytest.fixture
def database(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    build_services(Settings()).close()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lines.ndjson").write_text('{"subject": "x"}\n', encoding="utf-8")
    year = {"year": 2031, "source": "notice", "holidays": [], "workdays": []}
    (tmp_path / "2031.json").write_text(json.dumps(year), encoding="utf-8")
    return store_url


@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        ("DATABASE_URL", f"mysql://ledger:{PASSWORD}@db/credit", "not a database URL"),
        ("DATABASE_URL", f"ledger:{PASSWORD}@db/credit", "not a database URL"),
        ("TIMEZONE", "Mars/Olympus", "not a time zone"),
        ("MAX_BODY_BYTES", "-5", "Input should be greater than or equal to 1"),
    ],
)
@pytest.mark.parametrize(
    "command", [["keys", "list"], ["expire"], IMPORT], ids=" ".join
)
def test_a_value_that_fails_its_check_is_one_line_without_the_value(
    setting: str,
    value: str,
    problem: str,
    command: list[str],
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(f"CREDIT_LEDGER_{setting}", value)

    code = main(command)

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"error: CREDIT_LEDGER_{setting}: {problem}")
    assert PASSWORD not in line and "Olympus" not in line


UNUSABLE_FILES = {
    "missing": (None, "No such file or directory"),
    "folder": ("", "Is a directory"),
    "not JSON": ("{bad", "Expecting property name"),
    "not UTF-8": (b"\xff\xfe[]", "can't decode byte 0xff"),
    "not a table": ("[1]", "object"),
}


def unusable_file(tmp_path: Path, kind: str) -> tuple[Path, str]:
    content, reason = UNUSABLE_FILES[kind]
    path = tmp_path / "setting.json"
    if content == "":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path, reason


def assert_file_setting_refused(
    setting: str,
    kind: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``command``, with ``setting`` naming a file of that kind, stops with one
    line naming the setting, the file and why."""
    path, reason = unusable_file(tmp_path, kind)
    monkeypatch.setenv(setting, str(path))

    code = main(command)

    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith(f"error: {setting}: cannot use {path}: ")
    assert reason in line


@pytest.mark.parametrize("kind", sorted(UNUSABLE_FILES))
@pytest.mark.parametrize(
    "command", [["expire"], ["serve"], ["replay", "x"], IMPORT], ids=" ".join
)
def test_a_publicity_policy_file_that_cannot_be_used_is_one_line(
    kind: str,
    command: list[str],
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert_file_setting_refused(
        "CREDIT_LEDGER_PUBLICITY_POLICY_FILE",
        kind,
        command,
        tmp_path,
        monkeypatch,
        capsys,
    )


@pytest.mark.parametrize("kind", sorted(set(UNUSABLE_FILES) - {"missing"}))
@pytest.mark.parametrize(
    "command",
    [
        ["calendar", "years"],
        ["expire"],
        ["serve"],
        IMPORT,
        ["calendar", "import", "2031.json"],
    ],
    ids=" ".join,
)
def test_a_holiday_calendar_that_cannot_be_used_is_one_line(
    kind: str,
    command: list[str],
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert_file_setting_refused(
        "CREDIT_LEDGER_HOLIDAY_CALENDAR", kind, command, tmp_path, monkeypatch, capsys
    )


def test_a_missing_holiday_calendar_is_no_problem(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_HOLIDAY_CALENDAR", str(tmp_path / "none.json"))

    assert main(["calendar", "years"]) == 0
    assert capsys.readouterr().out.strip()
