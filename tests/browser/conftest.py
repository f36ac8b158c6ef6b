"""The portal served by a real uvicorn on a fresh SQLite file, and headless
Chromium pages pointed at it. Facts are recorded over HTTP with a clerk's key;
``settled`` waits (bounded) until the public views reflect a position."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from api.app import create_app
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.factories import Body, FixedClock, as_json
from tests.live_server import LiveServer

VIEW_WAIT_SECONDS = 10.0


@dataclass
class Portal:
    url: str
    services: Services
    http: httpx.Client

    def register(self, code: str, name: str) -> int:
        response = self.http.post("/v1/subjects", json={"code": code, "name": name})
        assert response.status_code in (200, 201), response.text
        position: int = response.json()["position"]
        return position

    def record(self, code: str, *bodies: Body) -> int:
        """Records each body; the position of the last."""
        position = 0
        for body in bodies:
            response = self.http.post(f"/v1/subjects/{code}/events", json=as_json(body))
            assert response.status_code == 201, response.text
            position = response.json()["position"]
        return position

    def settled(self, position: int) -> int:
        """Waits until the public views have processed ``position``."""
        views = self.services.read_models
        views.public.wait(views.ledger.name, position, timeout=VIEW_WAIT_SECONDS)
        return position


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        signing_key_file=tmp_path / "signing-key.pem",
    )
    services = build_services(settings, FixedClock())
    try:
        with LiveServer(create_app(settings, services=services)) as server:
            _, secret = services.keys.create(
                "market-regulation",
                "wang",
                {"record", "review"},
                services.clock.now(),
            )
            headers = {"Authorization": f"Bearer {secret}"}
            with httpx.Client(base_url=server.url, headers=headers) as http:
                yield Portal(server.url, services, http)
    finally:
        services.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()
