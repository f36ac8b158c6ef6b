"""The relay as a long-running process: it outlives broker and database outages.

On any failure the producer and the saved state are dropped and opened afresh
from what was saved (the relay is at least once, so starting over from the
saved position is always safe), after a growing pause.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from eventsourcing.postgres import PostgresApplicationRecorder
from kafka import KafkaProducer

from application.ledger import CreditLedger
from infrastructure.kafka.relay import Relay, RewindPastPosition, make_producer
from infrastructure.kafka.relay_positions import (
    PostgresRelayPositions,
    RelayPositions,
    SQLiteRelayPositions,
)
from infrastructure.kafka.stoppable import StoppedWhileConnecting, made_unless_stopped
from infrastructure.kafka.store_notifications import StoreNotifications
from infrastructure.kafka.topics import ensure_topic
from infrastructure.setting_errors import UnusableSetting
from infrastructure.settings import Settings
from infrastructure.views.read_models import view_store_for

log = logging.getLogger("credit_ledger.relay")
FIRST_PAUSE_SECONDS = 0.2
MAX_PAUSE_SECONDS = 5.0


class PublishProgress(Protocol):
    """Told how far ``publish_all`` has got, to show it."""

    def starting(self, pending: int) -> None:
        """``pending`` events are stored after the position it starts from."""

    def published(self, count: int) -> None:
        """``count`` more were published, and the broker acknowledged them."""


def _closed(producer: KafkaProducer) -> None:
    producer.close(timeout=5)


def relay_positions(settings: Settings) -> RelayPositions:
    if settings.store_kind == "postgres":
        return PostgresRelayPositions(settings.postgres_conninfo)
    return SQLiteRelayPositions(settings.sqlite_path)


class RelayProcess:
    def __init__(
        self,
        settings: Settings,
        ledger: CreditLedger,
        on_progress: Callable[[str], None] = log.info,
    ) -> None:
        if not settings.kafka_bootstrap:
            raise ValueError("the relay needs CREDIT_LEDGER_KAFKA_BOOTSTRAP")
        self._settings = settings
        self._bootstrap = settings.kafka_bootstrap
        self._ledger = ledger
        self._say = on_progress
        self.position = 0
        self._position_known = False

    @contextmanager
    def opened(self, stop: threading.Event | None = None) -> Iterator[Relay]:
        """The relay, once a broker answers; a stop while none does yet raises
        ``StoppedWhileConnecting`` at once rather than after the bootstrap timeout."""
        settings = self._settings
        with contextlib.ExitStack() as opened:
            if stop is None:
                producer = self._connected()
            else:
                producer = made_unless_stopped(self._connected, _closed, stop)
            opened.callback(_closed, producer)
            positions = relay_positions(settings)
            close = getattr(positions, "close", None)
            if close is not None:
                opened.callback(close)
            yield Relay(
                self._ledger.recorder,
                self._ledger.mapper,
                producer,
                settings.topic,
                positions,
                partitions=settings.topic_partitions,
            )

    def _connected(self) -> KafkaProducer:
        settings = self._settings
        ensure_topic(
            self._bootstrap,
            settings.topic,
            settings.topic_partitions,
            settings.topic_replication_factor,
        )
        return make_producer(self._bootstrap)

    def publish_all(
        self,
        from_position: int | None = None,
        progress: PublishProgress | None = None,
    ) -> int:
        """Publishes what is stored now, then returns (no retries)."""
        with self.opened() as relay:
            self._start(relay, from_position)
            if progress is not None:
                progress.starting(self._ledger.head_position() - relay.position)
            while sent := relay.publish_next_batch():
                self.position = relay.position
                if progress is not None:
                    progress.published(sent)
            self.position = relay.position
        return self.position

    def run(self, stop: threading.Event, from_position: int | None = None) -> None:
        notifications = self._store_notifications()
        try:
            self._run(stop, from_position, notifications)
        finally:
            if notifications is not None:
                notifications.stop()
        if not self._position_known:
            # Stopped before a relay opened (broker away): the saved position.
            with contextlib.suppress(Exception):  # the database may be down
                self.position = self._saved_position()

    def _run(
        self,
        stop: threading.Event,
        from_position: int | None,
        notifications: StoreNotifications | None,
    ) -> None:
        stored = None if notifications is None else notifications.stored
        pause = FIRST_PAUSE_SECONDS
        while not stop.is_set():
            try:
                with self.opened(stop) as relay:
                    self._start(relay, from_position)
                    from_position = None
                    pause = FIRST_PAUSE_SECONDS
                    relay.run(stop, on_progress=self._progress, stored=stored)
                    self.position = relay.position
            except StoppedWhileConnecting:
                return
            except (RewindPastPosition, UnusableSetting):
                raise  # the operator's request or settings: trying again won't help
            except Exception as e:
                # Broker or database away: start again from what was saved.
                self._say(f"relay: {type(e).__name__}: {e}; again in {pause:.1f} s")
                with contextlib.suppress(Exception):  # the database may be down
                    view_store_for(self._ledger).recover()
                stop.wait(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)

    def _saved_position(self) -> int:
        positions = relay_positions(self._settings)
        try:
            return positions.get(self._settings.topic)
        finally:
            close = getattr(positions, "close", None)
            if close is not None:
                close()

    def _store_notifications(self) -> StoreNotifications | None:
        recorder = self._ledger.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            return None
        conninfo = self._settings.postgres_conninfo
        return StoreNotifications(conninfo, recorder.channel_name).start()

    def _start(self, relay: Relay, from_position: int | None) -> None:
        if from_position is not None:
            relay.rewind(max(from_position - 1, 0))
        self.position = relay.position
        self._position_known = True
        self._say(f"relay: {self._settings.topic} from position {relay.position}")

    def _progress(self, position: int) -> None:
        self.position = position
        self._say(f"relay: at {position}")
