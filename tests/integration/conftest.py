"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    """The service on a real store (SQLite, then PostgreSQL), its views fed by
    the in-process runners. Modules with other needs define their own."""
    built = build_services(Settings(database_url=database_url), FixedClock())
    built.read_models.start()
    try:
        yield built
    finally:
        built.close()
