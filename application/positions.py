"""Where a subject's events sit in the global log (their notification ids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder


class PositionIndex(Protocol):
    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        """Map of each stored version of the originator to its global position."""
        ...


PositionIndexFactory = Callable[[ApplicationRecorder], PositionIndex]


class ScanningPositionIndex:
    """Reads the whole log: fine for the in-memory store that tests use."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        positions: dict[int, int] = {}
        start = 1
        while True:
            batch = self._recorder.select_notifications(start=start, limit=1000)
            if not batch:
                return positions
            for n in batch:
                if n.originator_id == originator_id:
                    positions[n.originator_version] = n.id
            start = batch[-1].id + 1
