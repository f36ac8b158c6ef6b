"""Rebuilding every view with a share of them in a worker process gives what the
in-process runners built; a worker that fails leaves every live view as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import RebuildTarget, rebuild_all
from infrastructure.views.rebuild_workers import RebuildWorkerFailed, WorkerProcesses
from tests.factories import FixedClock
from tests.view_history import caught_up, every_kind_of_fact, some_history

Snapshots = dict[str, dict[str, list[tuple[Any, ...]]]]


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
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


def every_view(services: Services) -> list[RebuildTarget]:
    views = services.read_models.views
    return [RebuildTarget(views[n], spec.projection) for n, spec in PROJECTIONS.items()]


def snapshots(services: Services) -> Snapshots:
    return {name: v.snapshot() for name, v in services.read_models.views.items()}


def test_views_rebuilt_in_two_processes_equal_the_runners(services: Services) -> None:
    some_history(services)
    head = every_kind_of_fact(services)
    caught_up(services)
    built_by_runners = snapshots(services)
    progress: list[int] = []

    position = rebuild_all(
        services.ledger,
        every_view(services),
        progress.append,
        batch_size=7,
        split=WorkerProcesses(services.settings, processes=2),
    )

    assert position == head
    assert snapshots(services) == built_by_runners
    assert sum(progress) == head


def test_a_failing_worker_fails_the_rebuild_and_swaps_no_view(
    services: Services, tmp_path: Path
) -> None:
    some_history(services)
    caught_up(services)
    before = snapshots(services)
    (tmp_path / "a-file").write_text("")
    # The worker cannot open a store under a file: it fails on start.
    unusable = Settings(database_url=f"sqlite:///{tmp_path / 'a-file' / 'x.db'}")

    with pytest.raises(RebuildWorkerFailed, match="indicators, repairs"):
        rebuild_all(
            services.ledger,
            every_view(services),
            split=WorkerProcesses(unusable, processes=2),
        )

    assert snapshots(services) == before
