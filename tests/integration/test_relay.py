"""The relay publishes every stored event to a real Kafka-protocol broker, in order."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from kafka import KafkaConsumer, TopicPartition

from application.commands import Actor, RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.kafka.messages import SCHEMA, decode_message
from infrastructure.kafka.relay import Relay, make_producer
from infrastructure.kafka.relay_positions import PostgresRelayPositions
from infrastructure.settings import Settings
from tests.services import KafkaBroker, PostgresServer

CODES = ["91350100M000100Y43", "11010519491231002X"]
ACTOR = Actor(department="tax", actor="wang")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2024, 6, 10, 2, 0, tzinfo=UTC)


def consume_all(
    bootstrap: str, topic: str, partitions: int
) -> list[tuple[int, bytes, dict[str, bytes]]]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    assigned = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    ends = consumer.end_offsets(assigned)
    out: list[tuple[int, bytes, dict[str, bytes]]] = []
    while any(consumer.position(tp) < ends[tp] for tp in assigned):
        for tp, records in consumer.poll(timeout_ms=500).items():
            out += [(tp.partition, r.value, dict(r.headers)) for r in records]
    consumer.close()
    return out


def test_relay_publishes_each_event_once_keyed_by_subject_and_resumes(
    postgres_server: PostgresServer, kafka_broker: KafkaBroker
) -> None:
    dsn = postgres_server.make_database()
    settings = Settings(database_url=dsn)
    services = build_services(settings, FixedClock())
    ledger = services.ledger
    for code in CODES:
        ledger.register_subject(code, "名称", ACTOR)
    for n in range(30):
        ledger.record(
            RecordCommand(
                CODES[n % 2],
                "InformationRecorded",
                {
                    "record_id": f"I{n}",
                    "kind": "tax",
                    "content": "x",
                    "occurred_on": datetime(2024, 6, 1).date(),
                },
                ACTOR,
            )
        )
    kafka_broker.create_topic("relay-test", partitions=3)
    producer = make_producer(kafka_broker.bootstrap)
    relay = Relay(
        ledger.recorder,
        ledger.mapper,
        producer,
        "relay-test",
        PostgresRelayPositions(dsn),
        batch_size=7,
    )

    while relay.publish_next_batch():
        pass
    resumed = Relay(
        ledger.recorder,
        ledger.mapper,
        producer,
        "relay-test",
        PostgresRelayPositions(dsn),
    )

    assert relay.position == ledger.head_position() == 32
    assert resumed.position == 32
    assert resumed.publish_next_batch() == 0
    messages = consume_all(kafka_broker.bootstrap, "relay-test", 3)
    decoded = [(p, decode_message(v), h) for p, v, h in messages]
    assert sorted(m.position for _, m, _ in decoded) == list(range(1, 33))
    partitions_by_subject: dict[str, set[int]] = defaultdict(set)
    versions_by_subject: dict[str, list[int]] = defaultdict(list)
    for partition, message, headers in decoded:
        partitions_by_subject[message.event.subject_code].add(partition)
        versions_by_subject[message.event.subject_code].append(
            message.event.originator_version
        )
        assert headers["schema"] == SCHEMA.encode()
        assert headers["position"] == str(message.position).encode()
        assert headers["event_id"] == str(message.event_id).encode()
    assert all(len(p) == 1 for p in partitions_by_subject.values())
    assert all(
        v == sorted(v) == list(range(1, 17)) for v in versions_by_subject.values()
    )
    producer.close()
    services.close()
