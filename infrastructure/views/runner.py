"""The in-process runner: feeds projections from the ledger's notification log.

It reads from the views' own tracked positions, so a restart (or a crash in the
middle of a batch, which rolls the batch back) resumes exactly where
each view's committed rows end. A commit in this process wakes it (after a
pause of a few milliseconds when it has just written a batch, so that a busy
API's commits share batches); commits by other processes are picked up by
polling.

One runner feeds several views: each notification is read and decoded once for
all of them, by one thread, instead of once per view by a thread each (which,
beside an API on the same cores, cost the requests more than the views).
A batch is written for every view or for none, so a view that keeps failing
holds the others back with it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from infrastructure.failure_log import FailureLog
from infrastructure.views.fan_out import FanOutRunner
from projections.errors import PositionMoved
from projections.tracked_view import TrackedView

log = logging.getLogger("credit_ledger.projections")
MAX_BACKOFF_SECONDS = 30.0
# After a batch, what is committed meanwhile waits this long to go in the next
# one: a batch costs its read, its positions and its commit whatever it holds,
# and without the pause every commit of a busy API was a batch of its own.
GATHER_SECONDS = 0.005


class ProjectionRunner:
    def __init__(
        self,
        ledger: CreditLedger,
        *projections: Projection[Any],
        batch_size: int = 500,
        poll_interval: float = 0.5,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self.ledger = ledger
        self.views: list[TrackedView] = [p.view for p in projections]
        self.poll_interval = poll_interval
        self.gather_seconds = gather_seconds
        self.last_error: Exception | None = None
        self._feed = FanOutRunner(ledger, projections, batch_size=batch_size)
        self._failures = FailureLog(log, f"projections {self._thread_name()}")
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self.ledger.commit_listeners.append(self.wake)
        self._thread = threading.Thread(
            target=self._run, name=self._thread_name(), daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._stopping.set()
        self._wakeup.set()
        self._thread.join(timeout)
        self._thread = None
        if self.wake in self.ledger.commit_listeners:
            self.ledger.commit_listeners.remove(self.wake)

    def wake(self, head: int | None = None) -> None:
        self._wakeup.set()

    def catch_up(self, *, gathering: bool = False) -> int:
        """Process everything stored so far; the number of events read.

        ``gathering``: stop after a batch that was not full, which read up to
        the head as it was then; what was committed since goes in a later one.
        """
        processed = 0
        retried_at: int | None = None
        while not self._stopping.is_set():
            try:
                count = self._feed.process_batch()
            except (PositionMoved, IntegrityError) as e:
                # Another runner or a rebuild's swap moved a view: follow it
                # (the feed reads the views' positions again after a failure).
                # Failing again from the same position is no race but a fault.
                position = self._feed.position()
                if position == retried_at:
                    raise
                log.info("projections: %s; continuing from %d", e, position)
                retried_at = position
                continue
            processed += count
            if not count or (gathering and count < self._feed.batch_size):
                break
        return processed

    def _thread_name(self) -> str:
        return "projection-" + "+".join(view.view_name for view in self.views)

    def _run(self) -> None:
        backoff = self.poll_interval
        while not self._stopping.is_set():
            self._wakeup.clear()
            try:
                processed = self.catch_up(gathering=True)
            except Exception as e:
                # A failing store or handler must not kill the thread: the views
                # stay at their last good positions and readers see them lagging.
                # A damaged event fails every try the same way until it is
                # repaired: its traceback is logged once, not at every try.
                self._failures.failed(e, self._feed.read_after)
                self.last_error = e
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            self._failures.succeeded()
            self.last_error = None
            backoff = self.poll_interval
            if processed:
                self._stopping.wait(self.gather_seconds)
            self._wakeup.wait(self.poll_interval)
