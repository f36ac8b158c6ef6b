"""The expiry scheduler inside the served app: once right after start, then on a
timer; it decides only once the public view has every stored event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from api.app import create_app
from application.commands import RecordCommand
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from tests.api.support import TestClient
from tests.factories import FixedClock, fields_of, penalty, uscc
from tests.view_scene import OFFICER

RUN_TIMEOUT = 30.0
# Decided in 2020 (old regime: a general penalty is published for a year at
# most), so on the clock's 2022-10-20 its publicity has long ended.
LONG_EXPIRED = penalty("P1", decided_on=date(2020, 1, 10))


@dataclass
class Built:
    settings: Settings
    services: Services


@pytest.fixture
def make(database_url: str) -> Iterator[Callable[[float], Built]]:
    opened: list[Services] = []

    def build(interval: float) -> Built:
        settings = Settings(database_url=database_url, expiry_interval_seconds=interval)
        services = build_services(settings, FixedClock())
        opened.append(services)
        return Built(settings, services)

    yield build
    for services in opened:
        services.close()


def record_expired_penalty(services: Services, code: str = uscc(1)) -> None:
    services.ledger.register_subject(code, "Jishan Foods Co.", OFFICER)
    command = RecordCommand(code, "PenaltyPublished", fields_of(LONG_EXPIRED), OFFICER)
    services.ledger.record(command)


def expired_records(services: Services, code: str = uscc(1)) -> list[str]:
    return [
        e.data["record_id"]
        for e in services.ledger.history(code)
        if e.type == "PublicityExpired"
    ]


def test_serve_expires_what_was_recorded_just_before_it_started(
    make: Callable[[float], Built],
) -> None:
    built = make(3600.0)
    record_expired_penalty(built.services)  # the public view has not seen it yet
    app = create_app(built.settings, services=built.services)

    with TestClient(app) as client:
        assert app.state.expiry.wait_for_runs(1, RUN_TIMEOUT)
        ready = client.get("/readyz").json()

    assert expired_records(built.services) == ["P1"]
    assert ready["checks"]["expiry"] | {"last_run": None} == {
        "ok": True,
        "interval_seconds": 3600.0,
        "last_run": None,
        "emitted": 1,
        "error": None,
    }


def test_serve_expires_on_its_timer_what_becomes_due_while_it_runs(
    make: Callable[[float], Built],
) -> None:
    built = make(0.05)
    app = create_app(built.settings, services=built.services)

    with TestClient(app):
        assert app.state.expiry.wait_for_runs(1, RUN_TIMEOUT)
        record_expired_penalty(built.services)
        # A run that starts after the write has finished once two more have.
        runs = app.state.expiry.completed_runs
        assert app.state.expiry.wait_for_runs(runs + 2, RUN_TIMEOUT)

    assert expired_records(built.services) == ["P1"]


def test_an_interval_of_zero_turns_the_scheduler_off(
    make: Callable[[float], Built],
) -> None:
    built = make(0)
    record_expired_penalty(built.services)
    app = create_app(built.settings, services=built.services)

    with TestClient(app) as client:
        ready = client.get("/readyz").json()

    assert not app.state.expiry.wait_for_runs(1, 0.01)
    assert ready["checks"]["expiry"]["last_run"] is None
    assert expired_records(built.services) == []
