"""A client being made gives way to a stop, and is closed if it comes later."""

from __future__ import annotations

import threading

import pytest

from infrastructure.kafka.stoppable import StoppedWhileConnecting, made_unless_stopped

WAIT_SECONDS = 10


class SlowClient:
    """Made once ``answer`` is set, as a client is once a broker answers."""

    def __init__(self) -> None:
        self.answer = threading.Event()
        self.waiting = threading.Event()
        self.discarded: list[str] = []
        self.was_discarded = threading.Event()

    def make(self) -> str:
        self.waiting.set()
        assert self.answer.wait(WAIT_SECONDS)
        return "client"

    def discard(self, client: str) -> None:
        self.discarded.append(client)
        self.was_discarded.set()


def test_a_stop_while_no_broker_answers_is_raised_and_the_late_client_closed() -> None:
    slow = SlowClient()
    stop = threading.Event()

    def stop_while_it_waits() -> None:
        if slow.waiting.wait(WAIT_SECONDS):
            stop.set()

    threading.Thread(target=stop_while_it_waits, daemon=True).start()

    with pytest.raises(StoppedWhileConnecting):
        made_unless_stopped(slow.make, slow.discard, stop)

    assert slow.discarded == []
    slow.answer.set()
    assert slow.was_discarded.wait(WAIT_SECONDS)
    assert slow.discarded == ["client"]


def test_without_a_stop_the_client_is_returned_and_kept() -> None:
    slow = SlowClient()
    slow.answer.set()

    client = made_unless_stopped(slow.make, slow.discard, threading.Event())

    assert client == "client"
    assert slow.discarded == []


def test_what_making_the_client_raises_reaches_the_caller() -> None:
    def refused() -> str:
        raise ConnectionRefusedError("no broker")

    with pytest.raises(ConnectionRefusedError, match="no broker"):
        made_unless_stopped(refused, lambda _: None, threading.Event())


def test_a_stop_already_asked_for_makes_nothing() -> None:
    slow = SlowClient()
    stop = threading.Event()
    stop.set()

    with pytest.raises(StoppedWhileConnecting):
        made_unless_stopped(slow.make, slow.discard, stop)

    assert not slow.waiting.is_set()
