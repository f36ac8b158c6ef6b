"""The store's global log as ``audit verify`` reads it: raw rows, page by page.

A row is what the store holds for one event, before any decoding, so that
damaged bytes reach the checks instead of failing the read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

# position, originator id (a UUID, or its text as the table holds it),
# originator version, topic, stored state.
LogRow = tuple[int, UUID | str, int, str, bytes]


class IdCache:
    """Originator ids as text, each parsed once for as long as it keeps coming
    (the subjects seen lately); the mapper would parse it for every event."""

    def __init__(self, size: int = 1 << 16) -> None:
        self._parsed: dict[str, UUID] = {}
        self._size = size

    def uuid(self, raw: UUID | str) -> UUID:
        if isinstance(raw, UUID):
            return raw
        known = self._parsed.get(raw)
        if known is None:
            if len(self._parsed) >= self._size:
                self._parsed.clear()
            known = self._parsed[raw] = UUID(raw)
        return known


class EventLogPages(Protocol):
    def pages(self, start: int = 1) -> Iterator[Sequence[LogRow]]:
        """Every event from position ``start`` on, in position order, in pages;
        events appended while this runs are read too."""
        ...


class RecorderPages:
    """Any eventsourcing recorder, through its notification log."""

    def __init__(self, recorder: ApplicationRecorder, page_size: int = 1000) -> None:
        self._recorder = recorder
        self._page_size = page_size

    def pages(self, start: int = 1) -> Iterator[Sequence[LogRow]]:
        while batch := self._recorder.select_notifications(
            start=start, limit=self._page_size
        ):
            yield [
                (n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in batch
            ]
            start = batch[-1].id + 1
