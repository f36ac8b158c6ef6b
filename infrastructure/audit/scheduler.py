"""Signs a checkpoint every interval while the service runs, if the log grew."""

from __future__ import annotations

import logging
import threading

from application.audit import AuditLog
from application.audit_errors import AuditLogCorrupted

log = logging.getLogger("credit_ledger.audit")


class CheckpointScheduler:
    def __init__(self, audit: AuditLog, interval_seconds: float) -> None:
        self._audit = audit
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start signing (again after a stop); a no-op while already running."""
        if self._interval <= 0 or (self._thread and self._thread.is_alive()):
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name="checkpoint-signer", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self._interval):
            try:
                checkpoint = self._audit.sign_if_grown()
            except AuditLogCorrupted as refusal:
                # A finding about the store, not a fault here: no traceback,
                # and the next tick checks again (the message holds no key).
                log.error("checkpoint refused: %s", refusal)
                continue
            except Exception:
                # The signer must outlive a database hiccup; the next tick retries.
                log.exception("signing a checkpoint failed")
                continue
            if checkpoint is not None:
                log.info(
                    "signed checkpoint size %d root %s",
                    checkpoint.size,
                    checkpoint.root_hash,
                )
