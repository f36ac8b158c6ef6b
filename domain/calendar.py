"""Chinese statutory working days, from per-year tables (pure; no data source here).

A year without a table falls back to Monday-Friday, and every deadline says
whether that fallback was used so callers can report it.

Operator-supplied year tables (for years the bundled calendar does not cover) are
JSON objects read by :func:`parse_year_table`::

    {
      "year": 2027,
      "source": "国办发明电〔2026〕x号",
      "holidays": ["2027-01-01", "2027-02-06"],
      "workdays": ["2027-02-07"]
    }

``holidays`` are the statutory days off (weekdays and any weekend days inside a
holiday period); ``workdays`` are the adjusted working days, which must fall on a
Saturday or Sunday. Dates are ``YYYY-MM-DD``, all in ``year``; the two lists must
not share a date. All four keys are required and no others are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
# Spelled out because strftime("%A") follows the process locale.
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_YEAR_TABLE_KEYS = frozenset({"year", "source", "holidays", "workdays"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class YearTable:
    year: int
    holidays: frozenset[date]
    adjusted_workdays: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        for label, days in (
            ("holiday", self.holidays),
            ("workday", self.adjusted_workdays),
        ):
            outside = sorted(d for d in days if d.year != self.year)
            if outside:
                raise ValueError(f"{label} {outside[0]} is not in year {self.year}")
        both = sorted(self.holidays & self.adjusted_workdays)
        if both:
            raise ValueError(f"{both[0]} is listed both as holiday and as workday")
        weekdays = sorted(d for d in self.adjusted_workdays if d.weekday() < _SATURDAY)
        if weekdays:
            raise ValueError(
                f"workday {weekdays[0]} is a {_DAY_NAMES[weekdays[0].weekday()]}; "
                "adjusted workdays must be Saturdays or Sundays"
            )


@dataclass(frozen=True)
class WorkingDayDeadline:
    due_on: date
    # True when some day counted lies in a year without a table (Mon-Fri guess).
    fallback_used: bool


_KEPT_DEADLINES = 100_000


class WorkingDayCalendar:
    def __init__(self, tables: Mapping[int, YearTable]) -> None:
        for year, table in tables.items():
            if year != table.year:
                raise ValueError(f"table for {table.year} filed under year {year}")
        self._tables: dict[int, YearTable] = dict(tables)
        # Deadlines already counted: a bulk import asks for the same few thousand.
        self._deadlines: dict[tuple[date, int], WorkingDayDeadline] = {}

    @property
    def covered_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._tables))

    def covers(self, day: date) -> bool:
        return day.year in self._tables

    def is_working_day(self, day: date) -> bool:
        table = self._tables.get(day.year)
        if table is None:
            return day.weekday() < _SATURDAY
        if day in table.holidays:
            return False
        return day.weekday() < _SATURDAY or day in table.adjusted_workdays

    def add_working_days(self, start: date, n: int) -> WorkingDayDeadline:
        """The n-th working day strictly after ``start`` (``start`` itself if n=0)."""
        if n < 0:
            raise ValueError(f"number of working days must not be negative, got {n}")
        known = self._deadlines.get((start, n))
        if known is not None:
            return known
        day, remaining, fallback_used = start, n, False
        while remaining:
            day += _ONE_DAY
            fallback_used = fallback_used or not self.covers(day)
            if self.is_working_day(day):
                remaining -= 1
        deadline = WorkingDayDeadline(due_on=day, fallback_used=fallback_used)
        if len(self._deadlines) >= _KEPT_DEADLINES:
            self._deadlines.clear()
        self._deadlines[(start, n)] = deadline
        return deadline

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when ``end`` is not after ``start``."""
        return sum(
            self.is_working_day(start + timedelta(days=offset))
            for offset in range(1, (end - start).days + 1)
        )

    def with_year(self, table: YearTable) -> WorkingDayCalendar:
        return WorkingDayCalendar({**self._tables, table.year: table})


def parse_year_table(data: Mapping[str, object]) -> YearTable:
    """Read one operator-supplied year table (format in the module docstring)."""
    missing = sorted(_YEAR_TABLE_KEYS - data.keys())
    if missing:
        raise ValueError(f"calendar table is missing {', '.join(missing)}")
    unknown = sorted(set(data.keys()) - _YEAR_TABLE_KEYS)
    if unknown:
        raise ValueError(f"calendar table has unknown keys {', '.join(unknown)}")
    year, source = data["year"], data["source"]
    if not isinstance(year, int) or isinstance(year, bool):
        raise ValueError(f"calendar 'year' must be an integer, got {year!r}")
    if not isinstance(source, str) or not source.strip():
        raise ValueError("calendar 'source' must be a non-empty string")
    return YearTable(
        year=year,
        holidays=_parse_dates("holidays", data["holidays"]),
        adjusted_workdays=_parse_dates("workdays", data["workdays"]),
        source=source.strip(),
    )


def _parse_dates(key: str, value: object) -> frozenset[date]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"calendar {key!r} must be a list of YYYY-MM-DD dates")
    days: set[date] = set()
    for item in value:
        if not isinstance(item, str) or not _ISO_DATE.fullmatch(item):
            raise ValueError(f"calendar {key!r}: {item!r} is not a YYYY-MM-DD date")
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ValueError(f"calendar {key!r}: {item!r} is not a real date") from None
    return frozenset(days)
