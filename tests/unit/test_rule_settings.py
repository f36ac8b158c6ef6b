"""Grade, inspection and repair rules come from the environment."""

from __future__ import annotations

import pytest

from domain.calendar import WorkingDayCalendar
from domain.grading import Grade
from infrastructure.ledger_setup import build_rules
from infrastructure.settings import Settings


def test_the_documented_defaults_are_the_rules_when_nothing_is_set() -> None:
    rules = build_rules(Settings(), WorkingDayCalendar({}))

    assert (
        rules.grading.breach_lookback_days,
        rules.grading.general_penalties_for_poor,
    ) == (365, 3)
    assert rules.inspection.ratio == {
        Grade.HIGH: 0.03,
        Grade.MEDIUM: 0.10,
        Grade.POOR: 0.30,
    }
    assert rules.inspection.checks_per_year == {
        Grade.HIGH: 0,
        Grade.MEDIUM: 1,
        Grade.POOR: 2,
    }
    assert (
        rules.repair.serious_repair_cooldown_days,
        rules.repair.max_repairs_in_window,
    ) == (
        365,
        2,
    )


def test_the_environment_sets_grades_inspection_and_repair_refusals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "GRADE_GENERAL_PENALTIES_FOR_POOR": "2",
        "INSPECTION_RATIO_MEDIUM": "0.25",
        "INSPECTION_CHECKS_PER_YEAR_POOR": "4",
        "REPAIR_MAX_IN_WINDOW": "off",
        "REPAIR_SERIOUS_COOLDOWN_DAYS": "",
        "REPAIR_LISTING_AFTER_MONTHS": "18",
    }.items():
        monkeypatch.setenv(f"CREDIT_LEDGER_{name}", value)

    rules = build_rules(Settings(), WorkingDayCalendar({}))

    assert rules.grading.general_penalties_for_poor == 2
    assert rules.inspection.ratio[Grade.MEDIUM] == 0.25
    assert rules.inspection.checks_per_year[Grade.POOR] == 4
    assert rules.repair.max_repairs_in_window is None
    assert rules.repair.serious_repair_cooldown_days is None
    assert rules.repair.listing_after_months == 18


def test_a_ratio_above_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_INSPECTION_RATIO_HIGH", "1.5")

    with pytest.raises(ValueError, match="inspection_ratio_high"):
        Settings()
