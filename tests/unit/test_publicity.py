from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

import pytest

from domain.errors import InvalidRecord
from domain.publicity import (
    DEFAULT_PUBLICITY_POLICY,
    PenaltyType,
    PeriodRule,
    PublicityRegime,
    PublicityTerms,
    Severity,
    add_months,
    is_special_sector,
    penalty_publicity,
    policy_from_json,
    policy_to_json,
    regime_for,
)

FINE = [PenaltyType.FINE]


def regime_json(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "regime_id": "local-2030",
        "effective_from": "2030-01-01",
        "source": "local order",
        "general": {"minimum_months": 1, "maximum_months": 6},
        "serious": {"minimum_months": 6, "maximum_months": 24},
    }
    return data | overrides


@pytest.mark.parametrize(
    ("decided_on", "regime_id"),
    [
        (date(2015, 1, 1), "fgw-2019-527"),
        (date(2023, 4, 30), "fgw-2019-527"),
        (date(2023, 5, 1), "ndrc-order-58-2023"),
        (date(2026, 3, 31), "ndrc-order-58-2023"),
        (date(2026, 4, 1), "ndrc-order-36-2025"),
        (date(2040, 1, 1), "ndrc-order-36-2025"),
    ],
)
def test_regime_in_force_on_the_decision_date_applies(
    decided_on: date, regime_id: str
) -> None:
    assert regime_for(decided_on).regime_id == regime_id


def test_general_penalty_before_2023_is_published_three_months_to_one_year() -> None:
    terms = penalty_publicity(date(2022, 6, 15), Severity.GENERAL, FINE, "pricing")

    assert terms.regime_id == "fgw-2019-527"
    assert terms.published
    assert terms.minimum_until == date(2022, 9, 15)
    assert terms.maximum_until == date(2023, 6, 15)


def test_serious_penalty_before_2023_is_published_six_months_to_three_years() -> None:
    terms = penalty_publicity(date(2023, 4, 30), Severity.SERIOUS, FINE, "消防")

    assert (terms.minimum_until, terms.maximum_until) == (
        date(2023, 10, 30),
        date(2026, 4, 30),
    )


def test_serious_penalty_from_may_2023_has_a_three_month_minimum() -> None:
    terms = penalty_publicity(date(2023, 5, 1), Severity.SERIOUS, FINE, "pricing")

    assert terms.regime_id == "ndrc-order-58-2023"
    assert (terms.minimum_until, terms.maximum_until) == (
        date(2023, 8, 1),
        date(2026, 5, 1),
    )


@pytest.mark.parametrize(
    "violation", ["安全生产违法", "消防通道堵塞", "work_safety", "FIRE"]
)
def test_serious_special_sector_penalty_in_2023_has_a_one_year_minimum(
    violation: str,
) -> None:
    terms = penalty_publicity(date(2023, 5, 1), Severity.SERIOUS, FINE, violation)

    assert terms.minimum_until == date(2024, 5, 1)
    assert terms.maximum_until == date(2026, 5, 1)


def test_general_special_sector_penalty_in_2023_keeps_the_general_period() -> None:
    terms = penalty_publicity(date(2023, 5, 1), Severity.GENERAL, FINE, "特种设备")

    assert terms.minimum_until == date(2023, 8, 1)


def test_penalties_from_april_2026_follow_order_36() -> None:
    general = penalty_publicity(date(2026, 4, 1), Severity.GENERAL, FINE, "pricing")
    serious = penalty_publicity(date(2026, 4, 1), Severity.SERIOUS, FINE, "pricing")

    assert general.regime_id == serious.regime_id == "ndrc-order-36-2025"
    assert (general.minimum_until, general.maximum_until) == (
        date(2026, 7, 1),
        date(2027, 4, 1),
    )
    assert (serious.minimum_until, serious.maximum_until) == (
        date(2027, 4, 1),
        date(2029, 4, 1),
    )


@pytest.mark.parametrize(
    "types",
    [
        [PenaltyType.WARNING],
        [PenaltyType.CIRCULATED_CRITICISM],
        [PenaltyType.WARNING, PenaltyType.CIRCULATED_CRITICISM],
    ],
)
def test_warning_or_criticism_only_is_never_published(types: list[PenaltyType]) -> None:
    terms = penalty_publicity(date(2024, 1, 10), Severity.SERIOUS, types, "pricing")

    assert terms == PublicityTerms(
        regime_id="ndrc-order-58-2023",
        published=False,
        minimum_until=None,
        maximum_until=None,
        reason=terms.reason,
    )
    assert "warning" in terms.reason


def test_warning_with_a_fine_is_published() -> None:
    types = [PenaltyType.WARNING, PenaltyType.FINE]

    terms = penalty_publicity(date(2024, 1, 10), Severity.GENERAL, types, "pricing")

    assert terms.published


def test_minor_penalty_is_not_published() -> None:
    terms = penalty_publicity(date(2026, 5, 1), Severity.MINOR, FINE, "pricing")

    assert not terms.published
    assert terms.minimum_until is None
    assert "minor" in terms.reason


def test_penalty_without_types_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="at least one penalty type"):
        penalty_publicity(date(2024, 1, 10), Severity.GENERAL, [], "pricing")


def test_publicity_end_is_clamped_to_month_end() -> None:
    terms = penalty_publicity(date(2023, 11, 30), Severity.GENERAL, FINE, "pricing")

    assert terms.minimum_until == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 12, 15), 1, date(2024, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 8, 31), 3, date(2023, 11, 30)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 17), 0, date(2024, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("text", "special"),
    [
        ("安全生产", True),
        ("消防安全", True),
        ("特种设备", True),
        ("Special_Equipment", True),
        ("fire safety", True),
        ("firearms licence", False),
        ("食品安全", False),
    ],
)
def test_special_sectors_are_recognised_in_chinese_and_english(
    text: str, special: bool
) -> None:
    assert is_special_sector(text) is special


def test_default_policy_survives_a_json_round_trip() -> None:
    text = json.dumps(policy_to_json(DEFAULT_PUBLICITY_POLICY), ensure_ascii=False)

    policy = policy_from_json(json.loads(text))

    assert policy == DEFAULT_PUBLICITY_POLICY


def test_policy_from_json_sorts_regimes_and_defaults_special_sector() -> None:
    later = regime_json(regime_id="b", effective_from="2031-01-01")
    earlier = regime_json(regime_id="a")

    policy = policy_from_json([later, earlier])

    assert [r.regime_id for r in policy] == ["a", "b"]
    assert policy[0] == PublicityRegime(
        regime_id="a",
        effective_from=date(2030, 1, 1),
        source="local order",
        general=PeriodRule(1, 6),
        serious=PeriodRule(6, 24),
        serious_special_sector=None,
    )


def test_operator_policy_drives_penalty_publicity() -> None:
    policy = policy_from_json([regime_json()])

    terms = penalty_publicity(date(2030, 3, 1), Severity.GENERAL, FINE, "x", policy)

    assert (terms.regime_id, terms.maximum_until) == ("local-2030", date(2030, 9, 1))


def test_regime_for_an_empty_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="no regimes"):
        regime_for(date(2024, 1, 1), ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "non-empty list of regimes"),
        ("[]", "non-empty list of regimes"),
        (["x"], "regime #1 must be an object"),
        (
            [regime_json(), regime_json(effective_from="2031-01-01")],
            "repeats regime_id",
        ),
        ([regime_json(), regime_json(regime_id="b")], "repeats effective_from"),
        ([{"regime_id": "a"}], "missing effective_from, general, serious, source"),
        ([regime_json(extra=1)], "unknown keys extra"),
        ([regime_json(regime_id="")], "'regime_id' must be a non-empty string"),
        ([regime_json(effective_from="1/1/2030")], "must be a YYYY-MM-DD date"),
        ([regime_json(effective_from="2030-02-30")], "is not a real date"),
        ([regime_json(general=[3, 12])], "'general' must be an object"),
        (
            [regime_json(general={"minimum_months": 3})],
            "'general' is missing maximum_months",
        ),
        (
            [regime_json(serious={"minimum_months": "3", "maximum_months": 12})],
            "'minimum_months' must be an integer",
        ),
        (
            [regime_json(serious={"minimum_months": 3, "maximum_months": True})],
            "'maximum_months' must be an integer",
        ),
        (
            [
                regime_json(
                    serious_special_sector={"minimum_months": 13, "maximum_months": 12}
                )
            ],
            "'serious_special_sector': publicity period needs 0 <= minimum <= maximum",
        ),
    ],
)
def test_policy_from_json_explains_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        policy_from_json(cast(Sequence[Mapping[str, Any]], data))
