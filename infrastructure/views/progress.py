"""How far the store, the relay and every view have got: for /readyz and /metrics.

Lag is counted in positions behind the store's head (for a Kafka-fed view, per
partition: behind the head from where the partition is known complete).
"""

from __future__ import annotations

from dataclasses import dataclass

from infrastructure.views.read_models import ReadModels
from infrastructure.views.sources import PartitionProgress, SourceProgress


@dataclass(frozen=True)
class ViewProgress:
    name: str
    source: SourceProgress
    lag: int

    @property
    def position(self) -> int:
        return self.source.position


@dataclass(frozen=True)
class ReadProgress:
    head: int
    views: tuple[ViewProgress, ...]

    @property
    def relay(self) -> tuple[str, int] | None:
        """The relay's topic and position, when the views are fed through it."""
        for view in self.views:
            topic, position = view.source.topic, view.source.relay_position
            if topic is not None and position is not None:
                return topic, position
        return None

    def lag_of(self, partition: PartitionProgress) -> int:
        return max(self.head - partition.reach, 0)


def read_progress(read_models: ReadModels) -> ReadProgress:
    sources = {}
    for name, view in sorted(read_models.views.items()):
        with view.store.snapshot() as cursor:
            sources[name] = view.source.progress(view, cursor)
    # Read after the views, so that no lag comes out below zero.
    head = read_models.ledger.head_position()
    return ReadProgress(
        head,
        tuple(
            ViewProgress(name, source, max(head - source.position, 0))
            for name, source in sources.items()
        ),
    )
