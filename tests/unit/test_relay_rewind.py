"""``relay --from N`` publishes again: it may go back, never forward past the
saved position, which would leave events unpublished for ever."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from application.commands import RecordCommand
from application.ledger import CreditLedger
from infrastructure.bootstrap import Services, build_services
from infrastructure.kafka.messages import decode_message
from infrastructure.kafka.relay import Relay, RewindPastPosition
from infrastructure.kafka.relay_positions import SQLiteRelayPositions
from infrastructure.kafka.relay_process import RelayProcess
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, information, uscc
from tests.view_scene import OFFICER

TOPIC = "credit-ledger.events"


class Sent:
    def __init__(self, offset: int) -> None:
        self.offset = offset

    def get(self, timeout: float | None = None) -> Sent:
        return self


class FakeProducer:
    """Acknowledges every message at once; remembers each one's position."""

    def __init__(self) -> None:
        self.positions: list[int] = []

    def partitions_for(self, topic: str) -> set[int]:
        return {0, 1, 2}

    def send(self, topic: str, value: bytes, partition: int, **_: Any) -> Sent:
        self.positions.append(decode_message(value).position)
        return Sent(len(self.positions) - 1)

    def flush(self, timeout: float | None = None) -> None:
        pass


@pytest.fixture
def services() -> Iterator[Services]:
    built = build_services(Settings(database_url="memory://"), FixedClock())
    built.ledger.register_subject(uscc(1), "Relay Co.", OFFICER)
    yield built
    built.close()


def record_information(ledger: CreditLedger, *numbers: int) -> int:
    for n in numbers:
        body = information(f"I{n}")
        ledger.record(
            RecordCommand(uscc(1), "InformationRecorded", fields_of(body), OFFICER)
        )
    return ledger.head_position()


def relay_of(ledger: CreditLedger, producer: FakeProducer, path: Path) -> Relay:
    positions = SQLiteRelayPositions(path / "relay.sqlite3")
    return Relay(ledger.recorder, ledger.mapper, producer, TOPIC, positions)


def test_publishing_again_from_past_the_saved_position_is_refused_and_skips_nothing(
    services: Services, tmp_path: Path
) -> None:
    producer = FakeProducer()
    relay = relay_of(services.ledger, producer, tmp_path)
    saved = record_information(services.ledger, *range(9))
    relay.publish_next_batch()
    head = record_information(services.ledger, *range(9, 15))

    with pytest.raises(RewindPastPosition) as refused:
        relay.rewind(13)
    while relay.publish_next_batch():
        pass

    assert (refused.value.saved, refused.value.position) == (saved, 13)
    assert f"saved position is {saved}" in str(refused.value)
    assert producer.positions == list(range(1, head + 1))


def test_publishing_again_from_an_earlier_position_sends_the_rest_again(
    services: Services, tmp_path: Path
) -> None:
    producer = FakeProducer()
    relay = relay_of(services.ledger, producer, tmp_path)
    head = record_information(services.ledger, *range(5))
    relay.publish_next_batch()

    relay.rewind(3)
    relay.publish_next_batch()

    assert producer.positions == [*range(1, head + 1), *range(4, head + 1)]


class FakeBrokerRelayProcess(RelayProcess):
    def __init__(self, services: Services, relay: Relay) -> None:
        settings = services.settings.model_copy(update={"kafka_bootstrap": "fake:9092"})
        super().__init__(settings, services.ledger, on_progress=lambda _: None)
        self._relay = relay

    @contextmanager
    def opened(self, stop: threading.Event | None = None) -> Iterator[Relay]:
        yield self._relay


def test_the_running_relay_refuses_at_once_rather_than_trying_again(
    services: Services, tmp_path: Path
) -> None:
    producer = FakeProducer()
    relay = relay_of(services.ledger, producer, tmp_path)
    saved = record_information(services.ledger, 1)
    relay.publish_next_batch()
    record_information(services.ledger, 2, 3)
    process = FakeBrokerRelayProcess(services, relay)
    stop = threading.Event()
    stop_after = threading.Timer(10, stop.set)
    stop_after.start()

    try:
        with pytest.raises(RewindPastPosition):
            process.run(stop, from_position=saved + 2)
    finally:
        stop_after.cancel()

    assert not stop.is_set()
    assert producer.positions == list(range(1, saved + 1))
