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

    assert main(["calendar", "import", str(source)]) == 2

    assert not operator_file.exists()
    assert "error" in capsys.readouterr().err


def test_a_year_the_bundled_calendar_has_is_replaced_only_when_asked(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo for 2027: read as 2024, it would drop 2024's National Day holidays.
    source = tmp_path / "2024.json"
    source.write_text(
        json.dumps({**YEAR_2027, "year": 2024, "holidays": [], "workdays": []}),
        encoding="utf-8",
    )
    bundled = load_calendar(operator_file).add_working_days(date(2024, 9, 30), 7)

    assert main(["calendar", "import", str(source)]) == 2
    assert "already has 2024; give --override-bundled" in capsys.readouterr().err
    assert not operator_file.exists()
    assert load_calendar(operator_file).add_working_days(date(2024, 9, 30), 7) == (
        bundled
    )

    assert main(["calendar", "import", "--override-bundled", str(source)]) == 0
    replaced = load_calendar(operator_file).add_working_days(date(2024, 9, 30), 7)
    assert replaced.due_on < bundled.due_on


def test_a_file_without_a_year_is_refused_and_nothing_written(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "empty.json"
    source.write_text("[]", encoding="utf-8")

    assert main(["calendar", "import", str(source)]) == 2

    assert "holds no year" in capsys.readouterr().err
    assert not operator_file.exists()


def test_years_lists_a_gap_between_imported_years_as_separate_ranges(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for year in (2027, 2030):
        source = tmp_path / f"{year}.json"
        table = {
            **YEAR_2027,
            "year": year,
            "holidays": [f"{year}-01-01"],
            "workdays": [],
        }
        source.write_text(json.dumps(table), encoding="utf-8")
        assert main(["calendar", "import", str(source)]) == 0
    capsys.readouterr()

    assert main(["calendar", "years"]) == 0

    assert capsys.readouterr().out == "2004–2027, 2030\n"


def test_a_calendar_file_that_cannot_be_written_is_named_with_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "2027.json"
    source.write_text(json.dumps(YEAR_2027), encoding="utf-8")
    # A folder where the calendar file's folder should be: nothing can go there.
    (tmp_path / "blocked").write_text("a file, not a folder", encoding="utf-8")
    target = tmp_path / "blocked" / "calendar.json"
    monkeypatch.setenv("CREDIT_LEDGER_HOLIDAY_CALENDAR", str(target))

    assert main(["calendar", "import", str(source)]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {target}: ")


def test_a_year_file_that_is_not_there_is_named_with_status_2(
    tmp_path: Path, operator_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "missing.json"

    assert main(["calendar", "import", str(source)]) == 2

    assert capsys.readouterr().err == f"error: {source}: No such file or directory\n"
    assert not operator_file.exists()
