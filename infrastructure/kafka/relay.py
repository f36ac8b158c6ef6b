"""Store → Kafka: follows the notification log, never skips, may repeat after a crash.

The position is saved only after the broker acknowledged every message up to it
(acks=all, idempotent producer), so a crash can at worst republish a tail that
consumers already deduplicate by position.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from eventsourcing.persistence import ApplicationRecorder, Mapper
from kafka import KafkaProducer

from domain.events import SubjectEvent
from infrastructure.kafka.messages import EventMessage
from infrastructure.kafka.relay_positions import RelayPositions

log = logging.getLogger("credit_ledger.relay")
SEND_TIMEOUT_SECONDS = 30.0


def make_producer(bootstrap: str) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap.split(","),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=10,
        client_id="credit-ledger-relay",
    )


class Relay:
    def __init__(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper,  # type: ignore[type-arg]
        producer: KafkaProducer,
        topic: str,
        positions: RelayPositions,
        batch_size: int = 1000,
    ) -> None:
        self._recorder = recorder
        self._mapper = mapper
        self._producer = producer
        self._topic = topic
        self._positions = positions
        self._batch_size = batch_size
        self.position = positions.get(topic)

    def publish_next_batch(self) -> int:
        """Publish what follows the saved position; returns how many were sent."""
        notifications = self._recorder.select_notifications(
            start=self.position + 1, limit=self._batch_size
        )
        if not notifications:
            return 0
        futures = []
        for notification in notifications:
            event = self._mapper.to_domain_event(notification)
            assert isinstance(event, SubjectEvent)
            message = EventMessage(position=notification.id, event=event)
            futures.append(
                self._producer.send(
                    self._topic,
                    key=message.key,
                    value=message.value(),
                    headers=message.headers(),
                )
            )
        self._producer.flush(timeout=SEND_TIMEOUT_SECONDS)
        for future in futures:
            future.get(timeout=SEND_TIMEOUT_SECONDS)
        self.position = notifications[-1].id
        self._positions.set(self._topic, self.position)
        return len(notifications)

    def run(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.2,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        while not stop.is_set():
            sent = self.publish_next_batch()
            if sent and on_progress is not None:
                on_progress(self.position)
            if sent < self._batch_size:
                stop.wait(poll_seconds)
