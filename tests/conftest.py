"""Service fixtures shared by the whole suite (nothing else belongs here).

Each fixture is session-scoped and not autouse: a service starts the first time a
test asks for it and stops at the end of the run. A missing service fails the test
with the reason; it is never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.service_fixtures import running
from tests.services import CHROMIUM_ARGS, KafkaBroker, PostgresServer, ServiceError
from tests.services import chromium_path as _find_chromium
from tests.view_scene import Scene


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL 15: ``dsn``, ``host``, ``port``, ``user``,
    ``make_database(name) -> dsn`` and ``restart()``."""
    yield from running(PostgresServer(), "PostgreSQL")


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """A running Kafka-protocol broker: ``bootstrap``, ``create_topic(name,
    partitions=3)`` and ``restart()`` (in-memory storage: records are lost)."""
    yield from running(KafkaBroker(), "the Kafka-protocol broker")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Path of the system Chromium; launch it with ``tests.services.CHROMIUM_ARGS``."""
    try:
        return _find_chromium()
    except ServiceError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole run: Playwright's sync API allows
    only one running instance per thread."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=list(CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store of the test's own: SQLite, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.make_database()


@pytest.fixture
def scene() -> Iterator[Scene]:
    """Views fed by a ledger of their own, closed after the test."""
    scene = Scene()
    yield scene
    scene.close()
