"""Making a Kafka client while a stop may come.

kafka-python's clients wait in their constructor until a broker answers, up to
``BOOTSTRAP_TIMEOUT_MS``, and nothing interrupts that wait. Made in a helper
thread instead, the caller waits for the client or the stop, whichever comes
first. The helper is left to finish on its own after a stop (a daemon thread,
so it never holds a process back from exiting), and a client it makes then is
closed unused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import TypeVar

T = TypeVar("T")
# How soon a stop is noticed while no broker has answered yet.
STOP_CHECK_SECONDS = 0.1


class StoppedWhileConnecting(Exception):
    """The stop came before a broker answered."""


def made_unless_stopped(
    make: Callable[[], T], discard: Callable[[T], None], stop: threading.Event
) -> T:
    """What ``make`` returns or raises, unless ``stop`` is set first: then
    ``StoppedWhileConnecting``, and ``discard`` gets what ``make`` returns later."""
    if stop.is_set():
        raise StoppedWhileConnecting
    made: Future[T] = Future()
    helper = threading.Thread(
        target=_making, args=(make, made), name="kafka-connecting", daemon=True
    )
    helper.start()
    while wait([made], timeout=STOP_CHECK_SECONDS).not_done:
        if stop.is_set():
            # Runs at once if it was made meanwhile, else when it is.
            made.add_done_callback(lambda done: _discarded(done, discard))
            raise StoppedWhileConnecting
    return made.result()


def _making(make: Callable[[], T], made: Future[T]) -> None:
    try:
        made.set_result(make())
    except BaseException as error:
        made.set_exception(error)


def _discarded(done: Future[T], discard: Callable[[T], None]) -> None:
    if done.exception() is None:
        discard(done.result())
