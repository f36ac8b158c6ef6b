"""``credit-ledger relay``: publish stored events to Kafka, resuming after a stop."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from infrastructure.bootstrap import build_services
from infrastructure.kafka.relay import Relay, make_producer
from infrastructure.kafka.relay_positions import (
    PostgresRelayPositions,
    RelayPositions,
    SQLiteRelayPositions,
)
from infrastructure.kafka.topics import ensure_topic
from infrastructure.settings import Settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "relay",
        help="publish stored events to the Kafka topic (at least once, in order)",
    )
    parser.add_argument(
        "--once", action="store_true", help="publish what is there now, then exit"
    )
    parser.set_defaults(func=run)


def relay_positions(settings: Settings) -> RelayPositions:
    if settings.store_kind == "postgres":
        return PostgresRelayPositions(settings.postgres_conninfo)
    return SQLiteRelayPositions(settings.sqlite_path)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.kafka_bootstrap:
        print("error: set CREDIT_LEDGER_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    services = build_services(settings)
    ensure_topic(settings.kafka_bootstrap, settings.topic, settings.topic_partitions)
    producer = make_producer(settings.kafka_bootstrap)
    relay = Relay(
        services.ledger.recorder,
        services.ledger.mapper,
        producer,
        settings.topic,
        relay_positions(settings),
    )
    print(f"relay: {settings.topic} from position {relay.position}", flush=True)
    try:
        if args.once:
            while relay.publish_next_batch():
                pass
        else:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
            relay.run(stop, on_progress=lambda p: print(f"relay: at {p}", flush=True))
    finally:
        producer.close()
        services.close()
    print(f"relay: stopped at position {relay.position}", flush=True)
    return 0
