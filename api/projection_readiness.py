"""The projections' part of ``/readyz``: positions and lag, per partition when
the views are fed through Kafka, and the in-process runners that are failing.
Lag is reported, not judged: a view catching up still answers (``min_position``
reads wait for what they need), and the service still records."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError

from infrastructure.views.progress import read_progress
from infrastructure.views.read_models import ReadModels


def projections_check(read_models: ReadModels) -> dict[str, Any]:
    try:
        progress = read_progress(read_models)
    except PersistenceError as e:
        return {"ok": False, "error": type(e).__name__}
    relay = None
    if progress.relay is not None:
        topic, position = progress.relay
        lag = max(progress.head - position, 0)
        relay = {"topic": topic, "position": position, "lag": lag}
    views = {
        view.name: {
            "source": view.source.name,
            "position": view.position,
            "lag": view.lag,
            "partitions": [
                {
                    "partition": p.partition,
                    "position": p.position,
                    "lag": progress.lag_of(p),
                }
                for p in view.source.partitions
            ],
        }
        for view in progress.views
    }
    return {
        "ok": True,
        "head_position": progress.head,
        "relay": relay,
        "views": views,
        "failing": _failing(read_models),
    }


def _failing(read_models: ReadModels) -> list[dict[str, Any]]:
    """The in-process runners whose last attempt failed: their views wait at
    the event they could not apply, retried with backoff, until an operator
    acts. Only the error's kind: its message may quote what was recorded."""
    return [
        {
            "views": [view.view_name for view in runner.views],
            "error": type(runner.last_error).__name__,
        }
        for runner in read_models.runners
        if runner.last_error is not None
    ]
