"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock


@pytest.fixture
def services(database_url: str, request: pytest.FixtureRequest) -> Iterator[Services]:
    """The service on a real store (SQLite, then PostgreSQL), its views fed by
    the in-process runners; in a module that sets ``FEED_VIEWS = False``, only
    when a test feeds them itself (``catch_up``). Modules with other needs
    define their own."""
    built = build_services(Settings(database_url=database_url), FixedClock())
    if getattr(request.module, "FEED_VIEWS", True):
        built.read_models.start()
    try:
        yield built
    finally:
        built.close()
