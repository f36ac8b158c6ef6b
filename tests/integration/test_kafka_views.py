"""Views fed through Kafka, seen from the API: switching off the in-process
projections, read-your-writes, positions and lag; and a consumer that never
applies past a missing message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from kafka import KafkaProducer

from api.app import create_app
from application.commands import RecordCommand
from infrastructure.bootstrap import Services, build_services
from infrastructure.kafka.consumer import ProjectionConsumer, Target, make_consumer
from infrastructure.kafka.consumer_process import consumer_for
from infrastructure.kafka.messages import EventMessage
from infrastructure.kafka.partitioning import partition_for
from infrastructure.kafka.relay_process import RelayProcess
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild
from tests.api.support import TestClient
from tests.factories import FixedClock, fields_of, listing, penalty, uscc
from tests.kafka_pipeline import OFFICER, PARTITIONS, rebuilt, wait_until
from tests.services import KafkaBroker, PostgresServer

pytestmark = pytest.mark.kafka


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def kafka_settings(
    request: pytest.FixtureRequest, kafka_broker: KafkaBroker, tmp_path: Path
) -> Settings:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        database_url = server.make_database()
    topic = f"views-{uuid4().hex[:8]}"
    kafka_broker.create_topic(topic, PARTITIONS)
    return Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_broker.bootstrap,
        topic=topic,
        topic_partitions=PARTITIONS,
        read_wait_seconds=0.3,
        checkpoint_interval_seconds=0,
        expiry_interval_seconds=0,
    )


@pytest.fixture
def services(kafka_settings: Settings, tmp_path: Path) -> Iterator[Services]:
    built = build_services(
        kafka_settings.model_copy(
            update={"signing_key_file": tmp_path / "signing-key.pem"}
        ),
        FixedClock(),
    )
    try:
        yield built
    finally:
        built.close()


def list_a_subject(services: Services, serial: int) -> int:
    code = uscc(serial)
    services.ledger.register_subject(code, f"企业{serial}", OFFICER)
    command = RecordCommand(code, "Listed", fields_of(listing("S1")), OFFICER)
    return services.ledger.record(command).primary.position


def relay_and_consume(settings: Settings, services: Services) -> None:
    RelayProcess(settings, services.ledger, lambda _: None).publish_all()
    consumer = consumer_for(
        settings, services.read_models, sorted(PROJECTIONS), [0, 1, 2]
    )
    head = services.ledger.head_position()
    try:
        wait_until(
            lambda: (
                consumer.poll_once() >= 0
                and services.read_models.public.position(services.ledger.name) >= head
            ),
            30,
            "the consumer at the head",
            every=0,
        )
    finally:
        consumer.close()


def test_with_kafka_configured_serve_runs_no_projection_and_reads_wait_for_consumers(
    kafka_settings: Settings, services: Services
) -> None:
    with TestClient(create_app(kafka_settings, services=services)) as client:
        position = list_a_subject(services, 1)
        url = f"/v1/lists/serious-dishonesty?min_position={position}"

        before = client.get(url)
        relay_and_consume(kafka_settings, services)
        after = client.get(url)

    assert services.read_models.runners == []
    assert before.status_code == 503
    assert before.headers["Retry-After"] == "1"
    assert after.status_code == 200
    assert [row["subject"] for row in after.json()["data"]] == [uscc(1)]
    assert int(after.headers["Credit-Ledger-Position"]) >= position


def test_metrics_and_readiness_show_relay_and_partition_positions_and_lag(
    kafka_settings: Settings, services: Services
) -> None:
    for serial in range(1, 7):
        list_a_subject(services, serial)
    relay_and_consume(kafka_settings, services)
    list_a_subject(services, 7)  # stored, not yet published
    head = services.ledger.head_position()

    with TestClient(create_app(kafka_settings, services=services)) as client:
        metrics = client.get("/metrics")
        ready = client.get("/readyz").json()["checks"]["projections"]

    text = metrics.text
    topic = kafka_settings.topic
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert f"credit_ledger_store_head_position {head}" in text
    assert f'credit_ledger_relay_position{{topic="{topic}"}} {head - 2}' in text
    assert f'credit_ledger_relay_lag{{topic="{topic}"}} 2' in text
    assert (
        f'credit_ledger_projection_lag{{projection="public",source="kafka:{topic}"}} 2'
        in text
    )
    for partition in range(PARTITIONS):
        labels = f'projection="public",topic="{topic}",partition="{partition}"'
        assert f"credit_ledger_projection_partition_lag{{{labels}}} 2" in text
        assert f"credit_ledger_projection_partition_position{{{labels}}} " in text
    assert ready["ok"] is True
    assert ready["relay"] == {"topic": topic, "position": head - 2, "lag": 2}
    assert ready["views"]["public"]["position"] == head - 2
    assert [p["lag"] for p in ready["views"]["public"]["partitions"]] == [2, 2, 2]


def test_a_consumer_never_applies_past_a_missing_message_and_mends_when_it_comes(
    kafka_settings: Settings, services: Services
) -> None:
    code = uscc(1)
    services.ledger.register_subject(code, "企业1", OFFICER)
    for n in range(1, 6):
        body = penalty(f"P{n}")
        services.ledger.record(
            RecordCommand(code, str(body["type"]), fields_of(body), OFFICER)
        )
    partition = partition_for(code, PARTITIONS)
    producer = KafkaProducer(bootstrap_servers=kafka_settings.kafka_bootstrap)
    view = services.read_models.public
    consumer = ProjectionConsumer(
        make_consumer(str(kafka_settings.kafka_bootstrap), "test"),
        kafka_settings.topic,
        [partition],
        PARTITIONS,
        [Target(view, PROJECTIONS["public"].projection(view))],
    )
    tracking = f"kafka:{kafka_settings.topic}:{partition}"

    def publish(*positions: int) -> None:
        for n in services.ledger.recorder.select_notifications(1, 100):
            if n.id in positions:
                event = services.ledger.mapper.to_domain_event(n)
                message = EventMessage(n.id, event, n.id - 1)  # one subject: a chain
                producer.send(
                    kafka_settings.topic,
                    key=message.key,
                    value=message.value(),
                    headers=message.headers(),
                    partition=partition,
                ).get(10)

    def consumed_to(position: int) -> None:
        wait_until(
            lambda: consumer.poll_once() >= 0 and view.position(tracking) >= position,
            10,
            f"position {position}",
            every=0,
        )

    try:
        publish(1, 2, 4, 5)
        consumed_to(2)
        for _ in range(5):
            consumer.poll_once()
        stuck_at = view.position(tracking)
        publish(3, 4, 5, 6)  # the relay publishing again, at least once
        consumed_to(6)
    finally:
        consumer.close()
        producer.close()

    assert stuck_at == 2
    assert view.snapshot() == rebuilt(services.ledger, view, "public")


def test_a_rebuild_of_a_kafka_fed_view_hands_its_position_to_every_partition(
    kafka_settings: Settings, services: Services
) -> None:
    for serial in range(1, 5):
        list_a_subject(services, serial)
    relay_and_consume(kafka_settings, services)
    view = services.read_models.public

    swapped_at = rebuild(services.ledger, view, PROJECTIONS["public"].projection)
    list_a_subject(services, 5)
    relay_and_consume(kafka_settings, services)

    topic = kafka_settings.topic
    assert swapped_at == 8
    assert view.snapshot() == rebuilt(services.ledger, view, "public")
    assert all(view.position(f"kafka:{topic}:{p}") >= 8 for p in range(PARTITIONS))


def test_views_the_store_fed_go_on_from_kafka_where_the_store_left_them(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    key = {"signing_key_file": tmp_path / "signing-key.pem"}
    embedded = build_services(
        kafka_settings.model_copy(update={**key, "kafka_bootstrap": None}),
        FixedClock(),
    )
    try:
        for serial in range(1, 5):
            list_a_subject(embedded, serial)
        assert embedded.read_models.catch_up() > 0
    finally:
        embedded.close()

    services = build_services(kafka_settings.model_copy(update=key), FixedClock())
    try:
        list_a_subject(services, 5)
        relay_and_consume(kafka_settings, services)
        view = services.read_models.public

        assert view.snapshot() == rebuilt(services.ledger, view, "public")
        topic = kafka_settings.topic
        assert all(view.position(f"kafka:{topic}:{p}") >= 8 for p in range(PARTITIONS))
    finally:
        services.close()
