"""The HTTP API through a TestClient, once on SQLite and once on real PostgreSQL.

Every test that takes ``api`` runs twice: on a fresh SQLite file and on a fresh
PostgreSQL database of the session's server. The service's clock is a
``FixedClock`` set to ``NOW`` (2022-10-20T03:00Z), so business dates, ``late``
flags and deadlines are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.api.support import Api, TestClient
from tests.factories import FixedClock


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        database_url = request.getfixturevalue("postgres_server").make_database()
    clock = FixedClock()
    settings = Settings(database_url=database_url)
    services = build_services(settings, clock)
    try:
        with TestClient(create_app(settings, services=services)) as client:
            yield Api(client=client, services=services, clock=clock)
    finally:
        services.close()
