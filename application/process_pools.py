"""Process pools whose workers may be killed (by the kernel for want of memory,
say): results awaited so that a death is noticed, and a shutdown that never
waits for ever; and workers that leave when the process feeding them is killed.

``ProcessPoolExecutor`` notices a dead worker only between two results: a
worker killed while it sent one leaves it half-written, and the pool's thread
waits for the rest for ever, while the other workers wait for the lock the dead
one held. Nor, before CPython 3.11.7 (Debian 12 has 3.11.2), does a broken
pool's shutdown end while the queue that fed the dead worker is full
(gh-94777): the thread writing to it waits for a reader that is gone.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import connection
from multiprocessing.process import BaseProcess
from typing import TypeVar

T = TypeVar("T")

# Bytes read at a time from a dead pool's call queue.
DRAIN_CHUNK = 1 << 16
# How often a worker looks whether the process that feeds it is still there.
ORPHAN_CHECK_SECONDS = 1.0


class PoolWatch:
    """One pool's results, awaited while its worker processes are watched, and
    its shutdown. Made as the pool is, before anything is submitted."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        # This process's own reader of the pipe that feeds the workers, taken
        # while the pipe is surely open: the pool closes its reader as it ends.
        reader = pool._call_queue._reader  # type: ignore[attr-defined]
        self._calls: int | None = os.dup(reader.fileno())
        self._sentinels: list[int] = []
        self._closing = threading.Lock()

    def result(self, future: Future[T]) -> T:
        """The future's result; ``BrokenProcessPool`` as soon as a worker
        process has died, whether or not the pool noticed. Several threads may
        wait at once, each for its own future."""
        if not future.done():
            with _Wake() as wake:
                future.add_done_callback(wake.up)
                while not future.done():
                    ready = connection.wait([wake.fd, *self._worker_sentinels()])
                    if wake.fd not in ready and not future.done():
                        raise BrokenProcessPool("a worker process died")
        return future.result()

    def shut_down(self, *, wait: bool, cancel: bool) -> None:
        """Stops the pool's workers, cancelling what they have not started
        unless ``cancel`` is false. A pool one of whose workers died is stopped
        at once: nothing it has left can still be answered."""
        with self._closing:
            pool, calls, self._calls = self._pool, self._calls, None
        if calls is None:
            return  # shut down already
        if pool._broken or _a_worker_died(pool):
            _unblock(pool, calls)
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            pool.shutdown(wait=wait, cancel_futures=cancel)
            os.close(calls)

    def _worker_sentinels(self) -> list[int]:
        if not self._sentinels:  # the pool starts its workers with a first task
            self._sentinels = [p.sentinel for p in _processes(self._pool)]
        return self._sentinels


class _Wake:
    """A pipe that one wait watches and its future's completion writes to: of
    its own, as a pipe shared by several waits would let one take another's
    wake-up."""

    def __init__(self) -> None:
        self.fd, self._writer = os.pipe()
        self._open = True
        self._closing = threading.Lock()

    def __enter__(self) -> _Wake:
        return self

    def __exit__(self, *_: object) -> None:
        with self._closing:
            self._open = False
            os.close(self.fd)
            os.close(self._writer)

    def up(self, _: object) -> None:
        # Called by the pool's thread, once, maybe after the wait has ended.
        with self._closing:
            if self._open:
                os.write(self._writer, b"\0")


def exit_when_orphaned(feeder: int) -> None:
    """Run in a worker process: it leaves once ``feeder``, the process that
    feeds it, is gone. A worker waits on its call queue, whose writing end it
    holds itself, so it would wait for ever once its feeder was killed
    (``kill -9`` of the command or the service); nor does a fork server leave
    while its children hold its pipe open."""

    def watch() -> None:
        while _alive(feeder):
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    return list((pool._processes or {}).values())


def _a_worker_died(pool: ProcessPoolExecutor) -> bool:
    sentinels = [process.sentinel for process in _processes(pool)]
    return bool(sentinels) and bool(connection.wait(sentinels, timeout=0))


def _unblock(pool: ProcessPoolExecutor, calls: int) -> None:
    """Lets the pool's thread end: the other workers are killed, so that this
    process holds the last writer of the pipe that brings results, which it
    closes (a result left half-written then ends there), and it reads the pipe
    that fed the workers (``calls``, its own reader) until that pipe's writer
    is done. Later CPython releases close that pipe's reader instead, from the
    pool's thread; from here, that would race with the pool closing it too."""
    for process in _processes(pool):
        process.kill()
    results = pool._result_queue  # None once the pool was shut down
    if results is not None:
        results._writer.close()  # type: ignore[attr-defined]
    threading.Thread(
        target=_drain, args=(calls,), name="pool-call-drain", daemon=True
    ).start()


def _drain(reader: int) -> None:
    """Reads until the pipe's writer is closed, which the pool's feeding
    thread does as it ends."""
    try:
        while os.read(reader, DRAIN_CHUNK):
            pass
    finally:
        os.close(reader)
