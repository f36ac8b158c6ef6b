"""The working-day calendar: bundled chinesecalendar years plus operator files."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import chinese_calendar.constants as bundled

from domain.calendar import WorkingDayCalendar, YearTable, parse_year_table
from infrastructure.setting_errors import UnusableSetting
from infrastructure.whole_files import write_whole

BUNDLED_SOURCE = "chinesecalendar (国务院办公厅 holiday notices)"


def bundled_year_tables() -> dict[int, YearTable]:
    holidays: dict[int, set[date]] = defaultdict(set)
    workdays: dict[int, set[date]] = defaultdict(set)
    for day in bundled.holidays:
        holidays[day.year].add(day)
    for day in bundled.workdays:
        workdays[day.year].add(day)
    return {
        year: YearTable(
            year=year,
            holidays=frozenset(holidays[year]),
            adjusted_workdays=frozenset(workdays[year]),
            source=BUNDLED_SOURCE,
        )
        for year in sorted(holidays)
    }


def read_operator_tables(path: Path) -> list[YearTable]:
    """An operator file holds one year object or a list (see domain.calendar)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        msg = "a year table is a JSON object"
        raise ValueError(msg)
    return [parse_year_table(item) for item in items]


def operator_tables(operator_file: Path) -> list[YearTable]:
    """The years of the operator calendar ``CREDIT_LEDGER_HOLIDAY_CALENDAR``
    names (none while there is no such file)."""
    if not operator_file.exists():
        return []
    try:
        return read_operator_tables(operator_file)
    except (OSError, ValueError) as error:
        raise UnusableSetting.unreadable(
            "holiday_calendar", operator_file, error
        ) from None


def load_calendar(operator_file: Path) -> WorkingDayCalendar:
    tables = bundled_year_tables()
    for table in operator_tables(operator_file):
        tables[table.year] = table
    return WorkingDayCalendar(tables)


class CalendarRefused(ValueError):
    """A year file that would not be imported as asked."""


def import_operator_year(
    source: Path, operator_file: Path, override_bundled: bool = False
) -> YearTable:
    """Validate a year file and merge it into the operator calendar file (whole,
    or not at all). A year the bundled calendar has is refused unless
    ``override_bundled``: a typo in the year would otherwise move deadlines."""
    new_tables = read_operator_tables(source)
    if not new_tables:
        msg = "the file holds no year"
        raise CalendarRefused(msg)
    bundled = bundled_year_tables()
    bundled_years = sorted(t.year for t in new_tables if t.year in bundled)
    if bundled_years and not override_bundled:
        msg = (
            f"the bundled calendar already has {', '.join(map(str, bundled_years))}; "
            "give --override-bundled to replace it"
        )
        raise CalendarRefused(msg)
    existing = {t.year: t for t in operator_tables(operator_file)}
    for table in new_tables:
        existing[table.year] = table
    operator_file.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        [
            {
                "year": t.year,
                "source": t.source,
                "holidays": sorted(d.isoformat() for d in t.holidays),
                "workdays": sorted(d.isoformat() for d in t.adjusted_workdays),
            }
            for t in sorted(existing.values(), key=lambda t: t.year)
        ],
        ensure_ascii=False,
        indent=2,
    )
    write_whole(operator_file, text.encode("utf-8"))
    return new_tables[-1]
