"""Per-line results of a batch: each line stored whole or not at all."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.schemas.subjects import CommandResultPublic


class BatchLineResult(BaseModel):
    line: int
    status: int
    detail: str | None = None
    problem: str | None = None
    errors: list[dict[str, Any]] | None = None
    event: CommandResultPublic | None = None


class BatchResult(BaseModel):
    accepted: int
    rejected: int
    results: list[BatchLineResult]
