"""One read of the log for several views: each notification is read and decoded
once, then every view takes the batch, skipping what it already holds, and all
their rows and positions are written in one transaction (``joint_batch``).

A rebuild of every view is one pass over the log instead of one per view.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from infrastructure.views.joint_batch import ViewBatch, write_together
from infrastructure.views.nul_text import for_views
from infrastructure.views.tracked import SqlTrackedView

Decoded = list[tuple[Any, Tracking]]
"""A batch of events, each with the position it was read at."""


class FanOutRunner:
    def __init__(
        self,
        ledger: CreditLedger,
        projections: Sequence[Projection[Any]],
        *,
        batch_size: int,
    ) -> None:
        self.ledger = ledger
        self.projections = projections
        self.batch_size = batch_size
        self._positions: list[int] | None = None
        # Where the last batch was read from: what a failing one failed past.
        self.read_after: int | None = None

    @property
    def views(self) -> list[SqlTrackedView]:
        return [projection.view for projection in self.projections]

    def position(self) -> int:
        """Every view holds every event up to here."""
        return min(self._known_positions())

    def catch_up(self, progress: Callable[[int], object] | None = None) -> int:
        """Projects everything stored so far; the number of events read."""
        processed = 0
        with _collecting_between_batches() as collect:
            while count := self.process_batch():
                processed += count
                collect()
                if progress is not None:
                    progress(count)
        return processed

    def process_batch(self) -> int:
        """Reads and projects the next batch; the number of events read."""
        after = self.read_after = self.position()
        events = self.read(after)
        if events:
            self.project(events)
        return len(events)

    def read(self, after: int) -> Decoded:
        app = self.ledger.name
        to_event = self.ledger.mapper.to_domain_event
        notifications = self.ledger.recorder.select_notifications(
            start=after + 1, limit=self.batch_size
        )
        return [
            (for_views(to_event(n), n.state), Tracking(app, n.id))
            for n in notifications
        ]

    def project(self, events: Decoded) -> None:
        positions = self._known_positions()
        try:
            batches = []
            for projection, view, after in zip(
                self.projections, self.views, positions, strict=True
            ):
                # Bound once: each lookup of a dispatching method builds a wrapper.
                process = projection.process_event
                with view.collecting() as collected:
                    for event, tracking in events:
                        if tracking.notification_id > after:
                            process(event, tracking)
                batches.append(ViewBatch(view, after, collected))
            write_together(self.ledger.name, batches)
        except BaseException:
            self._positions = None  # read them again from the views
            raise
        last = events[-1][1].notification_id
        self._positions = [max(after, last) for after in positions]

    def _known_positions(self) -> list[int]:
        if self._positions is None:
            app = self.ledger.name
            self._positions = [view.position(app) for view in self.views]
        return self._positions


@contextmanager
def _collecting_between_batches() -> Iterator[Callable[[], object]]:
    """Reference cycles collected between batches only, in the young
    generations: a pass allocates millions of short-lived objects (freed by
    reference counting), and the collector would otherwise scan each batch's
    survivors and the whole heap again and again while it runs."""
    if not gc.isenabled():  # whoever disabled it collects
        yield lambda: None
        return
    gc.disable()
    try:
        yield lambda: gc.collect(1)
    finally:
        gc.enable()
