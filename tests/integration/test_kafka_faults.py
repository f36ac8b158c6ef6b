"""Store → relay → Kafka → consumers, with faults: the relay and a consumer
killed with -9, the broker and PostgreSQL restarted, while thousands of events
are in flight. After each, every view equals a rebuild from the store, row by
row (so nothing was lost and nothing applied twice)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from kafka.errors import TopicAlreadyExistsError

from tests.kafka_pipeline import PARTITIONS, Pipeline, Writer, pipeline, wait_until
from tests.services import KafkaBroker, PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.kafka]
SUBJECTS = 400  # ten events each


@pytest.fixture
def kafka_pipeline(
    postgres_server: PostgresServer, kafka_broker: KafkaBroker, tmp_path: Path
) -> Iterator[Pipeline]:
    topic = f"events-{uuid4().hex[:8]}"
    kafka_broker.create_topic(topic, PARTITIONS)
    with pipeline(
        postgres_server.make_database(), kafka_broker.bootstrap, topic, tmp_path
    ) as built:
        yield built


def progressed(p: Pipeline, position: int) -> None:
    wait_until(
        lambda: min(p.views_at().values()) >= position,
        60,
        f"the views past {position}",
    )


def test_consumers_splitting_partitions_build_the_views_a_rebuild_builds(
    kafka_pipeline: Pipeline,
) -> None:
    p = kafka_pipeline
    writer = Writer(p.ledger, SUBJECTS).start()
    p.relay()
    p.consumer([0, 2])
    p.consumer([1])
    writer.join()

    p.wait_caught_up()

    p.assert_views_equal_a_rebuild()


def test_a_relay_killed_mid_stream_loses_and_doubles_nothing(
    kafka_pipeline: Pipeline,
) -> None:
    p = kafka_pipeline
    writer = Writer(p.ledger, SUBJECTS).start()
    relay = p.relay()
    p.consumer()
    wait_until(lambda: p.relay_position() >= 1000, 60, "the relay mid-stream")

    p.kill(relay)
    p.relay()
    writer.join()

    p.wait_caught_up()
    p.assert_views_equal_a_rebuild()


def test_a_consumer_killed_between_its_writes_and_its_commit_applies_each_event_once(
    kafka_pipeline: Pipeline,
) -> None:
    p = kafka_pipeline
    writer = Writer(p.ledger, SUBJECTS).start()
    p.relay()
    crashing = p.consumer(crash_after_writes=4)
    assert crashing.wait(60) == -9
    killed_at_random = p.consumer()
    progressed(p, 1500)
    p.kill(killed_at_random)
    p.consumer()
    writer.join()

    p.wait_caught_up()
    p.assert_views_equal_a_rebuild()


def test_a_broker_restart_loses_and_doubles_nothing(
    kafka_pipeline: Pipeline, kafka_broker: KafkaBroker
) -> None:
    p = kafka_pipeline
    writer = Writer(p.ledger, SUBJECTS).start()
    p.relay()
    p.consumer([0, 1])  # partition 2 waits in the broker only
    wait_until(lambda: p.relay_position() >= 2000, 60, "the relay mid-stream")

    # This broker keeps records in memory only: the restart loses them all.
    kafka_broker.stop()
    kafka_broker.start()
    with contextlib.suppress(TopicAlreadyExistsError):  # a client made it first
        kafka_broker.create_topic(p.topic, PARTITIONS)
    p.consumer([2])
    writer.join()
    Writer(p.ledger, 20, first=SUBJECTS + 1).start().join()  # new events flow

    p.wait_caught_up()
    p.assert_views_equal_a_rebuild()
    assert "publishing everything again" in (p.workdir / "relay.log").read_text()


def test_a_postgres_restart_under_the_consumer_loses_and_doubles_nothing(
    kafka_pipeline: Pipeline, postgres_server: PostgresServer
) -> None:
    p = kafka_pipeline
    writer = Writer(p.ledger, SUBJECTS).start()
    p.relay()
    p.consumer()
    progressed(p, 1000)

    postgres_server.restart()
    writer.join()
    p.reconnect()

    p.wait_caught_up()
    p.assert_views_equal_a_rebuild()
