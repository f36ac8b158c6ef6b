"""The projections' part of ``/readyz``: positions and lag, per partition when
the views are fed through Kafka. Lag is reported, not judged: a view catching
up still answers (``min_position`` reads wait for what they need)."""

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
    return {"ok": True, "head_position": progress.head, "relay": relay, "views": views}
