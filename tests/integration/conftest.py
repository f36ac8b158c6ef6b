"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """The service on a real store (SQLite, then PostgreSQL), its views fed by
    the in-process runners. Modules with other needs define their own."""
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        database_url = request.getfixturevalue("postgres_server").make_database()
    built = build_services(Settings(database_url=database_url), FixedClock())
    built.read_models.start()
    try:
        yield built
    finally:
        built.close()
