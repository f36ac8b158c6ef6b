"""Turns a subject's in-memory state into the read-only DTOs queries return."""

from __future__ import annotations

from datetime import date, datetime

from application.results import RecordView, RepairView, SubjectState
from domain.grading import (
    DEFAULT_INSPECTION_POLICY,
    GradeRules,
    InspectionPolicy,
    assess_grade,
)
from domain.inspection import terms_for
from domain.records import RepairStatus
from domain.subject import CreditSubject


def subject_state(
    subject: CreditSubject,
    today: date,
    as_of: datetime | None,
    rules: GradeRules,
    inspection: InspectionPolicy = DEFAULT_INSPECTION_POLICY,
) -> SubjectState:
    assessment = assess_grade(subject.records.values(), today, rules)
    return SubjectState(
        subject=subject.code,
        kind=subject.kind.value,
        name=subject.name,
        legal_representative=subject.legal_representative,
        version=subject.version,
        as_of=as_of,
        grade=assessment.grade.value,
        grade_reasons=list(assessment.reasons),
        records=[
            RecordView(
                record_id=r.record_id,
                kind=r.kind.value,
                status=r.status.value,
                department=r.department,
                decided_on=r.decided_on,
                published=r.published,
                severity=r.severity,
                minimum_until=r.minimum_until,
                maximum_until=r.maximum_until,
                closed_on=r.closed_on,
                content=dict(r.content),
                in_force=r.in_force(today),
            )
            for r in subject.records.values()
        ],
        repairs=[
            RepairView(
                repair_id=r.repair_id,
                record_id=r.record_id,
                requested_on=r.requested_on,
                decision_due_on=r.decision_due_on,
                deadline_on_fallback_calendar=r.deadline_on_fallback_calendar,
                status=r.status.value,
                decided_on=r.decided_on,
                reason=r.reason,
                materials=list(r.materials),
                overdue=r.status is RepairStatus.PENDING and today > r.decision_due_on,
            )
            for r in subject.repairs.values()
        ],
        inspection=terms_for(assessment.grade, inspection, subject.kind),
    )
