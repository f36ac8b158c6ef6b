"""How long an administrative-penalty decision is published (domain.md rule 9).

The national rules changed over time, so the regime in force on the decision date
applies; the first regime also covers every earlier date.

Operators may replace the table with JSON read by :func:`policy_from_json`, a list
of regimes in any order::

    [
      {
        "regime_id": "ndrc-order-58-2023",
        "effective_from": "2023-05-01",
        "source": "NDRC Order No. 58 (2023)",
        "general": {"minimum_months": 3, "maximum_months": 36},
        "serious": {"minimum_months": 3, "maximum_months": 36},
        "serious_special_sector": {"minimum_months": 12, "maximum_months": 36}
      }
    ]

``serious_special_sector`` (work safety, fire, special equipment) may be null or
left out. Regime ids and effective dates must be unique.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeAlias

from domain.errors import InvalidRecord


class Severity(StrEnum):
    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


class PenaltyType(StrEnum):
    WARNING = "warning"
    CIRCULATED_CRITICISM = "circulated_criticism"
    FINE = "fine"
    CONFISCATION = "confiscation"
    LICENCE_SUSPENSION = "licence_suspension"
    LICENCE_REVOCATION = "licence_revocation"
    PRACTICE_RESTRICTION = "practice_restriction"
    DETENTION = "detention"
    OTHER = "other"


# 警告、通报批评 alone make a penalty minor, whatever severity was reported.
MINOR_ONLY_TYPES = frozenset({PenaltyType.WARNING, PenaltyType.CIRCULATED_CRITICISM})
_SPECIAL_SECTOR = re.compile(
    r"安全生产|消防|特种设备|(?<![a-z])(?:work[\s_-]safety|fire|special[\s_-]equipment)(?![a-z])",
    re.IGNORECASE,
)
_REGIME_KEYS = frozenset(
    {"regime_id", "effective_from", "source", "general", "serious"}
)
_RULE_KEYS = frozenset({"minimum_months", "maximum_months"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PeriodRule:
    minimum_months: int
    maximum_months: int

    def __post_init__(self) -> None:
        if (
            not 0 <= self.minimum_months <= self.maximum_months
            or self.maximum_months < 1
        ):
            raise ValueError(
                f"publicity period needs 0 <= minimum <= maximum and maximum >= 1, got "
                f"minimum {self.minimum_months}, maximum {self.maximum_months}"
            )


@dataclass(frozen=True)
class PublicityRegime:
    regime_id: str
    effective_from: date
    source: str
    general: PeriodRule
    serious: PeriodRule
    serious_special_sector: PeriodRule | None


PublicityPolicy: TypeAlias = tuple[PublicityRegime, ...]

DEFAULT_PUBLICITY_POLICY: PublicityPolicy = (
    PublicityRegime(
        regime_id="fgw-2019-527",
        effective_from=date(2019, 7, 1),
        source="发改办财金〔2019〕527号",
        general=PeriodRule(3, 12),
        serious=PeriodRule(6, 36),
        serious_special_sector=None,
    ),
    PublicityRegime(
        regime_id="ndrc-order-58-2023",
        effective_from=date(2023, 5, 1),
        source="NDRC Order No. 58 (2023)",
        general=PeriodRule(3, 36),
        serious=PeriodRule(3, 36),
        serious_special_sector=PeriodRule(12, 36),
    ),
    PublicityRegime(
        regime_id="ndrc-order-36-2025",
        effective_from=date(2026, 4, 1),
        source="NDRC Order No. 36 (2025), 国办发〔2025〕22号",
        general=PeriodRule(3, 12),
        serious=PeriodRule(12, 36),
        serious_special_sector=None,
    ),
)


@dataclass(frozen=True)
class PublicityTerms:
    regime_id: str
    published: bool
    minimum_until: date | None
    maximum_until: date | None
    reason: str


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the end of a shorter month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    last_day = (first_of_next - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def regime_for(
    decided_on: date, policy: PublicityPolicy = DEFAULT_PUBLICITY_POLICY
) -> PublicityRegime:
    if not policy:
        raise ValueError("publicity policy has no regimes")
    in_force = [r for r in policy if r.effective_from <= decided_on]
    if not in_force:
        return min(policy, key=lambda r: r.effective_from)
    return max(in_force, key=lambda r: r.effective_from)


def is_special_sector(violation_type: str) -> bool:
    """Work safety, fire or special equipment: sectors with longer serious periods."""
    return _SPECIAL_SECTOR.search(violation_type) is not None


def penalty_publicity(
    decided_on: date,
    severity: Severity,
    penalty_types: Collection[PenaltyType],
    violation_type: str,
    policy: PublicityPolicy = DEFAULT_PUBLICITY_POLICY,
) -> PublicityTerms:
    if not penalty_types:
        msg = "a penalty decision needs at least one penalty type"
        raise InvalidRecord(msg, "penalty_types")
    regime = regime_for(decided_on, policy)
    if set(penalty_types) <= MINOR_ONLY_TYPES:
        return _unpublished(
            regime, "a penalty of only a warning and/or circulated criticism is minor"
        )
    if severity is Severity.MINOR:
        return _unpublished(regime, "the penalty is minor")
    rule, label = regime.general, "general"
    if severity is Severity.SERIOUS:
        rule, label = regime.serious, "serious"
        if regime.serious_special_sector and is_special_sector(violation_type):
            rule, label = regime.serious_special_sector, "serious special-sector"
    return PublicityTerms(
        regime_id=regime.regime_id,
        published=True,
        minimum_until=add_months(decided_on, rule.minimum_months),
        maximum_until=add_months(decided_on, rule.maximum_months),
        reason=(
            f"{label} penalty under {regime.source}: published at least "
            f"{rule.minimum_months} and at most {rule.maximum_months} months"
        ),
    )


def _unpublished(regime: PublicityRegime, why: str) -> PublicityTerms:
    return PublicityTerms(
        regime_id=regime.regime_id,
        published=False,
        minimum_until=None,
        maximum_until=None,
        reason=(
            f"not published: {why}, and minor penalties are not published "
            f"({regime.source})"
        ),
    )


def policy_from_json(data: Sequence[Mapping[str, object]]) -> PublicityPolicy:
    """Read an operator-supplied policy (format in the module docstring)."""
    if isinstance(data, str | bytes) or not isinstance(data, Sequence) or not data:
        raise ValueError("publicity policy must be a non-empty list of regimes")
    regimes = sorted(
        (_regime_from_json(i, item) for i, item in enumerate(data)),
        key=lambda r: r.effective_from,
    )
    for key in ("regime_id", "effective_from"):
        values = [getattr(r, key) for r in regimes]
        duplicates = sorted({str(v) for v in values if values.count(v) > 1})
        if duplicates:
            raise ValueError(f"publicity policy repeats {key} {duplicates[0]}")
    return tuple(regimes)


def policy_to_json(policy: PublicityPolicy) -> list[dict[str, object]]:
    """The inverse of :func:`policy_from_json`."""
    return [
        {
            "regime_id": r.regime_id,
            "effective_from": r.effective_from.isoformat(),
            "source": r.source,
            "general": _rule_to_json(r.general),
            "serious": _rule_to_json(r.serious),
            "serious_special_sector": (
                _rule_to_json(r.serious_special_sector)
                if r.serious_special_sector
                else None
            ),
        }
        for r in policy
    ]


def _regime_from_json(index: int, item: object) -> PublicityRegime:
    where = f"publicity regime #{index + 1}"
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} must be an object")
    _check_keys(where, item, _REGIME_KEYS, _REGIME_KEYS | {"serious_special_sector"})
    regime_id, source, effective = (
        item["regime_id"],
        item["source"],
        item["effective_from"],
    )
    for key, value in (("regime_id", regime_id), ("source", source)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: {key!r} must be a non-empty string")
    if not isinstance(effective, str) or not _ISO_DATE.fullmatch(effective):
        raise ValueError(f"{where}: 'effective_from' must be a YYYY-MM-DD date")
    try:
        effective_from = date.fromisoformat(effective)
    except ValueError:
        raise ValueError(
            f"{where}: 'effective_from' {effective!r} is not a real date"
        ) from None
    special = item.get("serious_special_sector")
    return PublicityRegime(
        regime_id=str(regime_id).strip(),
        effective_from=effective_from,
        source=str(source).strip(),
        general=_rule_from_json(f"{where} 'general'", item["general"]),
        serious=_rule_from_json(f"{where} 'serious'", item["serious"]),
        serious_special_sector=(
            None
            if special is None
            else _rule_from_json(f"{where} 'serious_special_sector'", special)
        ),
    )


def _rule_from_json(where: str, value: object) -> PeriodRule:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be an object")
    _check_keys(where, value, _RULE_KEYS, _RULE_KEYS)
    months: list[int] = []
    for key in ("minimum_months", "maximum_months"):
        number = value[key]
        if not isinstance(number, int) or isinstance(number, bool):
            raise ValueError(f"{where}: {key!r} must be an integer, got {number!r}")
        months.append(number)
    try:
        return PeriodRule(*months)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _rule_to_json(rule: PeriodRule) -> dict[str, object]:
    return {
        "minimum_months": rule.minimum_months,
        "maximum_months": rule.maximum_months,
    }


def _check_keys(
    where: str,
    item: Mapping[object, object],
    required: frozenset[str],
    allowed: frozenset[str],
) -> None:
    missing = sorted(required - item.keys())
    if missing:
        raise ValueError(f"{where} is missing {', '.join(missing)}")
    unknown = sorted(str(k) for k in item.keys() - allowed)
    if unknown:
        raise ValueError(f"{where} has unknown keys {', '.join(unknown)}")
