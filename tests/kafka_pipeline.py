"""A store → relay → Kafka → consumers pipeline on the real services, for tests
and the benchmark: writers, the relay and consumers as subprocesses (so that
they can be killed with -9), and the check that every Kafka-fed view equals a
rebuild from the store, row by row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.persistence import PersistenceError

from application.commands import Actor
from application.dispatch import DECIDERS
from application.ledger import CreditLedger
from domain.codes import parse_subject_code
from domain.subject import CreditSubject
from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.runner import ProjectionRunner
from infrastructure.views.tracked import SqlTrackedView
from tests.factories import (
    Body,
    FixedClock,
    commitment,
    fields_of,
    fulfilment,
    information,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_request,
    revocation,
    uscc,
)
from tests.services import stop_process

ROOT = Path(__file__).resolve().parent.parent
OFFICER = Actor(department="market-regulation", actor="pipeline")
PARTITIONS = 3


def life_of(n: int) -> list[Body]:
    """Ten events of every kind the views handle, withdrawals included."""
    adverse = (
        [listing("S1"), revocation("S1")]
        if n % 2
        else [red_listing("R1"), red_list_revocation("R1")]
    )
    return [
        licence("L1"),
        penalty("P1"),
        commitment("C1"),
        fulfilment("C1"),
        *adverse,
        information("I1"),
        repair_request("F1", "P1"),
    ]


def save_subjects(ledger: CreditLedger, first: int, count: int) -> None:
    subjects = []
    for n in range(first, first + count):
        p = ledger.provenance(OFFICER)
        subject = CreditSubject.register(
            parse_subject_code(uscc(n)), f"企业{n}", None, p
        )
        for body in life_of(n):
            decide = DECIDERS[str(body["type"])]
            decide(subject, ledger.provenance(OFFICER), ledger.rules, fields_of(body))
        subjects.append(subject)
    ledger.save(*subjects)


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, every: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while not _holds(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def _holds(check: Callable[[], bool]) -> bool:
    try:
        return check()
    except PersistenceError:
        return False  # the database is restarting


@dataclass
class Writer:
    """Writes subjects in transactions of ``per_save`` until ``subjects`` are
    stored; a failed save (the database restarting) is tried again."""

    ledger: CreditLedger
    subjects: int
    per_save: int = 20
    first: int = 1
    failures: int = 0
    _thread: threading.Thread | None = None

    def start(self) -> Writer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: float = 60) -> None:
        assert self._thread is not None
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the writer did not finish"

    def _run(self) -> None:
        n = self.first
        while n < self.first + self.subjects:
            count = min(self.per_save, self.first + self.subjects - n)
            try:
                save_subjects(self.ledger, n, count)
            except Exception:
                self.failures += 1
                time.sleep(0.1)
                continue
            n += count


@dataclass
class Pipeline:
    database_url: str
    bootstrap: str
    topic: str
    workdir: Path
    services: Services = field(init=False)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.settings = Settings(
            database_url=self.database_url,
            kafka_bootstrap=self.bootstrap,
            topic=self.topic,
            topic_partitions=PARTITIONS,
        )
        self.services = build_services(self.settings, FixedClock())

    def reconnect(self) -> None:
        """This process's own connections, after the database restarted."""
        self.services.close()
        self.services = build_services(self.settings, FixedClock())

    @property
    def ledger(self) -> CreditLedger:
        return self.services.ledger

    def env(self) -> dict[str, str]:
        return os.environ | {
            "CREDIT_LEDGER_DATABASE_URL": self.database_url,
            "CREDIT_LEDGER_KAFKA_BOOTSTRAP": self.bootstrap,
            "CREDIT_LEDGER_TOPIC": self.topic,
            "CREDIT_LEDGER_TOPIC_PARTITIONS": str(PARTITIONS),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }

    def spawn(self, *args: str, name: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            list(args),
            cwd=self.workdir,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def relay(self) -> subprocess.Popen[bytes]:
        return self.spawn(_cli(), "relay", name="relay")

    def consumer(
        self, partitions: Sequence[int] = (), crash_after_writes: int | None = None
    ) -> subprocess.Popen[bytes]:
        args = ["project", "--source", "kafka"]
        if partitions:
            args += ["--partitions", ",".join(map(str, partitions))]
        name = "consumer-" + "".join(map(str, partitions or range(PARTITIONS)))
        if crash_after_writes is None:
            return self.spawn(_cli(), *args, name=name)
        return self.spawn(
            sys.executable,
            "-m",
            "tests.crashing_consumer",
            str(crash_after_writes),
            *args,
            name=f"{name}-crashing",
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def relay_position(self) -> int:
        progress = self.view("public").source.progress
        with self.view("public").store.snapshot() as c:
            return progress(self.view("public"), c).relay_position or 0

    def view(self, name: str) -> SqlTrackedView:
        return self.services.read_models.views[name]

    def views_at(self) -> dict[str, int]:
        return {
            name: view.position(self.ledger.name)
            for name, view in self.services.read_models.views.items()
        }

    def wait_caught_up(self, timeout: float = 60) -> int:
        head = self.ledger.head_position()
        wait_until(
            lambda: min(self.views_at().values()) >= head,
            timeout,
            f"every view at the head {head} (now {self.views_at()})",
        )
        return head

    def assert_views_equal_a_rebuild(self) -> None:
        for name, view in self.services.read_models.views.items():
            assert view.snapshot() == rebuilt(self.ledger, view, name), name

    def close(self) -> None:
        for process in self.processes:
            stop_process(process, timeout=10)
        self.services.close()


def rebuilt(
    ledger: CreditLedger, view: SqlTrackedView, name: str
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of ``view`` built from the store's log, in process."""
    expected = type(view)(
        view.store, ledger.name, prefix="expected_", view_name=f"{name}.expected"
    )
    expected.drop_tables()
    expected.create_table(with_indexes=False)
    ProjectionRunner(ledger, PROJECTIONS[name].projection(expected)).catch_up()
    try:
        return expected.snapshot()
    finally:
        expected.drop_tables()


@contextmanager
def pipeline(
    database_url: str, bootstrap: str, topic: str, workdir: Path
) -> Iterator[Pipeline]:
    built = Pipeline(database_url, bootstrap, topic, workdir)
    try:
        yield built
    finally:
        built.close()


def _cli() -> str:
    return str(Path(sys.executable).with_name("credit-ledger"))
