"""One process at a time sets up the store's tables.

Every process (the service, the relay, the consumers, import and batch workers)
creates what the store lacks as it starts. PostgreSQL refuses such statements
run at once by two sessions, even where the tables exist ("tuple concurrently
updated", a duplicate row type), so of processes started together on a new
database all but one could fail (the relay and consumers tried again, the
service and the workers did not). On PostgreSQL each now takes an advisory lock
while it sets up; SQLite serializes its writers itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError

from infrastructure.settings import POSTGRES_CONNECT_TIMEOUT_SECONDS, Settings

# The advisory lock's key: any fixed number no other use of the database takes.
SETUP_LOCK_KEY = 0x43_4C_53_45_54_55_50  # "CLSETUP"
# A process still setting up after this long is stuck; the next one says so.
SETUP_LOCK_TIMEOUT = "60s"


@contextmanager
def setting_up_alone(settings: Settings) -> Iterator[None]:
    """Holds the lock while the caller sets up (the lock ends with its session)."""
    if settings.store_kind != "postgres":
        yield
        return
    try:
        session = _locked_session(settings.postgres_conninfo)
    except psycopg.OperationalError as error:
        # As the store's own connections would fail: callers that wait for a
        # database still starting catch the library's error.
        raise OperationalError(str(error)) from error
    with session:
        yield


def _locked_session(conninfo: str) -> psycopg.Connection[Any]:
    session = psycopg.connect(
        conninfo, autocommit=True, connect_timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS
    )
    try:
        session.execute(f"SET lock_timeout = '{SETUP_LOCK_TIMEOUT}'")
        session.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK_KEY,))
    except BaseException:
        session.close()
        raise
    return session
