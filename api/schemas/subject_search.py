"""Subjects found by code or name (public: codes of natural persons masked)."""

from __future__ import annotations

from pydantic import BaseModel

from api.schemas.pages import RowPublic


class SubjectSummaryPublic(RowPublic):
    subject: str
    name: str
    kind: str
    legal_representative: str | None


class SubjectSummariesPublic(BaseModel):
    data: list[SubjectSummaryPublic]
    count: int
    position: int
