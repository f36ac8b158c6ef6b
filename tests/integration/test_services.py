"""The service fixtures start real services that behave as the suite needs."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from playwright.sync_api import Browser

from tests.services import KafkaBroker, PostgresServer


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# -- PostgreSQL ----------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_accepts_a_connection(postgres_server: PostgresServer) -> None:
    assert postgres_server.dsn == (
        f"postgresql://{postgres_server.user}@{postgres_server.host}:"
        f"{postgres_server.port}/postgres"
    )
    with psycopg.connect(postgres_server.dsn) as conn:
        row = conn.execute("SELECT current_setting('server_version_num')").fetchone()
    assert row is not None
    assert int(row[0]) // 10_000 == 15


@pytest.mark.postgres
def test_make_database_gives_isolated_databases(
    postgres_server: PostgresServer,
) -> None:
    first = postgres_server.make_database(_unique("iso_a"))
    second = postgres_server.make_database()  # a generated unique name

    with psycopg.connect(first) as conn:
        conn.execute("CREATE TABLE marker (id int PRIMARY KEY)")
        conn.execute("INSERT INTO marker VALUES (1)")
    with psycopg.connect(second) as conn:
        row = conn.execute("SELECT to_regclass('public.marker')").fetchone()
    assert row == (None,)
    with psycopg.connect(first) as conn:
        assert conn.execute("SELECT id FROM marker").fetchall() == [(1,)]


@pytest.mark.postgres
def test_make_database_rejects_unsafe_names(postgres_server: PostgresServer) -> None:
    with pytest.raises(ValueError, match="database name"):
        postgres_server.make_database('x"; DROP DATABASE postgres; --')


@pytest.mark.postgres
def test_postgres_restart_keeps_committed_data(
    postgres_server: PostgresServer,
) -> None:
    dsn = postgres_server.make_database(_unique("restart"))
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('before restart')")
        started = conn.execute("SELECT pg_postmaster_start_time()").fetchone()

    postgres_server.restart()

    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT note FROM kept").fetchall() == [("before restart",)]
        restarted = conn.execute("SELECT pg_postmaster_start_time()").fetchone()
    assert started is not None
    assert restarted is not None
    assert restarted[0] > started[0]


# -- Kafka-protocol broker -----------------------------------------------------------


def _produce(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> Any:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=5)
    try:
        futures = [producer.send(topic, key=key, value=value) for key, value in records]
        producer.flush(timeout=30)
        return [future.get(timeout=30) for future in futures]
    finally:
        producer.close(timeout=10)


def _consume_at(
    bootstrap: str, positions: dict[TopicPartition, int], expected: int
) -> list[Any]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    try:
        consumer.assign(list(positions))
        for partition, offset in positions.items():
            consumer.seek(partition, offset)
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


@pytest.mark.kafka
def test_broker_keyed_produce_and_manual_assign_consume(
    kafka_broker: KafkaBroker,
) -> None:
    assert kafka_broker.bootstrap == f"127.0.0.1:{kafka_broker.port}"
    topic = _unique("ledger_events")
    kafka_broker.create_topic(topic, partitions=3)

    records = [(f"account-{i % 4}".encode(), f"event-{i}".encode()) for i in range(12)]
    metadata = _produce(kafka_broker.bootstrap, topic, records)

    partition_of: dict[bytes, set[int]] = {}
    for (key, _), meta in zip(records, metadata, strict=True):
        partition_of.setdefault(key, set()).add(meta.partition)
        assert meta.offset >= 0
    assert all(len(partitions) == 1 for partitions in partition_of.values())

    # Read everything back from the first offset written to each partition.
    positions: dict[TopicPartition, int] = {}
    for meta in metadata:
        tp = TopicPartition(topic, meta.partition)
        positions[tp] = min(positions.get(tp, meta.offset), meta.offset)
    consumed = _consume_at(kafka_broker.bootstrap, positions, expected=len(records))

    assert sorted((r.key, r.value) for r in consumed) == sorted(records)
    by_value = {r.value: (r.partition, r.offset) for r in consumed}
    for (_, value), meta in zip(records, metadata, strict=True):
        assert by_value[value] == (meta.partition, meta.offset)


@pytest.mark.kafka
def test_broker_restart_keeps_topics_usable(kafka_broker: KafkaBroker) -> None:
    topic = _unique("restarted")
    kafka_broker.create_topic(topic, partitions=2)
    port = kafka_broker.port

    kafka_broker.restart()

    # Same address; the topic exists again (Tansu's in-memory store loses records).
    assert kafka_broker.port == port
    [meta] = _produce(kafka_broker.bootstrap, topic, [(b"k", b"after restart")])
    tp = TopicPartition(topic, meta.partition)
    [record] = _consume_at(kafka_broker.bootstrap, {tp: meta.offset}, expected=1)
    assert record.value == b"after restart"


# -- Chromium ------------------------------------------------------------------------


@pytest.mark.browser
def test_chromium_renders_a_data_url(browser: Browser) -> None:
    title = "信用记录 credit-ledger"
    html = f"<!doctype html><meta charset=utf-8><title>{title}</title><p>ok</p>"
    page = browser.new_page()
    try:
        page.goto("data:text/html;charset=utf-8," + quote(html))
        assert page.title() == title
        assert page.text_content("p") == "ok"
    finally:
        page.close()
