"""How many PostgreSQL connections a ledger keeps open: the service's pool, or
one for a worker process that records in one thread."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_ledger, build_worker_ledger
from infrastructure.settings import Settings
from tests.services import PostgresServer

pytestmark = pytest.mark.postgres


def kept_open(url: str, build: Callable[[Settings], CreditLedger]) -> int:
    """Connections to the database once the ledger's pool has filled."""
    ledger = build(Settings(database_url=url))
    try:
        ledger.recorder.datastore.pool.wait(timeout=30)  # type: ignore[attr-defined]
        with psycopg.connect(url, autocommit=True) as probe:
            row = probe.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert row is not None
        return int(row[0])
    finally:
        ledger.close()


def test_a_worker_ledger_keeps_one_connection_where_the_service_keeps_its_pool(
    postgres_server: PostgresServer,
) -> None:
    # A database each: the first ledger's closed connections may still be
    # leaving the server while the second's are counted.
    service = kept_open(postgres_server.make_database(), build_ledger)
    worker = kept_open(postgres_server.make_database(), build_worker_ledger)

    assert service >= Settings().postgres_pool_size
    # Its one, and at most one more that setting up the tables opened.
    assert worker <= 2
