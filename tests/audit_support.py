"""Shared by the audit tests: a service with a private signing key, some history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.app import create_app
from application.commands import Actor, RecordCommand
from application.dispatch import DECIDERS
from application.ledger import CreditLedger
from domain.codes import parse_subject_code
from domain.subject import CreditSubject
from infrastructure.audit.signing import LogSigner
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.api.support import Api, TestClient
from tests.factories import (
    FixedClock,
    commitment,
    fields_of,
    information,
    licence,
    penalty,
    uscc,
)

OFFICER = Actor(department="market-regulation", actor="zhang")
# A big store made quickly (seed): each subject's events, saved together.
EVENTS_PER_SUBJECT = 40
SUBJECTS_PER_SAVE = 250
RECORDS = (licence, penalty, commitment, information)


def audited_settings(database_url: str, directory: Path, **more: Any) -> Settings:
    return Settings(
        database_url=database_url,
        signing_key_file=directory / "checkpoint-key.pem",
        **more,
    )


def audited_services(database_url: str, directory: Path) -> Services:
    return build_services(audited_settings(database_url, directory), FixedClock())


@contextmanager
def audited_api(directory: Path, **settings: Any) -> Iterator[Api]:
    """A client of a fresh service on an SQLite file, with its own signing key."""
    config = audited_settings(
        f"sqlite:///{directory / 'ledger.sqlite3'}", directory, **settings
    )
    clock = FixedClock()
    services = build_services(config, clock)
    try:
        with TestClient(create_app(config, services=services)) as client:
            yield Api(client=client, services=services, clock=clock)
    finally:
        services.close()


def key_file_signer(services: Services) -> LogSigner:
    settings = services.settings
    latest = services.audit.checkpoints.latest()
    return LogSigner.from_key_file(
        settings.signing_key_file,
        settings.checkpoint_origin,
        signed_by=None if latest is None else latest.key_id,
    )


def record_history(ledger: CreditLedger, subjects: int, licences: int) -> list[str]:
    """Register subjects and publish licences for each, interleaved by position."""
    codes = [uscc(serial) for serial in range(1, subjects + 1)]
    for code in codes:
        ledger.register_subject(code, f"Company {code[-4:]}", OFFICER)
    for number in range(licences):
        for code in codes:
            record(ledger, code, f"L{number}")
    return codes


def record(ledger: CreditLedger, code: str, record_id: str) -> None:
    body = licence(record_id)
    ledger.record(RecordCommand(code, body["type"], fields_of(body), OFFICER))


def seed(ledger: CreditLedger, events: int) -> None:
    """About ``events`` events of subjects of 40, 250 subjects per store
    transaction (each subject's events lie 250 positions apart; licences,
    penalties, commitments and information records in turn): subjects decide
    their events themselves, as the service would."""
    subjects = max(1, events // EVENTS_PER_SUBJECT)
    for first in range(1, subjects + 1, SUBJECTS_PER_SAVE):
        last = min(first + SUBJECTS_PER_SAVE, subjects + 1)
        group = [
            CreditSubject.register(
                parse_subject_code(uscc(n)),
                f"Bench Co. {n}",
                None,
                ledger.provenance(OFFICER),
            )
            for n in range(first, last)
        ]
        ledger.save(*group)
        for number in range(1, EVENTS_PER_SUBJECT):
            body = RECORDS[number % len(RECORDS)](f"R{number}")
            decide = DECIDERS[str(body["type"])]
            for subject in group:
                decide(
                    subject, ledger.provenance(OFFICER), ledger.rules, fields_of(body)
                )
            ledger.save(*group)
