"""Creates the event topic when it does not exist yet."""

from __future__ import annotations

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from infrastructure.kafka.brokers import client_options, reaching


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
