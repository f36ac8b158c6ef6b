"""Starting a service for a fixture: one that cannot start fails the test with
the reason, never a skip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest

from tests.services import KafkaBroker, PostgresServer, ServiceError

Service = TypeVar("Service", PostgresServer, KafkaBroker)


def running(service: Service, name: str) -> Iterator[Service]:
    """The service started, for a fixture to yield from, and closed after."""
    try:
        service.start()
    except ServiceError as error:
        service.close()
        pytest.fail(f"cannot start {name}: {error}", pytrace=False)
    try:
        yield service
    finally:
        service.close()
