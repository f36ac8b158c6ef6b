"""Processes that start together on a new PostgreSQL database all set it up."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from eventsourcing.persistence import OperationalError

from infrastructure.bootstrap import build_services
from infrastructure.ledger_setup import build_worker_ledger
from infrastructure.settings import Settings
from tests.services import PostgresServer, free_port

pytestmark = pytest.mark.postgres
STARTING_TOGETHER = 4


def started_together(url: str, build: Callable[[Settings], object]) -> list[str]:
    """The failures of ``STARTING_TOGETHER`` threads building at the same moment
    (each as a process of its own would, with its own connections)."""
    ready = threading.Barrier(STARTING_TOGETHER)
    failures: list[str] = []

    def start() -> None:
        ready.wait()
        try:
            built = build(Settings(database_url=url))
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
            return
        built.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=start) for _ in range(STARTING_TOGETHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@pytest.mark.parametrize(
    "build", [build_services, build_worker_ledger], ids=["services", "worker"]
)
def test_processes_starting_together_on_a_new_database_all_start(
    postgres_server: PostgresServer, build: Callable[[Settings], object]
) -> None:
    # Without the lock, every one of five such rounds had failures.
    for _ in range(3):
        assert started_together(postgres_server.make_database(), build) == []


def test_a_database_that_does_not_answer_fails_as_the_store_would() -> None:
    nobody = f"postgresql://postgres@127.0.0.1:{free_port()}/x"

    # The library's error, which the relay and consumers wait out at start.
    with pytest.raises(OperationalError):
        build_services(Settings(database_url=nobody))
