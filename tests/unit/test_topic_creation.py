"""The relay makes a missing topic with the configured partitions and replicas,
and a cluster that cannot hold the replicas is a settings error, not a retry."""

from __future__ import annotations

from typing import Any

import pytest

from infrastructure.kafka import topics
from infrastructure.kafka.topics import TooManyReplicas, ensure_topic

TOPIC = "credit-ledger.events"


class FakeAdmin:
    """A cluster of ``brokers`` that answers creations with ``error``."""

    def __init__(
        self, brokers: int, existing: set[str], error: tuple[int, Any]
    ) -> None:
        self.brokers = brokers
        self.existing = existing
        self.error = error
        self.created: list[dict[str, Any]] = []
        self.closed = False

    def __call__(self, **options: Any) -> FakeAdmin:
        return self  # as the KafkaAdminClient class is called

    def list_topics(self) -> list[str]:
        return sorted(self.existing)

    def describe_cluster(self) -> dict[str, Any]:
        brokers = [
            {"broker_id": n, "host": "kafka", "port": 9092} for n in range(self.brokers)
        ]
        return {"cluster_id": "c", "controller_id": 0, "brokers": brokers}

    def create_topics(
        self, new_topics: dict[str, Any], raise_errors: bool
    ) -> dict[str, Any]:
        assert raise_errors is False
        self.created.append(new_topics)
        code, message = self.error
        return {
            "topics": [
                {"name": name, "error_code": code, "error_message": message}
                for name in new_topics
            ]
        }

    def close(self) -> None:
        self.closed = True


def cluster(
    monkeypatch: pytest.MonkeyPatch,
    brokers: int = 3,
    existing: set[str] | None = None,
    error: tuple[int, Any] = (0, None),
) -> FakeAdmin:
    admin = FakeAdmin(brokers, existing or set(), error)
    monkeypatch.setattr(topics, "KafkaAdminClient", admin)
    return admin


def test_a_missing_topic_is_made_with_the_configured_partitions_and_replicas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = cluster(monkeypatch, brokers=3)

    ensure_topic("kafka:9092", TOPIC, 6, 3)

    assert admin.created == [{TOPIC: {"num_partitions": 6, "replication_factor": 3}}]
    assert admin.closed


def test_a_topic_that_is_there_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = cluster(monkeypatch, brokers=1, existing={TOPIC})

    ensure_topic("kafka:9092", TOPIC, 6, 3)

    assert admin.created == []


def test_more_replicas_than_brokers_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = cluster(monkeypatch, brokers=2)

    with pytest.raises(TooManyReplicas) as refused:
        ensure_topic("kafka:9092", TOPIC, 6, 3)

    assert str(refused.value) == (
        "CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR: topic credit-ledger.events cannot "
        "be made with 3 replicas: the cluster has 2 brokers"
    )
    assert admin.created == []
    assert admin.closed


def test_a_broker_refusing_the_replicas_is_the_same_settings_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refusal = "Replication factor: 3 larger than available brokers: 2."
    cluster(monkeypatch, brokers=3, error=(38, refusal))

    with pytest.raises(TooManyReplicas) as refused:
        ensure_topic("kafka:9092", TOPIC, 6, 3)

    assert str(refused.value).endswith(f"with 3 replicas: {refusal}")


def test_a_topic_another_client_made_meanwhile_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cluster(monkeypatch, error=(36, "Topic already exists."))

    ensure_topic("kafka:9092", TOPIC, 6, 3)
