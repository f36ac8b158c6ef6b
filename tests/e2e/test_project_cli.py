"""``credit-ledger project --source kafka`` as the operator runs it: what it
says on its output when it takes over the views and while no broker answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import pytest

from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import uscc
from tests.service_fixtures import running
from tests.services import KafkaBroker, stop_process
from tests.view_scene import OFFICER

pytestmark = pytest.mark.kafka

CLI = str(Path(sys.executable).with_name("credit-ledger"))
ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60.0


class Project:
    """A running ``project`` whose output (stdout and stderr) goes to a file."""

    def __init__(self, process: subprocess.Popen[bytes], output: Path) -> None:
        self.process = process
        self.output = output

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_for(self, words: str) -> str:
        """The output once it holds ``words``; fails if the process exits first."""
        deadline = time.monotonic() + WAIT_SECONDS
        while words not in self.text():
            if self.process.poll() is not None:
                pytest.fail(
                    f"project exited with {self.process.returncode}:\n{self.text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {words!r} in {WAIT_SECONDS} s:\n{self.text()}")
            time.sleep(0.05)
        return self.text()

    def stop(self) -> int:
        stop_process(self.process)
        return self.process.returncode


@contextmanager
def project(workdir: Path, settings: dict[str, str]) -> Iterator[Project]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")}
    env |= {f"CREDIT_LEDGER_{k.upper()}": v for k, v in settings.items()}
    env |= {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    output = workdir / "project.log"
    with output.open("wb") as log:
        process = subprocess.Popen(
            [CLI, "project", "--source", "kafka"],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Project(process, output)
    finally:
        stop_process(process)


def embedded_store(path: Path, subjects: int) -> tuple[str, int]:
    """A store whose views were fed in-process, up to its head."""
    url = f"sqlite:///{path}"
    services = build_services(Settings(database_url=url, kafka_bootstrap=None))
    try:
        for serial in range(1, subjects + 1):
            services.ledger.register_subject(uscc(serial), f"企业{serial}", OFFICER)
        services.read_models.catch_up()
        return url, services.ledger.head_position()
    finally:
        services.close()


def test_project_says_which_views_it_takes_over_from_the_store_and_where(
    kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    url, head = embedded_store(tmp_path / "ledger.sqlite3", 3)
    topic = f"project-{uuid4().hex[:8]}"
    kafka_broker.create_topic(topic, 3)
    settings = {
        "database_url": url,
        "kafka_bootstrap": kafka_broker.bootstrap,
        "topic": topic,
    }

    with project(tmp_path, settings) as running:
        # Its report of the positions comes after the hand-over.
        output = running.wait_for(f"public p0 at {head}, p1 at {head}")
        status = running.stop()

    assert status == 0
    for view in ("indicators", "public", "repairs"):
        assert (
            f"INFO credit_ledger.consumer: view {view} was fed from the store up to "
            f"position {head}: its partitions go on from there\n"
        ) in output


@pytest.fixture
def own_broker() -> Iterator[KafkaBroker]:
    """A broker of this test's own, which it may stop."""
    yield from running(KafkaBroker(), "the Kafka-protocol broker")


def test_project_says_so_while_the_broker_is_away(
    own_broker: KafkaBroker, tmp_path: Path
) -> None:
    url, head = embedded_store(tmp_path / "ledger.sqlite3", 1)
    topic = f"project-{uuid4().hex[:8]}"
    own_broker.create_topic(topic, 3)
    settings = {
        "database_url": url,
        "kafka_bootstrap": own_broker.bootstrap,
        "topic": topic,
    }

    with project(tmp_path, settings) as running:
        before = len(running.wait_for(f"public p0 at {head}, p1 at {head}"))
        own_broker.stop()
        output = running.wait_for("KafkaConnectionError")[before:]
        status = running.stop()

    assert status == 0
    assert "ERROR kafka." in output
