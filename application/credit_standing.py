"""A subject's standing read from the public views: grade, reasons and the
listing measures that restrict a matter. Shared by the check and the portal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.codes import SubjectKind
from domain.grading import (
    DEFAULT_INSPECTION_POLICY,
    GradeAssessment,
    GradeRules,
    InspectionPolicy,
    assess_grade,
)
from domain.inspection import InspectionTerms, terms_for
from domain.matters import Matter, measure_applies
from domain.records import CreditRecord, RecordKind, RecordStatus
from projections.rows import CreditProfile, RecordFact


@dataclass(frozen=True)
class Standing:
    grade: str
    reasons: tuple[str, ...]
    inspection: InspectionTerms


@dataclass(frozen=True)
class Restriction:
    """A listing in force whose punishment measures name the matter."""

    record_id: str
    department: str
    basis: str
    measures: tuple[str, ...]
    listed_on: date
    term_ends_on: date


def assess(
    profile: CreditProfile,
    today: date,
    rules: GradeRules,
    inspection: InspectionPolicy = DEFAULT_INSPECTION_POLICY,
) -> Standing:
    """The same grade the subject's own state gives, from the view's facts,
    and the inspection terms of that grade."""
    assessment = grade_facts(profile.records, today, rules)
    return Standing(
        assessment.grade.value,
        assessment.reasons,
        terms_for(assessment.grade, inspection, SubjectKind(profile.subject.kind)),
    )


def grade_facts(
    facts: Iterable[RecordFact], today: date, rules: GradeRules
) -> GradeAssessment:
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
        for fact in facts
    ]
    return assess_grade(records, today, rules)


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
