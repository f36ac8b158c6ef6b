"""Reaching the brokers: a bootstrap address where none answers is named."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kafka.errors import KafkaTimeoutError

# How long a client waits for a broker to answer before it gives up
# (kafka-python's default, written out so that tests can wait less).
BOOTSTRAP_TIMEOUT_MS = 30_000


class BrokerUnreachable(ConnectionError):
    def __init__(self, bootstrap: str) -> None:
        super().__init__(
            f"no Kafka broker answers at {bootstrap} (CREDIT_LEDGER_KAFKA_BOOTSTRAP)"
        )


def client_options(bootstrap: str) -> dict[str, Any]:
    """The options every client is made with."""
    return {
        "bootstrap_servers": bootstrap.split(","),
        "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS,
    }


@contextmanager
def reaching(bootstrap: str) -> Iterator[None]:
    """Around making a client: it raises ``BrokerUnreachable`` when no broker
    answers (kafka-python times out, as it would for a slow request)."""
    try:
        yield
    except KafkaTimeoutError as error:
        raise BrokerUnreachable(bootstrap) from error
