"""Creates the event topic when it does not exist yet."""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import (
    InvalidReplicationFactorError,
    NoError,
    TopicAlreadyExistsError,
    for_code,
)

from infrastructure.kafka.brokers import client_options, reaching
from infrastructure.setting_errors import SETTINGS_PREFIX, UnusableSetting


class TooFewPartitions(UnusableSetting):
    """The topic has fewer partitions than configured: waiting never mends it
    (a topic's partitions are fixed for its life), so commands stop at once."""

    @classmethod
    def found(cls, topic: str, found: int, configured: int) -> TooFewPartitions:
        return cls(
            f"{SETTINGS_PREFIX}TOPIC_PARTITIONS: topic {topic} has {found} "
            f"partitions, fewer than the {configured} configured"
        )


class TooManyReplicas(UnusableSetting):
    """The cluster cannot hold the configured copies of each partition."""

    @classmethod
    def refused(cls, topic: str, replicas: int, why: str) -> TooManyReplicas:
        return cls(
            f"{SETTINGS_PREFIX}TOPIC_REPLICATION_FACTOR: topic {topic} cannot be "
            f"made with {replicas} replicas: {why}"
        )


def ensure_topic(bootstrap: str, topic: str, partitions: int, replicas: int) -> None:
    with reaching(bootstrap):
        admin = KafkaAdminClient(**client_options(bootstrap))
    try:
        if topic not in admin.list_topics():
            _create(admin, topic, partitions, replicas)
    finally:
        admin.close()


def _create(admin: Any, topic: str, partitions: int, replicas: int) -> None:
    # Asked first, as not every broker refuses more replicas than brokers.
    brokers = len(admin.describe_cluster()["brokers"])
    if replicas > brokers:
        why = f"the cluster has {brokers} broker{'' if brokers == 1 else 's'}"
        raise TooManyReplicas.refused(topic, replicas, why)
    created = admin.create_topics(
        {topic: {"num_partitions": partitions, "replication_factor": replicas}},
        raise_errors=False,
    )
    for result in created["topics"]:
        error = for_code(result["error_code"])
        if error is InvalidReplicationFactorError:
            why = result["error_message"] or error.description
            raise TooManyReplicas.refused(topic, replicas, why)
        if error not in (NoError, TopicAlreadyExistsError):
            raise error(result["error_message"])
