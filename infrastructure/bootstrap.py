"""The composition root: everything the service needs, built from Settings."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from application.access import AccessLog
from application.audit import AuditLog
from application.clock import Clock, SystemClock
from application.keys import ApiKeyStore, KeyService
from application.ledger import CreditLedger
from application.subject_cache import SubjectCache
from domain.calendar import WorkingDayCalendar
from domain.grading import Grade, GradeRules, InspectionPolicy
from domain.publicity import DEFAULT_PUBLICITY_POLICY, policy_from_json
from domain.rules import CreditRules, RepairPolicy
from infrastructure.audit.build import build_audit
from infrastructure.holidays import load_calendar
from infrastructure.kafka.feeding import feed_from_kafka
from infrastructure.key_stores import InMemoryKeyStore, PostgresKeyStore, SQLiteKeyStore
from infrastructure.pg_recorder import snapshot_recorder
from infrastructure.positions import position_index_for
from infrastructure.settings import Settings
from infrastructure.views.read_models import ReadModels

log = logging.getLogger("credit_ledger")


@dataclass
class Services:
    settings: Settings
    ledger: CreditLedger
    keys: KeyService
    calendar: WorkingDayCalendar
    clock: Clock
    audit: AuditLog
    access_log: AccessLog
    read_models: ReadModels

    def close(self) -> None:
        self.read_models.close()
        self.access_log.close()
        self.ledger.close()
        self.keys.close()


def build_rules(settings: Settings, calendar: WorkingDayCalendar) -> CreditRules:
    policy = DEFAULT_PUBLICITY_POLICY
    if settings.publicity_policy_file is not None:
        text = settings.publicity_policy_file.read_text(encoding="utf-8")
        policy = policy_from_json(json.loads(text))
    return CreditRules(
        calendar=calendar,
        publication_deadline_working_days=settings.publication_deadline_working_days,
        publicity_policy=policy,
        repair=RepairPolicy(
            decision_working_days=settings.repair_decision_working_days,
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


def build_key_store(settings: Settings) -> ApiKeyStore:
    kind = settings.store_kind
    if kind == "sqlite":
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteKeyStore(settings.sqlite_path)
    if kind == "postgres":
        return PostgresKeyStore(settings.postgres_conninfo)
    return InMemoryKeyStore()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    calendar = load_calendar(settings.holiday_calendar)
    if not calendar.covers(clock.now().date()):
        log.warning(
            "No holiday calendar covers %s: deadlines fall back to Monday-Friday "
            "until an operator calendar is imported",
            clock.now().year,
        )
    ledger = CreditLedger(
        rules=build_rules(settings, calendar),
        clock=clock,
        timezone=ZoneInfo(settings.timezone),
        env=settings.event_store_env(),
        position_index=position_index_for,
        snapshot_recorder=snapshot_recorder,
        subject_cache=SubjectCache(max_events=settings.subject_cache_events),
    )
    audit, access_log = build_audit(settings, ledger, clock)
    read_models = ReadModels(ledger)
    if settings.kafka_bootstrap:
        feed_from_kafka(read_models, settings.topic, settings.topic_partitions)
    return Services(
        settings=settings,
        ledger=ledger,
        keys=KeyService(build_key_store(settings)),
        calendar=calendar,
        clock=clock,
        audit=audit,
        access_log=access_log,
        read_models=read_models,
    )
