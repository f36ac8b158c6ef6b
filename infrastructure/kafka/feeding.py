"""With Kafka configured, the views are fed by ``project --source kafka``
processes: this process runs no projection, and its views report the
positions those consumers reached."""

from __future__ import annotations

from infrastructure.kafka.view_positions import FromKafka
from infrastructure.views.read_models import ReadModels


def feed_from_kafka(read_models: ReadModels, topic: str, partitions: int) -> None:
    source = FromKafka(topic, partitions)
    for view in read_models.views.values():
        view.source = source
    source.create_tables(read_models.public)
    read_models.runners = []
