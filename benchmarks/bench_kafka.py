"""The Kafka path: relay and consumer throughput, and commit → visible lag.

Run: python benchmarks/bench_kafka.py [events] [samples]

A temporary PostgreSQL server and a Tansu broker are started the way the test
suite starts them. In the same run, on fresh databases and topics:
- relay: ``events`` stored events published by the relay (events/s), beside
  kafka-python producing as many records of the same size with the relay's
  producer settings (idempotent, acks=all, keyed);
- consumer: those messages applied to every view by one consumer (events/s,
  each event into all views), beside a raw fetch of the same records (no
  decoding) and the in-process runners building the same views from the store;
- lag: with ``credit-ledger relay`` and ``credit-ledger project --source kafka``
  running as processes and other events recorded meanwhile at half the
  recording load (see ``recording_load.py``), ``samples`` times a listing is
  committed and the time until the serious-dishonesty list shows it is taken
  (from its commit, as the ledger's commit listeners see it), beside the same
  with the in-process runners of the embedded default on another database.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import median, percentile, report
from kafka import KafkaConsumer, TopicPartition
from recording_load import HALF_RECORDING_LOAD, CommitTimes, recording_load

from application.commands import RecordCommand
from infrastructure.bootstrap import Services, build_services
from infrastructure.kafka.consumer_process import consumer_for
from infrastructure.kafka.relay import make_producer
from infrastructure.kafka.relay_process import RelayProcess
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import shadow_of
from infrastructure.views.runner import ProjectionRunner
from projections.paging import PageQuery
from tests.factories import FixedClock, fields_of, listing, uscc
from tests.kafka_pipeline import OFFICER, PARTITIONS, Pipeline, save_subjects
from tests.services import KafkaBroker, PostgresServer

SUBJECTS_PER_SAVE = 100
POLL_SECONDS = 0.001
LAG_TARGET_MS = 500.0


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def seed(services: Services, events: int) -> int:
    n = 1
    while services.ledger.head_position() < events:
        save_subjects(services.ledger, n, SUBJECTS_PER_SAVE)
        n += SUBJECTS_PER_SAVE
    return services.ledger.head_position()


def raw_produce(bootstrap: str, topic: str, count: int, size: int) -> float:
    producer = make_producer(bootstrap)
    value = b"x" * size
    started = time.perf_counter()
    for n in range(count):
        producer.send(topic, key=uscc(n).encode(), value=value, partition=n % 3)
    producer.flush()
    seconds = time.perf_counter() - started
    producer.close()
    return rate(count, seconds)


def raw_consume(bootstrap: str, topic: str, count: int) -> tuple[float, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    seen = size = 0
    started = time.perf_counter()
    while seen < count:
        for records in consumer.poll(timeout_ms=500, max_records=2000).values():
            seen += len(records)
            size += sum(len(r.value) for r in records)
    seconds = time.perf_counter() - started
    consumer.close()
    return rate(seen, seconds), size // max(seen, 1)


def in_process_rate(services: Services) -> float:
    """The in-process runners building every view from the store."""
    ledger = services.ledger
    head = ledger.head_position()
    started = time.perf_counter()
    for name, spec in PROJECTIONS.items():
        shadow = shadow_of(services.read_models.views[name])
        shadow.drop_tables()
        shadow.create_table(with_indexes=False)
        ProjectionRunner(ledger, spec.projection(shadow), batch_size=2000).catch_up()
        shadow.drop_tables()
    return rate(head, time.perf_counter() - started)


def measure_throughput(pipeline: Pipeline, broker: KafkaBroker, events: int) -> None:
    settings, services = pipeline.settings, pipeline.services
    head = seed(services, events)
    print(f"seeded {head:,} events")
    relay = RelayProcess(settings, services.ledger, lambda _: None)
    relayed = rate(head, timed(relay.publish_all))
    fetched, size = raw_consume(broker.bootstrap, settings.topic, head)
    broker.create_topic("raw-produce", PARTITIONS)
    produced = raw_produce(broker.bootstrap, "raw-produce", head, size)
    print(
        f"relay {relayed:,.0f}/s; raw produce of {size}-byte records {produced:,.0f}/s"
    )
    report(
        "relay store→Kafka (events/s)",
        f"{relayed:,.0f}",
        f"raw produce {produced:,.0f}",
        relayed / produced,
        "-",
    )

    consumer = consumer_for(
        settings, services.read_models, sorted(PROJECTIONS), [0, 1, 2]
    )
    started = time.perf_counter()
    while min(pipeline.views_at().values()) < head:
        consumer.poll_once()
    consumed = rate(head, time.perf_counter() - started)
    consumer.close()
    runners = in_process_rate(services)
    print(
        f"consumer {consumed:,.0f}/s into {len(PROJECTIONS)} views; raw fetch "
        f"{fetched:,.0f}/s; in-process runners {runners:,.0f}/s"
    )
    report(
        f"consumer Kafka→{len(PROJECTIONS)} views (events/s)",
        f"{consumed:,.0f}",
        f"in-process {runners:,.0f}; raw fetch {fetched:,.0f}",
        consumed / runners,
        "-",
    )


def listing_lags(services: Services, samples: int, first: int) -> list[float]:
    """Commit → on the serious-dishonesty list, in seconds, per sample, while
    other events are recorded at half the recording load."""
    ledger, public = services.ledger, services.read_models.public
    commits = CommitTimes(ledger)
    lags = []
    with recording_load(ledger, HALF_RECORDING_LOAD, first + samples) as load:
        for n in range(first, first + samples):
            code = uscc(n)
            ledger.register_subject(code, f"lag {n}", OFFICER)
            command = RecordCommand(code, "Listed", fields_of(listing("S1")), OFFICER)
            position = ledger.record(command).primary.position
            query = PageQuery(limit=1, subject_code=code)
            deadline = time.monotonic() + 30
            while not public.serious_list(query).rows:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"sample {n} never showed")
                time.sleep(POLL_SECONDS)
            lags.append(time.perf_counter() - commits.of(position))
    print(f"recording meanwhile at {load.reached:,.0f} events/s")
    return lags


def measure_lag(pipeline: Pipeline, in_process: Services, samples: int) -> None:
    pipeline.relay()
    pipeline.consumer()
    pipeline.wait_caught_up(120)
    listing_lags(pipeline.services, 5, 800_000)  # processes warmed up
    kafka = listing_lags(pipeline.services, samples, 900_000)
    in_process.read_models.start()
    try:
        local = listing_lags(in_process, samples, 900_000)
    finally:
        in_process.read_models.stop()
    for name, p in (("p50", 50), ("p99", 99)):
        value, base = percentile(kafka, p) * 1e3, percentile(local, p) * 1e3
        print(
            f"commit → list through Kafka {name} {value:.1f} ms (in-process {base:.1f})"
        )
        report(
            f"commit→list via Kafka {name} (ms)",
            f"{value:.1f}",
            f"in-process {base:.1f}",
            value / base,
            f"<= {LAG_TARGET_MS:.0f}" if p == 99 else "-",
        )
    print(f"median in-process lag {median(local) * 1e3:.1f} ms")


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    postgres, broker = PostgresServer(), KafkaBroker()
    try:
        postgres.start()
        broker.start()
        with tempfile.TemporaryDirectory() as directory:
            for topic in ("throughput", "lag"):
                broker.create_topic(topic, PARTITIONS)
            throughput = Pipeline(
                postgres.make_database("bench_kafka"),
                broker.bootstrap,
                "throughput",
                Path(directory),
            )
            try:
                measure_throughput(throughput, broker, events)
            finally:
                throughput.close()
            lag = Pipeline(
                postgres.make_database("bench_kafka_lag"),
                broker.bootstrap,
                "lag",
                Path(directory),
            )
            in_process = build_services(
                Settings(database_url=postgres.make_database("bench_in_process")),
                FixedClock(),
            )
            try:
                measure_lag(lag, in_process, samples)
            finally:
                lag.close()
                in_process.close()
    finally:
        broker.close()
        postgres.close()


if __name__ == "__main__":
    main()
