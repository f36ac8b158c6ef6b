"""Tests that feed the service's views themselves, batch by batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from infrastructure.bootstrap import Services
from infrastructure.views.fan_out import FanOutRunner
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.tracked import CollectedBatch, SqlTrackedView


def feed(services: Services, batch_size: int) -> FanOutRunner:
    """A runner of its own over the service's three views."""
    views = services.read_models.views
    projections = [spec.projection(views[name]) for name, spec in PROJECTIONS.items()]
    return FanOutRunner(services.ledger, projections, batch_size=batch_size)


def positions(services: Services) -> list[int]:
    app = services.ledger.name
    return [view.position(app) for view in services.read_models.views.values()]


def break_after_collecting(
    view: SqlTrackedView, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``view``'s batches end with ``rows`` inserts into a table that does not
    exist (a run of them as long as a COPY's goes as one)."""
    collecting = view.collecting

    @contextmanager
    def broken(self: SqlTrackedView) -> Iterator[CollectedBatch]:
        with collecting() as collected:
            yield collected
        missing = self.store.statement("INSERT INTO no_such_table VALUES (%(n)s)")
        for n in range(rows):
            collected.writes.execute(missing, {"n": n})

    monkeypatch.setattr(view, "collecting", broken.__get__(view))
