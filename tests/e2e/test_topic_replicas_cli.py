"""A replication factor the cluster cannot hold stops the relay as it makes
the topic: one line naming the setting, status 2, not a retry or a traceback
(the test broker is a single node)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from kafka import KafkaAdminClient

from api.cli.main import main
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import uscc
from tests.services import KafkaBroker
from tests.view_scene import OFFICER

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize(
    "command", [["relay", "--once"], ["relay"]], ids=["relay-once", "relay"]
)
@pytest.mark.usefixtures("interrupt_after")
def test_more_replicas_than_brokers_is_one_line_and_status_2(
    command: list[str],
    store_url: str,
    kafka_broker: KafkaBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = f"replicas-{uuid4().hex[:8]}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", topic)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR", "3")
    services = build_services(Settings())
    try:
        services.ledger.register_subject(uscc(1), "Relay Co.", OFFICER)
    finally:
        services.close()

    status = main(command)

    captured = capsys.readouterr()
    assert (status, captured.err) == (
        2,
        f"error: CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR: topic {topic} cannot be "
        "made with 3 replicas: the cluster has 1 broker\n",
    )
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    try:
        assert topic not in admin.list_topics()
    finally:
        admin.close()


def test_a_replication_factor_below_1_is_a_settings_error_before_any_broker(
    made_store: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", "kafka.invalid:9092")
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR", "0")

    status = main(["relay", "--once"])

    assert (status, capsys.readouterr().err) == (
        2,
        "error: CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR: Input should be greater "
        "than or equal to 1\n",
    )
