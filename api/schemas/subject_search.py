"""Subjects found by code or name (public: codes of natural persons masked)."""

from __future__ import annotations

from api.schemas.pages import PagePublic, RowPublic


class SubjectSummaryPublic(RowPublic):
    subject: str
    name: str
    kind: str
    legal_representative: str | None


class SubjectSummariesPublic(PagePublic):
    data: list[SubjectSummaryPublic]
