"""Rebuilding every view in one pass over the log (in this process, or with a
share of the views in a worker process) gives what the in-process runners built
and what rebuilding each view alone gives; an interrupted or failed rebuild, or
a failing worker, leaves every live view as it was. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infrastructure.bootstrap import Services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import RebuildTarget, rebuild, rebuild_all
from infrastructure.views.rebuild_workers import RebuildWorkerFailed, WorkerProcesses
from infrastructure.views.tracked import SqlTrackedView
from projections.paging import PageQuery
from tests.factories import listing, uscc
from tests.view_history import caught_up, every_kind_of_fact, record, some_history
from tests.view_scene import OFFICER

Snapshots = dict[str, dict[str, list[tuple[Any, ...]]]]


class Interrupted(Exception):
    pass


def every_view(services: Services) -> list[RebuildTarget]:
    views = services.read_models.views
    return [RebuildTarget(views[n], spec.projection) for n, spec in PROJECTIONS.items()]


def snapshots(services: Services) -> Snapshots:
    return {name: v.snapshot() for name, v in services.read_models.views.items()}


def positions(services: Services) -> dict[str, int]:
    app = services.ledger.name
    return {name: v.position(app) for name, v in services.read_models.views.items()}


def test_one_pass_over_every_view_equals_the_runners_and_each_view_alone(
    services: Services,
) -> None:
    some_history(services)
    head = every_kind_of_fact(services)
    caught_up(services)
    built_by_runners = snapshots(services)

    position = rebuild_all(services.ledger, every_view(services), batch_size=7)

    assert position == head
    assert positions(services) == dict.fromkeys(PROJECTIONS, head)
    assert snapshots(services) == built_by_runners
    for name, spec in PROJECTIONS.items():
        rebuild(services.ledger, services.read_models.views[name], spec.projection)
    assert snapshots(services) == built_by_runners


def test_the_live_views_keep_serving_and_following_writes_during_the_pass(
    services: Services,
) -> None:
    some_history(services)
    caught_up(services)
    late_code = uscc(99)
    served: list[int] = []

    def meanwhile(_: int) -> None:
        served.append(len(services.read_models.public.serious_list(PageQuery()).rows))
        if len(served) == 2:
            services.ledger.register_subject(late_code, "late subject", OFFICER)
            record(services, late_code, listing("S9"))

    position = rebuild_all(services.ledger, every_view(services), meanwhile, 10)

    assert position == services.ledger.head_position()
    assert set(served[:2]) == {6}
    caught_up(services)
    listed = services.read_models.public.serious_list(PageQuery()).rows
    assert late_code in {row.subject for row in listed}


def test_an_interrupted_rebuild_leaves_every_live_view_untouched(
    services: Services,
) -> None:
    some_history(services)
    caught_up(services)
    before, at = snapshots(services), positions(services)

    def interrupt(_: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        rebuild_all(services.ledger, every_view(services), interrupt, batch_size=10)

    assert snapshots(services) == before
    assert positions(services) == at
    assert rebuild_all(services.ledger, every_view(services)) == at["public"]
    assert snapshots(services) == before


def test_a_swap_that_fails_part_way_swaps_no_view(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    some_history(services)
    caught_up(services)
    services.read_models.stop()
    before, at = snapshots(services), positions(services)
    last = services.read_models.views[list(PROJECTIONS)[-1]]

    def fail(self: SqlTrackedView, cursor: Any) -> None:
        raise Interrupted

    # The other views' tables are renamed by then: all of it must roll back.
    monkeypatch.setattr(type(last), "create_indexes", fail)
    with pytest.raises(Interrupted):
        rebuild_all(services.ledger, every_view(services))

    monkeypatch.undo()
    assert snapshots(services) == before
    assert positions(services) == at
    assert services.read_models.public.serious_list(PageQuery()).rows


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
