"""``project --source kafka`` as a process: one consumer feeding the chosen views."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from infrastructure.kafka.consumer import ProjectionConsumer, Target, make_consumer
from infrastructure.log_masking import mask_sensitive
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS, ReadModels

REPORT_SECONDS = 1.0


def consumer_for(
    settings: Settings,
    read_models: ReadModels,
    names: Sequence[str],
    partitions: Sequence[int],
) -> ProjectionConsumer:
    if not settings.kafka_bootstrap:
        raise ValueError("consumers need CREDIT_LEDGER_KAFKA_BOOTSTRAP")
    views = read_models.views
    return ProjectionConsumer(
        make_consumer(settings.kafka_bootstrap, "credit-ledger-projections"),
        settings.topic,
        partitions,
        settings.topic_partitions,
        [
            Target(views[name], PROJECTIONS[name].projection(views[name]))
            for name in names
        ],
    )


def run_consumer(
    consumer: ProjectionConsumer, stop: threading.Event, report: Callable[[str], None]
) -> None:
    """Runs until ``stop``, reporting positions at most every second; raises
    the settings error that stopped the consumer, if one did."""
    thread = threading.Thread(target=consumer.run, args=(stop,), name="consumer")
    thread.start()
    reported = ""
    try:
        while not stop.wait(REPORT_SECONDS):
            line = describe(consumer)
            if line != reported:
                report(line)
                reported = line
    finally:
        thread.join()
        consumer.close()
    if consumer.fatal is not None:
        raise consumer.fatal


def describe(consumer: ProjectionConsumer) -> str:
    views = "; ".join(
        f"{t.view.view_name} "
        + ", ".join(f"p{p} at {t.positions.get(p, 0)}" for p in consumer.partitions)
        for t in consumer.targets
    )
    error = consumer.last_error
    if error is None:
        return f"project: {views}"
    at = "" if consumer.failing_at is None else f" at {consumer.failing_at}"
    # Standard output has no log filter: an error may quote what it failed on.
    reason = mask_sensitive(f"{type(error).__name__}: {error}")
    return f"project: {views} (failing{at}: {reason})"
