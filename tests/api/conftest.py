"""The HTTP API through a TestClient, once on SQLite and once on real PostgreSQL.

Every test that takes ``api`` runs twice: on a fresh SQLite file and on a fresh
PostgreSQL database of the session's server. The service's clock is a
``FixedClock`` set to ``NOW`` (2022-10-20T03:00Z), so business dates, ``late``
flags and deadlines are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.api.support import Api, TestClient
from tests.factories import FixedClock


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    clock = FixedClock()
    settings = Settings(database_url=database_url)
    services = build_services(settings, clock)
    try:
        with TestClient(create_app(settings, services=services)) as client:
            yield Api(client=client, services=services, clock=clock)
    finally:
        services.close()


@pytest.fixture
def configured_api(tmp_path: Path) -> Iterator[Callable[..., Api]]:
    """Builds fresh services on SQLite with these settings (each call anew)."""
    opened: list[tuple[TestClient, Any]] = []

    def build(**overrides: Any) -> Api:
        url = f"sqlite:///{tmp_path / f'configured-{len(opened)}.sqlite3'}"
        settings = Settings(database_url=url, **overrides)
        clock = FixedClock()
        services = build_services(settings, clock)
        client = TestClient(create_app(settings, services=services))
        client.__enter__()
        opened.append((client, services))
        return Api(client=client, services=services, clock=clock)

    yield build
    for client, services in opened:
        client.__exit__(None, None, None)
        services.close()
