"""``credit-ledger relay --from N`` goes back, never past the saved position."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.kafka import brokers
from infrastructure.kafka.relay_positions import SQLiteRelayPositions
from infrastructure.settings import Settings
from tests.factories import fields_of, information, uscc
from tests.services import HOST, KafkaBroker, free_port
from tests.view_scene import OFFICER

pytestmark = pytest.mark.kafka
ROOT = Path(__file__).resolve().parents[2]
# How soon a stopped relay must have left, where an operator waits on it.
STOP_SECONDS = 5


def record(count: int, first: int = 1) -> int:
    services = build_services(Settings())
    try:
        if not services.ledger.head_position():
            services.ledger.register_subject(uscc(1), "Relay Co.", OFFICER)
        for n in range(first, first + count):
            fields = fields_of(information(f"I{n}"))
            command = RecordCommand(uscc(1), "InformationRecorded", fields, OFFICER)
            services.ledger.record(command)
        return services.ledger.head_position()
    finally:
        services.close()


def record_backlog(count: int) -> int:
    """``count`` more events, in one transaction: the store's head."""
    services = build_services(Settings())
    try:
        commands = [
            RecordCommand(
                uscc(1), "InformationRecorded", fields_of(information(f"B{n}")), OFFICER
            )
            for n in range(count)
        ]
        assert not any(
            isinstance(r, Exception) for r in services.ledger.record_many(commands)
        )
        return services.ledger.head_position()
    finally:
        services.close()


def test_from_past_the_saved_position_is_refused_in_one_line_with_status_2(
    store_url: str,
    kafka_broker: KafkaBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = f"relay-from-{uuid4().hex[:8]}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", topic)
    saved = record(4)
    assert main(["relay", "--once"]) == 0
    head = record(5, first=5)
    capsys.readouterr()

    status = main(["relay", "--once", "--from", str(saved + 3)])

    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        f"error: relay --from {saved + 3}: the relay's saved position is {saved}, "
        f"so --from may be at most {saved + 1} (positions {saved + 1} to "
        f"{saved + 2} would never be published); nothing was published\n"
    )
    positions = SQLiteRelayPositions(Path(Settings().sqlite_path))
    assert positions.get(topic) == saved
    assert main(["relay", "--once", "--from", str(saved + 1)]) == 0
    assert positions.get(topic) == head


@pytest.mark.parametrize(
    "command",
    [["relay", "--once"], ["relay"], ["project", "--source", "kafka"]],
    ids=["relay-once", "relay", "project"],
)
def test_a_topic_with_fewer_partitions_than_set_is_one_line_and_status_2(
    command: list[str],
    store_url: str,
    kafka_broker: KafkaBroker,
    interrupt_after: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = f"relay-few-{uuid4().hex[:8]}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", topic)
    record(2)
    assert main(["relay", "--once"]) == 0  # makes the topic, with 3 partitions
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC_PARTITIONS", "5")
    capsys.readouterr()

    status = main(command)

    interrupt_after.set()
    err = capsys.readouterr().err
    assert (status, err) == (
        2,
        f"error: CREDIT_LEDGER_TOPIC_PARTITIONS: topic {topic} has 3 partitions, "
        "fewer than the 5 configured\n",
    )


def test_relay_stopped_while_no_broker_answers_says_its_saved_position(
    store_url: str,
    kafka_broker: KafkaBroker,
    interrupt_after: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", f"relay-stop-{uuid4().hex[:8]}")
    saved = record(3)
    assert main(["relay", "--once"]) == 0
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", f"{HOST}:{free_port()}")
    monkeypatch.setattr(brokers, "BOOTSTRAP_TIMEOUT_MS", 500)
    capsys.readouterr()

    status = main(["relay"])  # tries again until the SIGINT

    out = capsys.readouterr().out
    assert status == 0
    assert "again in" in out
    assert out.endswith(f"relay: stopped at position {saved}\n")


def test_relay_once_shows_its_progress_and_ends_saying_what_it_published(
    store_url: str,
    kafka_broker: KafkaBroker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = f"relay-progress-{uuid4().hex[:8]}"
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", topic)
    saved = record(2)
    assert main(["relay", "--once"]) == 0
    head = record_backlog(2_500)  # more than one batch of the relay's
    capsys.readouterr()

    status = main(["relay", "--once"])

    out, err = capsys.readouterr()
    backlog = head - saved
    assert status == 0
    assert out == (
        f"relay: {topic} from position {saved}\n"
        f"relay: published {backlog} events, at position {head}\n"
    )
    # tqdm's bar on stderr, as import and projections rebuild show theirs.
    shown = [int(n) for n in re.findall(rf"\| *(\d+)/{backlog} \[", err)]
    assert shown[0] == 0 and shown[-1] == backlog, err
    assert SQLiteRelayPositions(Path(Settings().sqlite_path)).get(topic) == head


@pytest.fixture
def silent_broker() -> Iterator[socket.socket]:
    """A port where connections are taken but never answered."""
    with socket.create_server((HOST, 0)) as listener:
        listener.settimeout(60)
        yield listener


def relay_in_background(bootstrap: str) -> subprocess.Popen[str]:
    """``credit-ledger relay`` as an operator starts it."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "relay"],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CREDIT_LEDGER_KAFKA_BOOTSTRAP": bootstrap,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    "stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"]
)
@pytest.mark.parametrize("broker", ["refusing", "silent"])
def test_relay_stops_at_once_while_no_broker_answers_naming_its_saved_position(
    stop_signal: signal.Signals,
    broker: str,
    store_url: str,
    kafka_broker: KafkaBroker,
    silent_broker: socket.socket,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", kafka_broker.bootstrap)
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", f"relay-signal-{uuid4().hex[:8]}")
    saved = record(3)
    assert main(["relay", "--once"]) == 0
    host, port = silent_broker.getsockname()
    relay = relay_in_background(f"{host}:{port}")
    # Its first connection: the relay is waiting for a broker's answer.
    connection, _ = silent_broker.accept()
    try:
        if broker == "refusing":
            connection.close()
            silent_broker.close()  # from now on, connections are refused

        relay.send_signal(stop_signal)
        out, err = relay.communicate(timeout=STOP_SECONDS)

        assert (relay.returncode, out, err) == (
            0,
            f"relay: stopped at position {saved}\n",
            "",
        )
    finally:
        connection.close()
        relay.kill()
        relay.wait()
