"""Read-your-writes: wait until a view reaches a position."""

from __future__ import annotations

import threading
from time import monotonic

from eventsourcing.persistence import TrackingRecorder, WaitInterruptedError

# Another process may advance the view; only this process's writes notify.
CROSS_PROCESS_POLL_SECONDS = 0.1


class NotifiedWaiting(TrackingRecorder):
    """Waiters wake as soon as this process commits, instead of backing off."""

    view_name: str

    def __init__(self) -> None:
        self._advanced = threading.Condition()
        self._advances = 0

    def notify_advanced(self) -> None:
        with self._advanced:
            self._advances += 1
            self._advanced.notify_all()

    def wait(
        self,
        application_name: str,
        notification_id: int | None,
        timeout: float = 1.0,
        interrupt: threading.Event | None = None,
    ) -> None:
        deadline = monotonic() + timeout
        while True:
            seen = self._advances
            if self.has_tracking_id(application_name, notification_id):
                return
            remaining = deadline - monotonic()
            if remaining <= 0:
                msg = f"{self.view_name} has not reached position {notification_id}"
                raise TimeoutError(msg)
            if interrupt is not None and interrupt.is_set():
                raise WaitInterruptedError
            with self._advanced:
                if self._advances == seen:
                    self._advanced.wait(min(remaining, CROSS_PROCESS_POLL_SECONDS))
