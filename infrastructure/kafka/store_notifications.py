"""Wakes the relay as soon as PostgreSQL stores events, instead of at its next poll.

The eventsourcing PostgreSQL recorder sends ``NOTIFY <events table>`` with every
insert; this LISTENs on its own connection (reconnecting after a database
restart) and sets an event the relay waits on. Polling remains the fallback.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from psycopg import sql

log = logging.getLogger("credit_ledger.relay")
LISTEN_TIMEOUT_SECONDS = 1.0


class StoreNotifications:
    def __init__(self, conninfo: str, channel: str) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self.stored = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="store-notifications", daemon=True
        )

    def start(self) -> StoreNotifications:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(LISTEN_TIMEOUT_SECONDS * 2)

    def _run(self) -> None:
        listen = sql.SQL("LISTEN {}").format(sql.Identifier(self._channel))
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(listen)
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=LISTEN_TIMEOUT_SECONDS):
                            self.stored.set()
            except psycopg.Error as e:
                log.info("store notifications: %s; polling meanwhile", e)
                self._stopping.wait(LISTEN_TIMEOUT_SECONDS)
