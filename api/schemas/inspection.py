"""Graded supervision as the API shows it: a grade's inspection terms, and the
seeded 双随机 inspection plan."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class InspectionTermsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    grade: str = Field(description="high | medium | poor")
    ratio: float = Field(description="双随机 random-inspection sampling ratio")
    checks_per_year: int = Field(description="Planned on-site checks per year")
    warning_talk: bool = Field(
        description="Poor grade, an enterprise: its principal is summoned for a "
        "warning talk (never for a natural person; in the inspection plan, the "
        "grade's figure for enterprises)"
    )


class PlannedSubjectPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subject: str
    name: str
    reasons: list[str] = Field(description="Why the subject has its grade")


class GradePlanPublic(InspectionTermsPublic):
    population: int = Field(description="Subjects of this grade")
    sample_size: int = Field(description="ceil(ratio × population)")
    sample: list[PlannedSubjectPublic] = Field(description="Drawn, by code")
    subjects: list[PlannedSubjectPublic] | None = Field(
        description="Every subject of the grade (only with `population=true`)"
    )


class InspectionPlanPublic(BaseModel):
    seed: str = Field(description="Draw again with this seed to check the sample")
    graded_on: date = Field(description="Grades as of this day (county time)")
    grades: list[GradePlanPublic]
    position: int = Field(description="The ledger position this answer reflects")
