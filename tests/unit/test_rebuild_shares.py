"""How a rebuild shares the views out between processes."""

from __future__ import annotations

import os

import pytest

from infrastructure.settings import Settings
from infrastructure.views.rebuild_workers import balanced, worker_processes_for

WEIGHTS = {"public": 8, "indicators": 5, "repairs": 2}


def test_views_are_shared_out_by_weight_heaviest_group_first() -> None:
    assert balanced(WEIGHTS, 2) == [["public"], ["indicators", "repairs"]]


def test_more_processes_than_views_gives_one_view_each() -> None:
    assert balanced(WEIGHTS, 5) == [["public"], ["indicators"], ["repairs"]]


def test_one_process_takes_every_view() -> None:
    assert balanced(WEIGHTS, 1) == [["public", "indicators", "repairs"]]


@pytest.mark.parametrize(
    ("database_url", "asked", "processes"),
    [
        ("postgresql://ledger@db/credit", None, 2),
        ("postgresql://ledger@db/credit", 1, None),
        ("postgresql://ledger@db/credit", 3, 3),
        ("sqlite:///var/ledger.sqlite3", None, None),
        ("sqlite:///var/ledger.sqlite3", 2, 2),
        ("memory://", 2, None),
    ],
)
def test_processes_default_to_two_on_postgres_and_one_on_sqlite(
    database_url: str,
    asked: int | None,
    processes: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    split = worker_processes_for(Settings(database_url=database_url), asked)

    assert (split and split.processes) == processes
