"""Kafka → views: the in-process projection handlers, applied effectively once.

The consumer assigns itself its partitions (no group membership: joins are slow
and it keeps its own positions anyway) and feeds one or more views from one
fetch, decoding each message once. Per view and partition, one transaction
holds a fetched batch's view rows, the last global position applied and the
offset to resume from, so a crash keeps all or nothing of a batch. On start it
seeks each partition to the lowest offset its views resume from; a view
further on skips what it has.

A message is applied to a view only if its position is above the view's
tracked position for the partition (relay repeats are skipped) and its
``partition_previous`` is not (otherwise a message is missing before it). On a
missing message the consumer reads on to the end of the partition, then once
reads the partition again from its start: that mends an offset that no longer
points where it did (a topic the broker lost and the relay published again).
Broken messages before the end that reading had reached then are leftovers it
has seen in order already, and start no further reading; if the chain is still
broken, the partition waits for the message, and its lag shows it.

A message that cannot be read or applied (not an event, a handler failing)
fails every try until it is mended: the consumer retries it with backoff, logs
its partition and offset with the traceback once, and the failure's end once
that message is applied; a fetch that brings only other messages ends nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import OffsetOutOfRangeError

from infrastructure.failure_log import FailureLog
from infrastructure.kafka.brokers import client_options, reaching
from infrastructure.kafka.message_place import MessagePlace, header_position
from infrastructure.kafka.messages import EventMessage, decode_message
from infrastructure.kafka.topics import TooFewPartitions
from infrastructure.kafka.view_positions import (
    FromKafka,
    offset_tracking,
    partition_tracking,
)
from infrastructure.views.nul_text import for_views
from infrastructure.views.tracked import SqlTrackedView
from projections.errors import PositionMoved

log = logging.getLogger("credit_ledger.consumer")
FIRST_PAUSE_SECONDS = 0.2
MAX_PAUSE_SECONDS = 5.0
FETCH_WAIT_MS = 50


def make_consumer(bootstrap: str, client_id: str) -> KafkaConsumer:
    with reaching(bootstrap):
        return KafkaConsumer(
            **client_options(bootstrap),
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            # An offset the broker no longer has is ours to mend (see above).
            auto_offset_reset="none",
            allow_auto_create_topics=False,
            # A broker may hold a fetch this long although records arrived.
            fetch_max_wait_ms=FETCH_WAIT_MS,
        )


class TopicNotReady(RuntimeError):
    pass


@dataclass
class Target:
    """A view and its handlers, with its last applied position per partition."""

    view: SqlTrackedView
    projection: Projection[Any]
    positions: dict[int, int] = field(default_factory=dict)
    broken: set[int] = field(default_factory=set)


class _Fetched:
    """A partition's fetched records, each decoded once, when first needed."""

    def __init__(self, records: list[Any]) -> None:
        self.records = records
        self._decoded: dict[int, EventMessage] = {}

    def message(self, index: int) -> EventMessage:
        found = self._decoded.get(index)
        if found is None:
            value = self.records[index].value
            found = decode_message(value)
            event = for_views(found.event, value)
            if event is not found.event:
                found = replace(found, event=event)
            self._decoded[index] = found
        return found


class ProjectionConsumer:
    def __init__(
        self,
        consumer: KafkaConsumer,
        topic: str,
        partitions: Sequence[int],
        topic_partitions: int,
        targets: Sequence[Target],
        batch_size: int = 2000,
    ) -> None:
        if not partitions or max(partitions) >= topic_partitions:
            msg = f"partitions {list(partitions)} not in 0..{topic_partitions - 1}"
            raise ValueError(msg)
        self._consumer = consumer
        self.topic = topic
        self.partitions = list(partitions)
        self._topic_partitions = topic_partitions
        self.targets = list(targets)
        self.batch_size = batch_size
        self.last_error: Exception | None = None
        self._failures = FailureLog(log, f"consumer of {topic}")
        # The message a failure happened at, while it is not read past.
        self._failing_at: MessagePlace | None = None
        self._reading: Any = None
        # A settings error found while running: no retry mends it (run stops).
        self.fatal: TooFewPartitions | None = None
        self._reread_at: dict[int, tuple[int, ...]] = {}
        self._reread_end: dict[int, int] = {}
        self._resume_needed = True

    def resume(self) -> None:
        """Positions and offsets from the views; the consumer seeks to them."""
        found = self._consumer.partitions_for_topic(self.topic)
        if found and len(found) < self._topic_partitions:
            raise TooFewPartitions.found(self.topic, len(found), self._topic_partitions)
        if not found:
            msg = f"{self.topic} has partitions {found}, not {self._topic_partitions}"
            raise TopicNotReady(msg)
        self._consumer.assign([self._tp(p) for p in self.partitions])
        for target in self.targets:
            self._hand_over(target.view)
        for p in self.partitions:
            offsets = []
            for target in self.targets:
                view = target.view
                target.positions[p] = view.position(partition_tracking(self.topic, p))
                offsets.append(view.position(offset_tracking(self.topic, p)))
            if min(offsets):
                self._consumer.seek(self._tp(p), min(offsets))
            else:
                self._consumer.seek_to_beginning(self._tp(p))
        self._resume_needed = False

    @staticmethod
    def _hand_over(view: SqlTrackedView) -> None:
        source = view.source
        if not isinstance(source, FromKafka):
            return
        with view.store.transaction(commit=True) as cursor:
            reached = source.hand_over(view, cursor)
        if reached:
            log.info(
                "view %s was fed from the store up to position %d: its partitions "
                "go on from there",
                view.view_name,
                reached,
            )

    def poll_once(self, timeout_ms: int = 200) -> int:
        """Applies what one fetch brings; how many (event, view) pairs applied."""
        if self._resume_needed:
            self.resume()
        try:
            fetched = self._consumer.poll(
                timeout_ms=timeout_ms, max_records=self.batch_size
            )
        except OffsetOutOfRangeError as e:
            for tp in e.args[0]:
                log.warning("%s: offset out of range; reading it from the start", tp)
                self._read_again(tp.partition, force=True)
            return 0
        applied = 0
        try:
            for tp, records in fetched.items():
                batch = _Fetched(records)
                for target in self.targets:
                    applied += self._apply(target, tp.partition, batch)
                self._read_past(tp.partition, records[-1].offset)
        except BaseException:
            # A batch rolled back: its records must be fetched again.
            self._resume_needed = True
            raise
        for p in self.partitions:
            if any(p in t.broken for t in self.targets) and self._at_end(p):
                self._read_again(p)
        return applied

    def run(self, stop: threading.Event) -> None:
        pause = FIRST_PAUSE_SECONDS
        while not stop.is_set():
            try:
                self.poll_once()
            except PositionMoved as e:
                log.info("%s; resuming from the views", e)
                continue
            except TooFewPartitions as e:
                self.fatal = self.last_error = e
                stop.set()
                return
            except Exception as e:
                # Broker or database away, a handler failing or a message that
                # cannot be read: the views keep their last committed batches
                # and readers see the lag. A message fails every try the same
                # way: its traceback is logged once, not at every try.
                self._failed(e)
                self._resume_needed = True
                self._recover_connections()
                stop.wait(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
                continue
            if self._failing_at is None:
                self._failures.succeeded()
                self.last_error = None
                pause = FIRST_PAUSE_SECONDS

    @property
    def failing_at(self) -> MessagePlace | None:
        """The message the consumer keeps failing at, if it is one."""
        return self._failing_at

    def _failed(self, error: Exception) -> None:
        record, self._reading = self._reading, None
        place = None if record is None else MessagePlace.of(record)
        self._failures.failed(error, None, "" if place is None else str(place))
        self._failing_at = place
        self.last_error = error

    def _read_past(self, partition: int, last_offset: int) -> None:
        """Records up to ``last_offset`` were applied: past a failing message
        there, the failure has ended (a fetch that brings other partitions'
        records alone, or none, has not ended it)."""
        failing = self._failing_at
        if failing is not None and failing.passed_by(partition, last_offset):
            self._failing_at = None

    def close(self) -> None:
        self._consumer.close()

    def _recover_connections(self) -> None:
        for store in {id(t.view.store): t.view.store for t in self.targets}.values():
            with contextlib.suppress(Exception):  # the database may be down still
                store.recover()

    def _apply(self, target: Target, partition: int, fetched: _Fetched) -> int:
        app = partition_tracking(self.topic, partition)
        last_offset = fetched.records[-1].offset
        resume_at = Tracking(offset_tracking(self.topic, partition), last_offset + 1)
        before = current = target.positions[partition]
        known = self._reread_end.get(partition, 0)
        applied = 0
        broken_after: int | None = None
        with target.view.batch(app, before, source_mark=resume_at):
            for index, record in enumerate(fetched.records):
                self._reading = record
                if _position(record) <= current:
                    continue  # applied before: a relay repeat
                message = fetched.message(index)
                previous = message.partition_previous
                if previous is not None and previous > current:
                    if broken_after is None and record.offset >= known:
                        broken_after = current
                    continue
                tracking = Tracking(app, message.position)
                target.projection.process_event(message.event, tracking)
                current = message.position
                applied += 1
            self._reading = None
        target.positions[partition] = current
        if broken_after is not None and partition not in target.broken:
            log.warning(
                "%s partition %d: a message is missing after position %d",
                target.view.view_name,
                partition,
                broken_after,
            )
        if broken_after is not None:
            target.broken.add(partition)
        elif applied:
            target.broken.discard(partition)
        return applied

    def _at_end(self, partition: int) -> bool:
        tp = self._tp(partition)
        highwater = self._consumer.highwater(tp)
        return highwater is not None and self._consumer.position(tp) >= highwater

    def _read_again(self, partition: int, force: bool = False) -> None:
        at = tuple(t.positions.get(partition, 0) for t in self.targets)
        if self._reread_at.get(partition) == at and not force:
            return  # read once from the start already: wait for the message
        self._reread_at[partition] = at
        # After an offset out of range the known end may be the lost topic's.
        end = None if force else self._consumer.highwater(self._tp(partition))
        self._reread_end[partition] = end or 0
        for target in self.targets:
            target.broken.discard(partition)
        self._consumer.seek_to_beginning(self._tp(partition))

    def _tp(self, partition: int) -> TopicPartition:
        return TopicPartition(self.topic, partition)


def _position(record: Any) -> int:
    position = header_position(record)
    if position is None:
        return int(decode_message(record.value).position)
    return position
