"""The in-process runner: feeds a projection from the ledger's notification log.

It reads from the view's own tracked position, so a restart (or a crash in the
middle of a batch, which rolls the whole batch back) resumes exactly where the
view's committed rows end. A commit in this process wakes it at once; commits
by other processes are picked up by polling.
"""

from __future__ import annotations

import logging
import threading
from typing import Generic, TypeVar

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection

from application.ledger import CreditLedger
from projections.errors import PositionMoved
from projections.tracked_view import TrackedView

log = logging.getLogger("credit_ledger.projections")
V = TypeVar("V", bound=TrackedView)
MAX_BACKOFF_SECONDS = 30.0


class ProjectionRunner(Generic[V]):
    def __init__(
        self,
        ledger: CreditLedger,
        projection: Projection[V],
        *,
        batch_size: int = 500,
        poll_interval: float = 0.5,
    ) -> None:
        self.ledger = ledger
        self.projection = projection
        self.view: V = projection.view
        self.application_name = ledger.name
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.last_error: Exception | None = None
        self._known_position: int | None = None
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self.ledger.commit_listeners.append(self.wake)
        self._thread = threading.Thread(
            target=self._run, name=f"projection-{self.view.view_name}", daemon=True
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

    def catch_up(self) -> int:
        """Process everything stored so far; the number of events processed."""
        processed = 0
        retried_at: int | None = None
        while not self._stopping.is_set():
            try:
                count = self.process_batch()
            except (PositionMoved, IntegrityError) as e:
                # Another runner or a rebuild's swap moved the view: follow it.
                # Failing again from the same position is no race but a fault.
                self._known_position = None
                position = self.view.position(self.application_name)
                if position == retried_at:
                    raise
                log.info("%s: %s; continuing from %d", self.view.view_name, e, position)
                retried_at = position
                continue
            if not count:
                break
            processed += count
        return processed

    def process_batch(self) -> int:
        app = self.application_name
        after = self._known_position
        if after is None:
            after = self.view.position(app)
        notifications = self.ledger.recorder.select_notifications(
            start=after + 1, limit=self.batch_size
        )
        if not notifications:
            self._known_position = after
            return 0
        to_event = self.ledger.mapper.to_domain_event
        with self.view.batch(app, after):
            for n in notifications:
                self.projection.process_event(to_event(n), Tracking(app, n.id))
        self._known_position = notifications[-1].id
        return len(notifications)

    def _run(self) -> None:
        backoff = self.poll_interval
        while not self._stopping.is_set():
            self._wakeup.clear()
            try:
                self.catch_up()
            except Exception as e:
                # A failing store or handler must not kill the thread: the view
                # stays at its last good position and readers see it lagging.
                log.exception("projection %s failed", self.view.view_name)
                self.last_error = e
                self._known_position = None
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            self.last_error = None
            backoff = self.poll_interval
            self._wakeup.wait(self.poll_interval)
