"""Write-behind for the access log: many requests' records in one transaction.

One transaction (and one fsync) per request would serialise every request behind
the store's single writer. Records wait here at most ``flush_seconds``; stopping
flushes what is left, so only a crash of the process can lose that fraction of a
second of access records (never any event).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from application.access import AccessLog, AccessRecord

log = logging.getLogger("credit_ledger.access")


class BufferedAccessLog:
    def __init__(self, inner: AccessLog, flush_seconds: float = 0.2) -> None:
        self._inner = inner
        self._flush_seconds = flush_seconds
        self._pending: list[AccessRecord] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def append(self, record: AccessRecord) -> None:
        self.append_many([record])

    def append_many(self, records: Sequence[AccessRecord]) -> None:
        with self._lock:
            self._pending.extend(records)
        if self._thread is None:
            self._start()

    def recent(self, limit: int) -> list[AccessRecord]:
        self.flush()
        return self._inner.recent(limit)

    def flush(self) -> None:
        with self._flush_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                self._inner.append_many(batch)
            except Exception:
                with self._lock:
                    self._pending[:0] = batch
                raise

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="access-log", daemon=True
            )
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self._flush_seconds):
            try:
                self.flush()
            except Exception:
                # The store may be briefly unavailable; the records stay pending.
                log.exception("access log flush failed; will retry")
