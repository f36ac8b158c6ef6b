"""The access log's table keeps a flush's records whole and in their order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.access import AccessRecord
from infrastructure.audit.access_log import SQLAccessLog
from infrastructure.audit.database import AuditDatabase
from infrastructure.bootstrap import Services

FEED_VIEWS = False
STARTED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def access(n: int, *, anonymous: bool = False) -> AccessRecord:
    return AccessRecord(
        at=STARTED + timedelta(seconds=n),
        key_id=None if anonymous else f"key{n}",
        department=None if anonymous else "market-regulation",
        actor=None if anonymous else f"officer {n}",
        method="POST",
        path=f"/v1/subjects/S{n}/events",
        status=201 if n % 2 else 409,
    )


def test_a_flush_comes_back_newest_first_with_its_empty_fields(
    services: Services,
) -> None:
    log = SQLAccessLog(AuditDatabase(services.ledger.recorder))
    flush = [access(1), access(2, anonymous=True), access(3)]

    log.append_many(flush)
    log.append_many([access(4)])

    assert log.recent(10) == [
        access(4),
        access(3),
        access(2, anonymous=True),
        access(1),
    ]


def test_an_empty_flush_writes_nothing(services: Services) -> None:
    log = SQLAccessLog(AuditDatabase(services.ledger.recorder))
    before = log.recent(1000)

    log.append_many([])

    assert log.recent(1000) == before
