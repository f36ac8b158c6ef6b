from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.calendar import (
    WorkingDayCalendar,
    WorkingDayDeadline,
    YearTable,
    parse_year_table,
)


def days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(n) for n in range((last - first).days + 1))


# Official 2022 Spring Festival and National Day arrangements (国办发明电〔2021〕11号).
TABLE_2022 = YearTable(
    year=2022,
    holidays=days(date(2022, 1, 31), date(2022, 2, 6))
    | days(date(2022, 10, 1), date(2022, 10, 7)),
    adjusted_workdays=frozenset(
        {date(2022, 1, 29), date(2022, 1, 30), date(2022, 10, 8), date(2022, 10, 9)}
    ),
    source="国办发明电〔2021〕11号",
)
CALENDAR = WorkingDayCalendar({2022: TABLE_2022})


def year_json(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "year": 2027,
        "source": "operator table",
        "holidays": ["2027-01-01", "2027-02-08"],
        "workdays": ["2027-02-06"],
    }
    return data | overrides


def test_national_day_holiday_is_not_a_working_day() -> None:
    assert not CALENDAR.is_working_day(date(2022, 10, 3))


def test_adjusted_weekend_workday_is_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2022, 10, 8))


def test_ordinary_saturday_is_not_a_working_day() -> None:
    assert not CALENDAR.is_working_day(date(2022, 10, 15))


def test_seven_working_days_span_the_national_day_holiday() -> None:
    # After 09-30: 10-08, 10-09, 10-10, 10-11, 10-12, 10-13, 10-14.
    deadline = CALENDAR.add_working_days(date(2022, 9, 30), 7)

    assert deadline == WorkingDayDeadline(
        due_on=date(2022, 10, 14), fallback_used=False
    )


def test_spring_festival_counts_adjusted_workdays_and_skips_holidays() -> None:
    # After Fri 01-28: Sat 01-29, Sun 01-30, then nothing until Mon 02-07.
    deadline = CALENDAR.add_working_days(date(2022, 1, 28), 3)

    assert deadline.due_on == date(2022, 2, 7)


def test_deadline_starts_counting_the_day_after_start() -> None:
    deadline = CALENDAR.add_working_days(date(2022, 3, 1), 1)

    assert deadline.due_on == date(2022, 3, 2)


def test_zero_working_days_is_the_start_itself() -> None:
    deadline = CALENDAR.add_working_days(date(2022, 10, 1), 0)

    assert deadline == WorkingDayDeadline(due_on=date(2022, 10, 1), fallback_used=False)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        CALENDAR.add_working_days(date(2022, 10, 1), -1)


def test_year_without_table_falls_back_to_monday_to_friday_and_says_so() -> None:
    # Thu 2027-09-30: Fri 10-01, then Mon 10-04 .. Fri 10-08, then Mon 10-11.
    deadline = CALENDAR.add_working_days(date(2027, 9, 30), 7)

    assert deadline == WorkingDayDeadline(due_on=date(2027, 10, 11), fallback_used=True)


def test_walking_into_an_uncovered_year_reports_the_fallback() -> None:
    deadline = CALENDAR.add_working_days(date(2022, 12, 30), 1)

    assert deadline == WorkingDayDeadline(due_on=date(2023, 1, 2), fallback_used=True)


def test_uncovered_year_is_not_covered() -> None:
    assert CALENDAR.covers(date(2022, 6, 1))
    assert not CALENDAR.covers(date(2023, 6, 1))


def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert CALENDAR.working_days_between(date(2022, 9, 30), date(2022, 10, 14)) == 7


def test_working_days_between_is_zero_when_end_is_not_after_start() -> None:
    assert CALENDAR.working_days_between(date(2022, 10, 14), date(2022, 9, 30)) == 0


def test_with_year_adds_a_table_without_changing_the_original() -> None:
    table_2027 = parse_year_table(year_json())

    extended = CALENDAR.with_year(table_2027)

    assert extended.covered_years == (2022, 2027)
    assert CALENDAR.covered_years == (2022,)
    assert extended.is_working_day(date(2027, 2, 6))
    assert not extended.is_working_day(date(2027, 2, 8))


def test_with_year_replaces_an_existing_table() -> None:
    empty_2022 = YearTable(2022, frozenset(), frozenset(), "blank")

    replaced = CALENDAR.with_year(empty_2022)

    assert replaced.is_working_day(date(2022, 10, 3))


def test_a_deadline_asked_again_is_the_same_and_a_new_table_counts_anew() -> None:
    start = date(2022, 9, 29)
    first = CALENDAR.add_working_days(start, 3)

    again = CALENDAR.add_working_days(start, 3)
    blank = CALENDAR.with_year(YearTable(2022, frozenset(), frozenset(), "blank"))

    assert again == first == WorkingDayDeadline(date(2022, 10, 9), False)
    assert blank.add_working_days(start, 3).due_on == date(2022, 10, 4)


def test_table_filed_under_the_wrong_year_is_refused() -> None:
    with pytest.raises(ValueError, match="table for 2022 filed under year 2023"):
        WorkingDayCalendar({2023: TABLE_2022})


def test_parse_year_table_reads_the_operator_format() -> None:
    table = parse_year_table(year_json())

    assert table == YearTable(
        year=2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 2, 8)}),
        adjusted_workdays=frozenset({date(2027, 2, 6)}),
        source="operator table",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": 2027, "source": "x", "holidays": []}, "missing workdays"),
        (year_json(workday=[]), "unknown keys workday"),
        (year_json(year="2027"), "'year' must be an integer"),
        (year_json(year=True), "'year' must be an integer"),
        (year_json(source="  "), "'source' must be a non-empty string"),
        (year_json(holidays="2027-01-01"), "'holidays' must be a list"),
        (year_json(holidays=["2027/01/01"]), "'2027/01/01' is not a YYYY-MM-DD date"),
        (year_json(holidays=[20270101]), "20270101 is not a YYYY-MM-DD date"),
        (year_json(holidays=["2027-02-30"]), "'2027-02-30' is not a real date"),
        (year_json(holidays=["2026-12-31"]), "holiday 2026-12-31 is not in year 2027"),
        (year_json(workdays=["2028-01-01"]), "workday 2028-01-01 is not in year 2027"),
        (
            year_json(holidays=["2027-02-06"]),
            "2027-02-06 is listed both as holiday and as workday",
        ),
        (year_json(workdays=["2027-02-09"]), "workday 2027-02-09 is a Tuesday"),
    ],
)
def test_parse_year_table_explains_what_is_wrong(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_year_table(data)
