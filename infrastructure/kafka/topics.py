"""Creates the event topic when it does not exist yet."""

from __future__ import annotations

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

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


def ensure_topic(bootstrap: str, topic: str, partitions: int) -> None:
    with reaching(bootstrap):
        admin = KafkaAdminClient(**client_options(bootstrap))
    try:
        if topic not in admin.list_topics():
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(topic, num_partitions=partitions, replication_factor=1)]
                )
    finally:
        admin.close()
