"""Store → Kafka: follows the notification log, never skips, may repeat after a crash.

The position is saved only after the broker acknowledged every message up to it
(acks=all, idempotent producer), so a crash can at worst republish a tail that
consumers already deduplicate by position.

The relay picks each message's partition itself (``partition_for``) and chains
the messages of a partition (``partition_previous``). It also remembers the
offsets the broker acknowledged: when the offsets acknowledged for a batch go
backwards, the broker has lost records it had acknowledged (a topic deleted and
re-created, storage without replicas lost), and the relay publishes everything
again from position 1; consumers skip what they already applied. (A loss while
nothing is being published shows at the next batch; ``relay --from 1`` forces
it at once.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper
from kafka import KafkaProducer

from domain.events import SubjectEvent
from infrastructure.kafka.brokers import client_options, reaching
from infrastructure.kafka.messages import EventMessage
from infrastructure.kafka.partitioning import partition_for
from infrastructure.kafka.relay_positions import PartitionMark, RelayPositions
from infrastructure.kafka.topics import TooFewPartitions

log = logging.getLogger("credit_ledger.relay")
SEND_TIMEOUT_SECONDS = 30.0
NO_MARK = PartitionMark(last_position=0, next_offset=0)


def make_producer(bootstrap: str) -> KafkaProducer:
    with reaching(bootstrap):
        return KafkaProducer(
            **client_options(bootstrap),
            acks="all",
            enable_idempotence=True,
            # Bigger, fewer requests: publish_next_batch flushes at its end anyway.
            linger_ms=20,
            batch_size=256 * 1024,
            retries=10,
            client_id="credit-ledger-relay",
            # The topic is created on purpose, with its partition count.
            allow_auto_create_topics=False,
        )


class RewindPastPosition(ValueError):
    """Publishing again only goes back: going forward would skip positions."""

    def __init__(self, position: int, saved: int) -> None:
        self.position, self.saved = position, saved
        super().__init__(
            f"cannot publish again after position {position}: the relay's saved "
            f"position is {saved}, and positions {saved + 1} to {position} would "
            "never be published"
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
        partitions: int | None = None,
    ) -> None:
        self._recorder = recorder
        self._mapper = mapper
        self._producer = producer
        self._topic = topic
        self._positions = positions
        self._batch_size = batch_size
        self.partitions = partitions or len(producer.partitions_for(topic))
        self._check_partitions()
        self.position = positions.get(topic)
        self._marks = positions.marks(topic)
        if self.position and not self._marks:
            # Saved by a relay that kept no marks: work them out once.
            self._marks = self._marks_at(self.position)

    def publish_next_batch(self) -> int:
        """Publish what follows the saved position; returns how many were sent."""
        notifications = self._recorder.select_notifications(
            start=self.position + 1, limit=self._batch_size
        )
        if not notifications:
            return 0
        last = {p: m.last_position for p, m in self._marks.items()}
        sent: list[tuple[int, Any]] = []
        for notification in notifications:
            event = self._mapper.to_domain_event(notification)
            assert isinstance(event, SubjectEvent)
            partition = partition_for(event.subject_code, self.partitions)
            message = EventMessage(notification.id, event, last.get(partition, 0))
            last[partition] = notification.id
            future = self._producer.send(
                self._topic,
                key=message.key,
                value=message.value(),
                headers=message.headers(),
                partition=partition,
            )
            sent.append((partition, future))
        self._producer.flush(timeout=SEND_TIMEOUT_SECONDS)
        first: dict[int, int] = {}
        following: dict[int, int] = {}
        for partition, future in sent:
            offset = int(future.get(timeout=SEND_TIMEOUT_SECONDS).offset)
            first.setdefault(partition, offset)
            following[partition] = offset + 1
        lost = [p for p, o in first.items() if o < self._mark(p).next_offset]
        self._marks = {
            p: PartitionMark(last[p], following.get(p, self._mark(p).next_offset))
            for p in last
        }
        if lost:
            self._republish_after_loss(lost)
        else:
            self.position = notifications[-1].id
            self._positions.save(self._topic, self.position, self._marks)
        return len(notifications)

    def _republish_after_loss(self, partitions: list[int]) -> None:
        log.warning(
            "%s: partitions %s hold fewer records than the broker acknowledged; "
            "publishing everything again from position 1",
            self._topic,
            partitions,
        )
        self.rewind(0)

    def rewind(self, position: int) -> None:
        """Publish again everything after ``position`` (at least once), which
        must not be past the saved position."""
        if position > self.position:
            raise RewindPastPosition(position, self.position)
        emptied = {p: PartitionMark(0, m.next_offset) for p, m in self._marks.items()}
        self._marks = emptied | self._marks_at(position)
        self.position = position
        self._positions.save(self._topic, position, self._marks)

    def run(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.2,
        on_progress: Callable[[int], None] | None = None,
        stored: threading.Event | None = None,
    ) -> None:
        """Between polls the relay wakes early when ``stored`` is set."""
        while not stop.is_set():
            if stored is not None:
                stored.clear()  # before reading: a later store sets it again
            sent = self.publish_next_batch()
            if sent and on_progress is not None:
                on_progress(self.position)
            if sent < self._batch_size:
                (stored or stop).wait(poll_seconds)

    def _mark(self, partition: int) -> PartitionMark:
        return self._marks.get(partition, NO_MARK)

    def _marks_at(self, position: int) -> dict[int, PartitionMark]:
        """Each partition's last position up to ``position``, read from the store."""
        last: dict[int, int] = {}
        start = 1
        while start <= position and (
            batch := self._recorder.select_notifications(
                start=start, limit=self._batch_size, stop=position
            )
        ):
            for notification in batch:
                event = self._mapper.to_domain_event(notification)
                assert isinstance(event, SubjectEvent)
                partition = partition_for(event.subject_code, self.partitions)
                last[partition] = notification.id
            start = batch[-1].id + 1
        return {
            p: PartitionMark(at, self._mark(p).next_offset) for p, at in last.items()
        }

    def _check_partitions(self) -> None:
        found = len(self._producer.partitions_for(self._topic))
        if found < self.partitions:
            raise TooFewPartitions.found(self._topic, found, self.partitions)
        if found > self.partitions:
            log.warning(
                "%s has %d partitions; only the first %d configured ones are used",
                self._topic,
                found,
                self.partitions,
            )
