"""A message no consumer can read: the consumer retries it (the views must not
skip an event), and logs it once, naming where it is, not at every try."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking
from kafka import KafkaProducer

from infrastructure.bootstrap import Services, build_services
from infrastructure.kafka import consumer as consumer_module
from infrastructure.kafka.consumer import ProjectionConsumer, Target, make_consumer
from infrastructure.kafka.partitioning import partition_for
from infrastructure.kafka.relay_process import RelayProcess
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from tests.factories import FixedClock, uscc
from tests.kafka_pipeline import OFFICER, PARTITIONS, wait_until
from tests.services import KafkaBroker

pytestmark = pytest.mark.kafka
LOGGER = "credit_ledger.consumer"
TRIES = 6


class CountingTries(ProjectionConsumer):
    """Counts the tries that failed, so that the test awaits a number of them;
    after each, one fetch brings nothing (as one may, the broker being slow),
    which must not end the failure: the message is still not applied."""

    failed_tries = 0
    _failed_last = False

    def poll_once(self, timeout_ms: int = 200) -> int:
        if self._failed_last:
            self._failed_last = False
            return 0
        try:
            return super().poll_once(timeout_ms)
        except Exception:
            self.failed_tries += 1
            self._failed_last = True
            raise


@pytest.fixture
def settings(kafka_broker: KafkaBroker, tmp_path: Path) -> Settings:
    topic = f"undecodable-{uuid4().hex[:8]}"
    kafka_broker.create_topic(topic, PARTITIONS)
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        kafka_bootstrap=kafka_broker.bootstrap,
        topic=topic,
        topic_partitions=PARTITIONS,
        signing_key_file=tmp_path / "signing-key.pem",
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings, FixedClock())
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_module, "FIRST_PAUSE_SECONDS", 0.01)
    monkeypatch.setattr(consumer_module, "MAX_PAUSE_SECONDS", 0.02)


def produce(settings: Settings, headers: list[tuple[str, bytes]]) -> int:
    """A message that is no event, in partition 1; its offset."""
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    try:
        sent = producer.send(
            settings.topic, value=b"\x00not json", headers=headers, partition=1
        )
        return int(sent.get(10).offset)
    finally:
        producer.close()


def run_until(consumer: CountingTries, check: Callable[[], bool], what: str) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()
    try:
        wait_until(check, 30, what)
    finally:
        stop.set()
        thread.join(30)
        consumer.close()


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        pytest.param([("position", b"7")], " (position 7)", id="position-known"),
        pytest.param([], "", id="no-headers"),
    ],
)
@pytest.mark.usefixtures("quick_retries")
def test_an_undecodable_message_is_logged_once_naming_partition_and_offset(
    settings: Settings,
    services: Services,
    headers: list[tuple[str, bytes]],
    named: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    offset = produce(settings, headers)
    view = services.read_models.public
    consumer = CountingTries(
        make_consumer(str(settings.kafka_bootstrap), "test"),
        settings.topic,
        list(range(PARTITIONS)),
        PARTITIONS,
        [Target(view, PROJECTIONS["public"].projection(view))],
    )

    with caplog.at_level(logging.INFO, logger=LOGGER):
        run_until(consumer, lambda: consumer.failed_tries >= TRIES, "failed tries")

    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.getMessage().startswith(
        f"consumer of {settings.topic} failed at partition 1, offset {offset}{named}; "
        "retrying"
    )
    assert consumer.failed_tries >= TRIES
    assert view.position(f"kafka:{settings.topic}:1") == 0


class FailingFirst:
    """A view's handlers that fail their first ``times`` events."""

    def __init__(self, projection: Any, times: int) -> None:
        self.projection = projection
        self.times = times

    def process_event(self, event: Any, tracking: Tracking) -> None:
        if self.times:
            self.times -= 1
            raise RuntimeError("the view's table is locked")
        self.projection.process_event(event, tracking)


@pytest.mark.usefixtures("quick_retries")
def test_a_failure_at_a_message_ends_once_that_message_is_applied(
    settings: Settings, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    code = uscc(1)
    services.ledger.register_subject(code, "企业1", OFFICER)
    RelayProcess(settings, services.ledger, lambda _: None).publish_all()
    partition = partition_for(code, PARTITIONS)
    view = services.read_models.public
    failing = FailingFirst(PROJECTIONS["public"].projection(view), 3)
    consumer = CountingTries(
        make_consumer(str(settings.kafka_bootstrap), "test"),
        settings.topic,
        list(range(PARTITIONS)),
        PARTITIONS,
        [Target(view, failing)],
    )
    tracking = f"kafka:{settings.topic}:{partition}"

    with caplog.at_level(logging.INFO, logger=LOGGER):
        run_until(consumer, lambda: view.position(tracking) == 1, "the event applied")

    place = f"at partition {partition}, offset 0 (position 1)"
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER]
    [(first, began), (last, ended)] = logged
    assert (first, last) == (logging.ERROR, logging.WARNING)
    assert began.startswith(f"consumer of {settings.topic} failed {place}; retrying")
    assert (
        ended == f"consumer of {settings.topic} recovered {place} after 3 failed tries"
    )
    assert consumer.failed_tries == 3
