"""The 双随机 inspection plan: every enterprise graded from the public view's
facts, and a seeded random sample per grade that anyone can draw again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from application.credit_standing import grade_facts
from domain.grading import Grade, GradeRules, InspectionPolicy
from domain.inspection import draw_sample, terms_for
from projections.rows import RecordFact


@dataclass(frozen=True)
class GradingCandidate:
    subject_code: str
    name: str
    records: tuple[RecordFact, ...]


@dataclass(frozen=True)
class GradingPopulation:
    """The enterprises (legal persons) and their facts, at one position."""

    candidates: tuple[GradingCandidate, ...]
    position: int


class GradingPopulationReads(Protocol):
    def grading_population(self) -> GradingPopulation: ...


@dataclass(frozen=True)
class PlannedSubject:
    subject: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class GradePlan:
    grade: str
    ratio: float
    checks_per_year: int
    warning_talk: bool
    population: int
    sample_size: int
    sample: tuple[PlannedSubject, ...]
    subjects: tuple[PlannedSubject, ...]


@dataclass(frozen=True)
class InspectionPlan:
    seed: str
    graded_on: date
    grades: tuple[GradePlan, ...]
    position: int


def plan_inspections(
    reads: GradingPopulationReads,
    seed: str,
    today: date,
    grading: GradeRules,
    policy: InspectionPolicy,
    ratios: Mapping[Grade, float] | None = None,
) -> InspectionPlan:
    """``ratios`` replaces the configured ratio of the grades it names."""
    population = reads.grading_population()
    by_grade: dict[Grade, list[PlannedSubject]] = {grade: [] for grade in Grade}
    for candidate in population.candidates:
        assessment = grade_facts(candidate.records, today, grading)
        by_grade[assessment.grade].append(
            PlannedSubject(candidate.subject_code, candidate.name, assessment.reasons)
        )
    plans = []
    for grade in Grade:
        terms = terms_for(grade, policy)
        ratio = (ratios or {}).get(grade, terms.ratio)
        members = {s.subject: s for s in by_grade[grade]}
        drawn = draw_sample(members, ratio, seed, grade)
        plans.append(
            GradePlan(
                grade=grade.value,
                ratio=ratio,
                checks_per_year=terms.checks_per_year,
                warning_talk=terms.warning_talk,
                population=len(members),
                sample_size=len(drawn),
                sample=tuple(members[code] for code in drawn),
                subjects=tuple(members[code] for code in sorted(members)),
            )
        )
    return InspectionPlan(seed, today, tuple(plans), population.position)
