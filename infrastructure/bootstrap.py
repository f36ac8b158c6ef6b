"""The composition root: everything the service needs, built from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from application.access import AccessLog
from application.audit import AuditLog
from application.clock import Clock, SystemClock
from application.keys import ApiKeyStore, KeyService
from application.ledger import CreditLedger
from domain.calendar import WorkingDayCalendar
from infrastructure.audit.build import build_audit
from infrastructure.kafka.feeding import feed_from_kafka
from infrastructure.key_stores import InMemoryKeyStore, PostgresKeyStore, SQLiteKeyStore
from infrastructure.ledger_setup import build_ledger
from infrastructure.settings import Settings
from infrastructure.setup_lock import setting_up_alone
from infrastructure.views.read_models import ReadModels


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


def build_key_store(settings: Settings) -> ApiKeyStore:
    kind = settings.store_kind
    if kind == "sqlite":
        settings.make_sqlite_folder()
        return SQLiteKeyStore(settings.sqlite_path)
    if kind == "postgres":
        return PostgresKeyStore(settings.postgres_conninfo)
    return InMemoryKeyStore()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    with setting_up_alone(settings):
        ledger = build_ledger(settings, clock)
        audit, access_log = build_audit(settings, ledger, clock)
        read_models = ReadModels(ledger)
        if settings.kafka_bootstrap:
            feed_from_kafka(read_models, settings.topic, settings.topic_partitions)
        keys = KeyService(build_key_store(settings))
    return Services(
        settings=settings,
        ledger=ledger,
        keys=keys,
        calendar=ledger.rules.calendar,
        clock=clock,
        audit=audit,
        access_log=access_log,
        read_models=read_models,
    )
