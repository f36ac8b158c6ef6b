"""逢办必查 (seed §11): before acting on a matter, a department checks the
subject's credit; a listed subject is restricted or barred. Every check is
recorded: who asked, about whom, which matter, and what was answered."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from application.clock import Clock, business_date
from application.commands import Actor
from application.credit_standing import Restriction, assess, restrictions_for
from application.errors import SubjectNotFound
from domain.codes import parse_subject_code
from domain.grading import DEFAULT_INSPECTION_POLICY, GradeRules, InspectionPolicy
from domain.inspection import InspectionTerms
from domain.matters import Matter
from projections.public_view import PublicViewReads


@dataclass(frozen=True)
class CheckEntry:
    checked_at: datetime
    subject_code: str
    matter: str
    department: str
    actor: str
    outcome: str
    grade: str | None
    restrictions: tuple[str, ...]
    position: int


class CheckLog(Protocol):
    def record(self, entry: CheckEntry) -> int:
        """Appends the check; its id."""
        ...

    def entries(self, subject_code: str | None = None) -> list[CheckEntry]: ...

    def count(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> int: ...


@dataclass(frozen=True)
class CheckAnswer:
    check_id: int
    subject: str
    name: str
    matter: Matter
    grade: str
    outcome: str
    restrictions: tuple[Restriction, ...]
    reasons: tuple[str, ...]
    checked_at: datetime
    position: int
    inspection: InspectionTerms


class CreditChecks:
    def __init__(
        self,
        views: PublicViewReads,
        log: CheckLog,
        clock: Clock,
        timezone: ZoneInfo,
        grading: GradeRules,
        inspection: InspectionPolicy = DEFAULT_INSPECTION_POLICY,
    ) -> None:
        self._views = views
        self._log = log
        self._clock = clock
        self._timezone = timezone
        self._grading = grading
        self._inspection = inspection

    def check(self, raw_code: str, matter: Matter, asked_by: Actor) -> CheckAnswer:
        code = parse_subject_code(raw_code).value
        now = self._clock.now()
        asked = CheckEntry(
            checked_at=now,
            subject_code=code,
            matter=matter.value,
            department=asked_by.department,
            actor=asked_by.actor,
            outcome="unregistered",
            grade=None,
            restrictions=(),
            position=0,
        )
        profile = self._views.credit_profile(code)
        if profile is None:
            self._log.record(asked)
            msg = f"Subject {code} is not registered"
            raise SubjectNotFound(msg)
        today = business_date(now, self._timezone)
        standing = assess(profile, today, self._grading, self._inspection)
        restricting = restrictions_for(profile, matter)
        outcome = _outcome(restricting, standing.grade, bool(profile.listings))
        check_id = self._log.record(
            replace(
                asked,
                outcome=outcome,
                grade=standing.grade,
                restrictions=tuple(m for r in restricting for m in r.measures),
                position=profile.position,
            )
        )
        listed = tuple(
            f"listing {r.record_id} ({r.department}) restricts {matter.value}: "
            + "; ".join(r.measures)
            for r in restricting
        )
        return CheckAnswer(
            check_id=check_id,
            subject=code,
            name=profile.subject.name,
            matter=matter,
            grade=standing.grade,
            outcome=outcome,
            restrictions=restricting,
            reasons=listed + standing.reasons,
            checked_at=now,
            position=profile.position,
            inspection=standing.inspection,
        )


def _outcome(restricting: tuple[Restriction, ...], grade: str, listed: bool) -> str:
    """Restricted when a listing's measures name the matter; caution when the
    subject is listed for other matters or its grade is not high."""
    if restricting:
        return "restricted"
    if listed or grade != "high":
        return "caution"
    return "clear"
