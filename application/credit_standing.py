"""A subject's standing read from the public views: grade, reasons and the
listing measures that restrict a matter. Shared by the check and the portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.grading import GradeRules, assess_grade
from domain.matters import Matter, measure_applies
from domain.records import CreditRecord, RecordKind, RecordStatus
from projections.rows import CreditProfile


@dataclass(frozen=True)
class Standing:
    grade: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Restriction:
    """A listing in force whose punishment measures name the matter."""

    record_id: str
    department: str
    basis: str
    measures: tuple[str, ...]
    listed_on: date
    term_ends_on: date


def assess(profile: CreditProfile, today: date, rules: GradeRules) -> Standing:
    """The same grade the subject's own state gives, from the view's facts."""
    records = [
        CreditRecord(
            record_id=fact.record_id,
            kind=RecordKind(fact.kind),
            department=fact.department,
            decided_on=fact.decided_on,
            content={},
            status=RecordStatus(fact.status),
            published=fact.published,
            severity=fact.severity,
            closed_on=fact.closed_on,
        )
        for fact in profile.records
    ]
    assessment = assess_grade(records, today, rules)
    return Standing(assessment.grade.value, assessment.reasons)


def restrictions_for(profile: CreditProfile, matter: Matter) -> tuple[Restriction, ...]:
    restrictions = []
    for listing in profile.listings:
        applicable = tuple(m for m in listing.measures if measure_applies(m, matter))
        if applicable:
            restrictions.append(
                Restriction(
                    listing.record_id,
                    listing.department,
                    listing.basis,
                    applicable,
                    listing.listed_on,
                    listing.term_ends_on,
                )
            )
    return tuple(restrictions)
