"""Graded supervision (seed §6, §9): high / medium / poor from active records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.records import CreditRecord, RecordKind, RecordStatus


class Grade(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    POOR = "poor"


@dataclass(frozen=True)
class GradeRules:
    """Defaults: a listing or serious penalty makes a subject poor; a general
    penalty or a breach within the lookback makes it medium; otherwise high."""

    breach_lookback_days: int = 365
    general_penalties_for_poor: int = 3


@dataclass(frozen=True)
class InspectionPolicy:
    """双随机 sampling ratio and yearly on-site checks per grade (config)."""

    ratio: dict[Grade, float]
    checks_per_year: dict[Grade, int]


DEFAULT_INSPECTION_POLICY = InspectionPolicy(
    ratio={Grade.HIGH: 0.03, Grade.MEDIUM: 0.10, Grade.POOR: 0.30},
    checks_per_year={Grade.HIGH: 0, Grade.MEDIUM: 1, Grade.POOR: 2},
)


@dataclass(frozen=True)
class GradeAssessment:
    grade: Grade
    reasons: tuple[str, ...]


def assess_grade(
    records: Iterable[CreditRecord], today: date, rules: GradeRules | None = None
) -> GradeAssessment:
    rules = rules or GradeRules()
    poor: list[str] = []
    medium: list[str] = []
    general_penalties = 0
    since = today - timedelta(days=rules.breach_lookback_days)
    for r in records:
        # Ended by today counts as ended, before the expiry run records it.
        if r.kind is RecordKind.LISTING and r.in_force(today):
            poor.append(f"on the serious-dishonesty list ({r.record_id})")
        elif r.kind is RecordKind.PENALTY and r.in_force(today) and r.published:
            if r.severity == "serious":
                poor.append(f"serious penalty {r.record_id}")
            else:
                general_penalties += 1
                medium.append(f"penalty {r.record_id}")
        elif (
            r.kind is RecordKind.COMMITMENT
            and r.status is RecordStatus.BREACHED
            and r.closed_on is not None
            and r.closed_on > since
        ):
            medium.append(f"breached commitment {r.record_id}")
    if general_penalties >= rules.general_penalties_for_poor:
        poor.append(f"{general_penalties} published penalties")
    if poor:
        return GradeAssessment(Grade.POOR, tuple(poor))
    if medium:
        return GradeAssessment(Grade.MEDIUM, tuple(medium))
    return GradeAssessment(Grade.HIGH, ("no active adverse records",))
