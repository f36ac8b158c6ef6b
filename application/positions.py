"""Where a subject's events sit in the global log (their notification ids) and
when each was recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Protocol, cast
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper


class PositionIndex(Protocol):
    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        """Map of each stored version of the originator to its global position."""
        ...

    def recorded_times(self, originator_id: UUID) -> Iterator[tuple[int, datetime]]:
        """Each stored version of the originator and its timestamp, newest first."""
        ...


PositionIndexFactory = Callable[[ApplicationRecorder, Mapper[UUID]], PositionIndex]


class ScanningPositionIndex:
    """Reads the whole log: fine for the in-memory store that tests use."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self._recorder = recorder
        self._mapper = mapper

    def recorded_times(self, originator_id: UUID) -> Iterator[tuple[int, datetime]]:
        for stored in self._recorder.select_events(originator_id, desc=True):
            event = self._mapper.to_domain_event(stored)
            yield event.originator_version, cast(datetime, vars(event)["timestamp"])

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
