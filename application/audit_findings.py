"""What ``audit verify`` reports: findings that each name where they were found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


@dataclass(frozen=True)
class Finding:
    problem: str
    detail: str
    position: int | None = None
    subject: str | None = None
    version: int | None = None

    def __str__(self) -> str:
        where = [
            f"position {self.position}" if self.position is not None else "",
            f"subject {self.subject}" if self.subject else "",
            f"version {self.version}" if self.version is not None else "",
        ]
        place = ", ".join(w for w in where if w)
        return f"{self.problem}: {place + ': ' if place else ''}{self.detail}"


@dataclass
class VerifyReport:
    events: int = 0
    subjects: int = 0
    checkpoints: int = 0  # those whose roots were compared
    bad_signatures: int = 0  # checkpoints the key did not sign: not compared
    signed_size: int = 0
    # False when there was no key: the checkpoints were compared unchecked.
    signatures_checked: bool = True
    unlogged: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


class Where(TypedDict, total=False):
    position: int
    subject: str
    version: int
