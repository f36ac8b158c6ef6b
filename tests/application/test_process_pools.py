"""PoolWatch: results awaited by several threads at once, each as it comes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.synchronize import Event
from pathlib import Path

from application.process_pools import PoolWatch

ROUNDS = 4
AT_ONCE = 4
WAIT_SECONDS = 10.0

_released: list[Event] = []


def _keep(released: list[Event]) -> None:
    _released[:] = released


def _answer_once_released(event: int) -> int:
    _released[event].wait()
    return event


class Waiter:
    """A thread that waits for one result with the watch. A daemon: one that
    never gets its result must not keep the test run from ending."""

    def __init__(self, watch: PoolWatch, future: Future[int]) -> None:
        self.answer: Future[int] = Future()
        self._started = threading.Event()
        self._watch, self._future = watch, future
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()
        self._started.wait()

    def waits_for_a_descriptor(self) -> bool:
        """Whether the thread is blocked in poll(2) or select(2), as a wait is."""
        waits_in = Path(f"/proc/self/task/{self._thread.native_id}/wchan")
        return any(call in waits_in.read_text() for call in ("poll", "select"))

    def _wait(self) -> None:
        self._started.set()
        try:
            self.answer.set_result(self._watch.result(self._future))
        except BaseException as error:
            self.answer.set_exception(error)


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_threads_waiting_at_once_each_get_their_result_as_it_comes() -> None:
    context = multiprocessing.get_context("fork")
    released = [context.Event() for _ in range(ROUNDS * AT_ONCE)]
    pool = ProcessPoolExecutor(
        1, mp_context=context, initializer=_keep, initargs=(released,)
    )
    watch = PoolWatch(pool)
    try:
        for first in range(0, len(released), AT_ONCE):
            # One worker: each result waits until the one before is answered.
            events = range(first, first + AT_ONCE)
            waiters = [
                Waiter(watch, pool.submit(_answer_once_released, n)) for n in events
            ]
            _until(
                lambda: all(w.waits_for_a_descriptor() for w in waiters),  # noqa: B023
                "the threads never waited",
            )
            for event, waiter in zip(events, waiters, strict=True):
                released[event].set()
                assert waiter.answer.result(timeout=WAIT_SECONDS) == event
                assert not any(w.answer.done() for w in waiters[event - first + 1 :])
    finally:
        for event in released:
            event.set()
        watch.shut_down(wait=True, cancel=True)
