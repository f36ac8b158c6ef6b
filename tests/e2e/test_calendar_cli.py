"""`credit-ledger calendar import` adds a year the bundled calendar lacks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from api.cli.main import main
from infrastructure.holidays import load_calendar

YEAR_2027 = {
    "year": 2027,
    "source": "test notice",
    "holidays": ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10"],
    "workdays": ["2027-02-06"],
}


@pytest.fixture
def operator_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "calendar.json"
    monkeypatch.setenv("CREDIT_LEDGER_HOLIDAY_CALENDAR", str(target))
    return target


def test_an_imported_year_replaces_the_weekday_fallback(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "2027.json"
    source.write_text(json.dumps(YEAR_2027), encoding="utf-8")
    assert (
        load_calendar(operator_file).add_working_days(date(2027, 2, 5), 1).fallback_used
    )

    assert main(["calendar", "import", str(source)]) == 0

    deadline = load_calendar(operator_file).add_working_days(date(2027, 2, 5), 2)
    assert deadline.fallback_used is False
    assert deadline.due_on == date(2027, 2, 11)
    assert "Imported 2027" in capsys.readouterr().out


def test_a_year_file_with_a_weekday_workday_is_refused_and_nothing_written(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(
        json.dumps({**YEAR_2027, "workdays": ["2027-02-08"]}), encoding="utf-8"
    )

    assert main(["calendar", "import", str(source)]) == 1

    assert not operator_file.exists()
    assert "error" in capsys.readouterr().err
