"""``credit-ledger project --source kafka``: feed the read models from the topic."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from api.cli.logs import logging_to_stderr
from api.cli.startup import services_when_ready
from infrastructure.kafka.brokers import BrokerUnreachable
from infrastructure.kafka.consumer_process import consumer_for, run_consumer
from infrastructure.settings import Settings, existing_store
from infrastructure.views.read_models import PROJECTIONS


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "project",
        help="run projections in this process, fed from the Kafka topic "
        "(effectively once; several processes can split the partitions)",
    )
    parser.add_argument("--source", choices=["kafka"], required=True)
    parser.add_argument(
        "--projection",
        action="append",
        choices=sorted(PROJECTIONS),
        help="a view to feed (repeatable; default: all)",
    )
    parser.add_argument(
        "--partitions",
        type=partition_list,
        help="comma-separated partitions to consume, e.g. 0,2 (default: all)",
    )
    parser.set_defaults(func=run)


def partition_list(text: str) -> list[int]:
    try:
        partitions = sorted({int(p) for p in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of partitions: {text}") from None
    if partitions[0] < 0:
        raise argparse.ArgumentTypeError("partitions are numbered from 0")
    return partitions


def say(line: str) -> None:
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.kafka_bootstrap:
        print("error: set CREDIT_LEDGER_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    partitions = args.partitions or list(range(settings.topic_partitions))
    if partitions[-1] >= settings.topic_partitions:
        print(
            f"error: the topic has partitions 0..{settings.topic_partitions - 1}",
            file=sys.stderr,
        )
        return 2
    names = args.projection or sorted(PROJECTIONS)
    services = services_when_ready(existing_store(settings))
    try:
        consumer = consumer_for(settings, services.read_models, names, partitions)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        say(f"project: {', '.join(names)} from {settings.topic} {partitions}")
        # Not before: a broker that never answered is the one line below, not
        # kafka-python's line for every try.
        with logging_to_stderr():
            run_consumer(consumer, stop, say)
    except BrokerUnreachable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        services.close()
    say("project: stopped")
    return 0
