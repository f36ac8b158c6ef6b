"""Where a subject's events sit in the global log (their notification ids) and
when each was recorded; and the reads that fetch many subjects' events at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol, cast
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    Mapper,
    StoredEvent,
)

# Per originator: its latest snapshot (if any) and the events stored after it,
# each with its global position.
StoredSubject = tuple[StoredEvent | None, list[tuple[StoredEvent, int]]]


class PositionIndex(Protocol):
    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        """Map of each stored version of the originator to its global position."""
        ...

    def recorded_times(self, originator_id: UUID) -> Iterator[tuple[int, datetime]]:
        """Each stored version of the originator and its timestamp, newest first."""
        ...

    def stored_in_ranges(
        self, ranges: Mapping[UUID, tuple[int, int]]
    ) -> list[tuple[StoredEvent, int]]:
        """Each originator's stored events from its first to its last version
        (inclusive), each with its global position."""
        ...

    def stored_subjects(
        self, originator_ids: Sequence[UUID], snapshots: AggregateRecorder | None
    ) -> dict[UUID, StoredSubject]:
        """What rebuilds each originator that has events: its latest snapshot and
        the events after it, in version order, with their positions."""
        ...


PositionIndexFactory = Callable[[ApplicationRecorder, Mapper[UUID]], PositionIndex]


class OneByOneReads:
    """The many-subject reads as one recorder call per subject: right for stores
    in the same process, where a call costs no round trip."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder

    def positions_of(self, originator_id: UUID) -> dict[int, int]:
        raise NotImplementedError

    def stored_in_ranges(
        self, ranges: Mapping[UUID, tuple[int, int]]
    ) -> list[tuple[StoredEvent, int]]:
        found: list[tuple[StoredEvent, int]] = []
        for originator_id, (first, last) in ranges.items():
            positions = self.positions_of(originator_id)
            events = self._recorder.select_events(originator_id, gt=first - 1, lte=last)
            found.extend((e, positions[e.originator_version]) for e in events)
        return found

    def stored_subjects(
        self, originator_ids: Sequence[UUID], snapshots: AggregateRecorder | None
    ) -> dict[UUID, StoredSubject]:
        found: dict[UUID, StoredSubject] = {}
        for originator_id in originator_ids:
            latest = (
                snapshots.select_events(originator_id, desc=True, limit=1)
                if snapshots is not None
                else []
            )
            snapshot = latest[0] if latest else None
            after = snapshot.originator_version if snapshot is not None else None
            events = self._recorder.select_events(originator_id, gt=after)
            positions = self.positions_of(originator_id) if events else {}
            if snapshot is not None or events:
                found[originator_id] = (
                    snapshot,
                    [(e, positions[e.originator_version]) for e in events],
                )
        return found


class ScanningPositionIndex(OneByOneReads):
    """Reads the whole log: fine for the in-memory store that tests use."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        super().__init__(recorder)
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
