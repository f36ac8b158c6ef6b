"""Which services record large batches in worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.batch_workers import batch_workers_for
from api.line_workers import worker_for
from application.clock import Clock, SystemClock
from application.cores import usable_cores
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, uscc


def workers_for(settings: Settings, clock: Clock) -> int | None:
    services = build_services(settings, clock)
    try:
        workers = batch_workers_for(settings, services)
        return None if workers is None else workers.count
    finally:
        services.close()


@pytest.fixture
def sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


def test_a_service_on_a_shared_store_has_one_worker_per_core_unless_told(
    sqlite: str,
) -> None:
    assert workers_for(Settings(database_url=sqlite), SystemClock()) == usable_cores()
    told = Settings(database_url=sqlite, batch_workers=3)
    assert workers_for(told, SystemClock()) == 3


@pytest.mark.parametrize(
    ("overrides", "clock"),
    [
        ({"batch_workers": 0}, SystemClock()),
        ({"database_url": "memory://"}, SystemClock()),
        ({}, FixedClock()),
    ],
    ids=["configured off", "store in memory", "clock set by the caller"],
)
def test_no_workers_where_they_could_not_share_the_store_or_the_clock(
    sqlite: str, overrides: dict[str, object], clock: Clock
) -> None:
    settings = Settings.model_validate({"database_url": sqlite, **overrides})
    assert workers_for(settings, clock) is None


def test_a_line_goes_to_its_subject_s_worker_whatever_else_says_subject() -> None:
    plain = f'{{"subject": "{uscc(7)}", "type": "CommitmentMade"}}'
    decoy = f'{{"matter": "subject", "subject" : " {uscc(7).lower()}"}}'

    assert worker_for(decoy, 1000) == worker_for(plain, 1000)
