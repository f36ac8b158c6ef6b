"""``credit-ledger relay``: publish stored events to Kafka, resuming after a stop."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from typing import Any

from api.cli.arguments import positive_int
from api.cli.logs import logging_to_stderr
from api.cli.relay_progress import PublishingBar
from api.cli.startup import services_when_ready
from infrastructure.kafka.brokers import BrokerUnreachable
from infrastructure.kafka.relay import RewindPastPosition
from infrastructure.kafka.relay_process import RelayProcess
from infrastructure.settings import Settings, existing_store


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "relay",
        help="publish stored events to the Kafka topic (at least once, in order)",
    )
    parser.add_argument(
        "--once", action="store_true", help="publish what is there now, then exit"
    )
    parser.add_argument(
        "--from",
        dest="from_position",
        type=positive_int,
        metavar="POSITION",
        help="publish again from this position (e.g. 1 after the broker lost "
        "records while the relay was stopped); consumers skip what they have. "
        "It only goes back: beyond the relay's saved position + 1 it is refused "
        "(status 2), as the events in between would never be published",
    )
    parser.set_defaults(func=run)


def say(line: str) -> None:
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.kafka_bootstrap:
        print("error: set CREDIT_LEDGER_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    services = services_when_ready(existing_store(settings))
    process = RelayProcess(settings, services.ledger, on_progress=say)
    try:
        # The relay says its own tries and outages (``say``): kafka-python's
        # lines for each of them would only repeat those.
        with logging_to_stderr(libraries=False):
            if args.once:
                last = _published_once(process, args.from_position)
            else:
                last = _run_until_stopped(process, args.from_position)
    except BrokerUnreachable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RewindPastPosition as refused:
        print(
            f"error: relay --from {args.from_position}: the relay's saved position "
            f"is {refused.saved}, so --from may be at most {refused.saved + 1} "
            f"(positions {refused.saved + 1} to {refused.position} would never be "
            "published); nothing was published",
            file=sys.stderr,
        )
        return 2
    finally:
        services.close()
    say(last)
    return 0


def _published_once(process: RelayProcess, from_position: int | None) -> str:
    with contextlib.closing(PublishingBar()) as bar:
        process.publish_all(from_position, bar)
    events = "event" if bar.count == 1 else "events"
    return f"relay: published {bar.count} {events}, at position {process.position}"


def _run_until_stopped(process: RelayProcess, from_position: int | None) -> str:
    # Runs on through broker outages, saying so (RelayProcess.run).
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    process.run(stop, from_position)
    return f"relay: stopped at position {process.position}"
