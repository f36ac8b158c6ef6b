"""The ledger alone, built from Settings: all that recording needs (the import
command starts with this, not with the whole service)."""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from application.clock import Clock, SystemClock
from application.ledger import CreditLedger
from application.subject_cache import SubjectCache
from domain.calendar import WorkingDayCalendar
from domain.grading import Grade, GradeRules, InspectionPolicy
from domain.publicity import (
    DEFAULT_PUBLICITY_POLICY,
    PublicityPolicy,
    policy_from_json,
)
from domain.rules import CreditRules, RepairPolicy
from infrastructure.holidays import load_calendar
from infrastructure.pg_recorder import snapshot_recorder
from infrastructure.positions import position_index_for
from infrastructure.setting_errors import UnusableSetting
from infrastructure.settings import Settings
from infrastructure.setup_lock import setting_up_alone

log = logging.getLogger("credit_ledger")


def build_ledger(settings: Settings, clock: Clock | None = None) -> CreditLedger:
    clock = clock or SystemClock()
    calendar = load_calendar(settings.holiday_calendar)
    if not calendar.covers(clock.now().date()):
        log.warning(
            "No holiday calendar covers %s: deadlines fall back to Monday-Friday "
            "until an operator calendar is imported",
            clock.now().year,
        )
    return CreditLedger(
        rules=build_rules(settings, calendar),
        clock=clock,
        timezone=ZoneInfo(settings.timezone),
        env=settings.event_store_env(),
        position_index=position_index_for,
        snapshot_recorder=snapshot_recorder,
        subject_cache=SubjectCache(max_events=settings.subject_cache_events),
    )


def build_worker_ledger(settings: Settings) -> CreditLedger:
    """The ledger of a worker process (import, batch): it records in one
    thread, so it keeps one connection open rather than the service's pool,
    and opens more only while it needs them."""
    with setting_up_alone(settings):
        return build_ledger(settings.model_copy(update=WORKER_POOL))


WORKER_POOL = {"postgres_pool_size": 1, "postgres_max_overflow": 4}


def build_rules(settings: Settings, calendar: WorkingDayCalendar) -> CreditRules:
    return CreditRules(
        calendar=calendar,
        publication_deadline_working_days=settings.publication_deadline_working_days,
        publicity_policy=publicity_policy(settings),
        repair=RepairPolicy(
            decision_working_days=settings.repair_decision_working_days,
            listing_after_months=settings.repair_listing_after_months,
            serious_repair_cooldown_days=settings.repair_serious_cooldown_days,
            max_repairs_in_window=settings.repair_max_in_window,
            window_years=settings.repair_window_years,
        ),
        grading=GradeRules(
            breach_lookback_days=settings.grade_breach_lookback_days,
            general_penalties_for_poor=settings.grade_general_penalties_for_poor,
        ),
        inspection=inspection_policy(settings),
    )


def publicity_policy(settings: Settings) -> PublicityPolicy:
    path = settings.publicity_policy_file
    if path is None:
        return DEFAULT_PUBLICITY_POLICY
    try:
        return policy_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise UnusableSetting.unreadable("publicity_policy_file", path, error) from None


def inspection_policy(settings: Settings) -> InspectionPolicy:
    return InspectionPolicy(
        ratio={
            Grade.HIGH: settings.inspection_ratio_high,
            Grade.MEDIUM: settings.inspection_ratio_medium,
            Grade.POOR: settings.inspection_ratio_poor,
        },
        checks_per_year={
            Grade.HIGH: settings.inspection_checks_per_year_high,
            Grade.MEDIUM: settings.inspection_checks_per_year_medium,
            Grade.POOR: settings.inspection_checks_per_year_poor,
        },
    )
