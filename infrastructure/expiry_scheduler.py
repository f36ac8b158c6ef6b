"""Runs the expiry (PublicityExpired, Delisted, RedListRevoked) on a timer inside
``serve``, and once for ``credit-ledger expire``.

Due dates come from the public view, so before deciding, the view must have
processed every event stored so far: a record stored a moment before the run
would otherwise be missed until the next one.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import WaitInterruptedError

from application.expiry import run_expiry
from application.ledger import CreditLedger
from application.results import RecordedEvent
from infrastructure.views.read_models import ReadModels

log = logging.getLogger("credit_ledger.expiry")
# A first start may project a long history before the view is current.
CATCH_UP_TIMEOUT_SECONDS = 600.0


def expire_caught_up(
    ledger: CreditLedger,
    read_models: ReadModels,
    timeout: float = CATCH_UP_TIMEOUT_SECONDS,
    interrupt: threading.Event | None = None,
) -> list[RecordedEvent]:
    """Waits until the public view has the store's head, then emits what is due.

    Raises ``TimeoutError`` if the view does not get there in time.
    """
    head = ledger.head_position()
    if head:
        read_models.public.wait(ledger.name, head, timeout=timeout, interrupt=interrupt)
    return run_expiry(ledger, read_models.public)


@dataclass(frozen=True)
class ExpiryRun:
    finished_at: datetime
    emitted: int
    error: str | None


class ExpiryScheduler:
    """Once at start, then every interval; an interval of 0 turns it off."""

    def __init__(
        self, ledger: CreditLedger, read_models: ReadModels, interval_seconds: float
    ) -> None:
        self._ledger = ledger
        self._read_models = read_models
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._runs = threading.Condition()
        self.completed_runs = 0
        self.last_run: ExpiryRun | None = None

    def start(self) -> None:
        if self._interval <= 0 or (self._thread and self._thread.is_alive()):
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name="expiry-scheduler", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait_for_runs(self, count: int, timeout: float) -> bool:
        """True once ``count`` runs have finished (tests and health checks)."""
        with self._runs:
            return self._runs.wait_for(lambda: self.completed_runs >= count, timeout)

    def status(self) -> dict[str, Any]:
        """For /readyz: the last run, what it emitted, and its error if it failed."""
        run = self.last_run
        return {
            "ok": run is None or run.error is None,
            "interval_seconds": self._interval,
            "last_run": None if run is None else run.finished_at.isoformat(),
            "emitted": None if run is None else run.emitted,
            "error": None if run is None else run.error,
        }

    def _run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self._run_once(stop)
            if stop.wait(self._interval):
                return

    def _run_once(self, stop: threading.Event) -> None:
        error: str | None = None
        emitted: list[RecordedEvent] = []
        try:
            emitted = expire_caught_up(self._ledger, self._read_models, interrupt=stop)
        except WaitInterruptedError:
            return  # stopping
        except Exception as e:
            # The scheduler must outlive a database hiccup; the next tick retries.
            log.exception("expiry run failed")
            error = f"{type(e).__name__}: {e}"
        for event in emitted:
            log.info("expiry: %s %s v%d", event.type, event.subject, event.version)
        with self._runs:
            self.last_run = ExpiryRun(self._ledger.clock.now(), len(emitted), error)
            self.completed_runs += 1
            self._runs.notify_all()
