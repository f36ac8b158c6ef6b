"""Progress in the Prometheus text exposition format (version 0.0.4)."""

from __future__ import annotations

from collections.abc import Iterator

from infrastructure.views.progress import ReadProgress

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
HELP = {
    "credit_ledger_store_head_position": "Position of the last event stored",
    "credit_ledger_relay_position": "Last position the relay published, acknowledged",
    "credit_ledger_relay_lag": "Events stored but not yet published to the topic",
    "credit_ledger_projection_position": "Every event up to here is in the view",
    "credit_ledger_projection_lag": "Events stored but not yet in the view",
    "credit_ledger_projection_partition_position": "Last position applied "
    "from the partition",
    "credit_ledger_projection_partition_lag": "Events stored after the position "
    "up to which the partition is known complete",
}


def exposition(progress: ReadProgress) -> str:
    samples: dict[str, list[str]] = {name: [] for name in HELP}
    for name, labels, value in _samples(progress):
        text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        samples[name].append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")
    lines = []
    for name, found in samples.items():
        if found:
            lines += [f"# HELP {name} {HELP[name]}.", f"# TYPE {name} gauge", *found]
    return "\n".join(lines) + "\n"


def _samples(progress: ReadProgress) -> Iterator[tuple[str, dict[str, str], int]]:
    head = progress.head
    yield "credit_ledger_store_head_position", {}, head
    if progress.relay is not None:
        topic, position = progress.relay
        yield "credit_ledger_relay_position", {"topic": topic}, position
        yield "credit_ledger_relay_lag", {"topic": topic}, max(head - position, 0)
    for view in progress.views:
        labels = {"projection": view.name, "source": view.source.name}
        yield "credit_ledger_projection_position", labels, view.position
        yield "credit_ledger_projection_lag", labels, view.lag
        for partition in view.source.partitions:
            labels = {
                "projection": view.name,
                "topic": partition.topic,
                "partition": str(partition.partition),
            }
            yield (
                "credit_ledger_projection_partition_position",
                labels,
                partition.position,
            )
            lag = progress.lag_of(partition)
            yield "credit_ledger_projection_partition_lag", labels, lag


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")
