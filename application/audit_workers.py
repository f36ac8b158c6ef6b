"""Hashing pages of stored events in worker processes, results in log order.

The workers are forked, so each starts with the very mapper (transcodings and
event classes) of the process that verifies: nothing about decoding is rebuilt
or sent. Only pages go out and facts come back; at most a few pages are in
flight, so memory stays bounded however large the store.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from application.audit_errors import VerifyStopped
from application.audit_event_log import LogRow
from application.audit_hashing import Facts, PageHasher
from application.cores import usable_cores
from application.process_pools import PoolWatch, exit_when_orphaned

HashedPage = tuple[Sequence[LogRow], list[Facts]]

# Below this many events, starting processes costs more than it saves.
MIN_EVENTS_FOR_WORKERS = 20_000
MAX_WORKERS = 8

_worker_hasher: PageHasher | None = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def default_workers(events: int) -> int:
    """One worker per core this process may use, for a store worth it."""
    if events < MIN_EVENTS_FOR_WORKERS or not can_fork():
        return 0
    return min(usable_cores(), MAX_WORKERS)


def hashed_pages(
    pages: Iterator[Sequence[LogRow]], hasher: PageHasher, workers: int
) -> Iterator[HashedPage]:
    """Each page with its facts, in order; ``workers`` 0 hashes in this process.

    The workers are forked before ``pages`` is first read: forking copies only
    the calling thread, and a lock a reading thread held would stay held in the
    child. A worker that dies fails the pass (``VerifyStopped``).
    """
    if workers <= 0 or not can_fork():
        for page in pages:
            yield page, hasher(page)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_install,
        initargs=(hasher, os.getpid()),
    )
    watch = PoolWatch(pool)
    try:
        pool.submit(_started).result()  # the first task forks every worker
        yield from _in_order(pages, pool, watch, workers)
    except BrokenProcessPool:
        raise VerifyStopped(
            "a worker process stopped before every event was checked, so the "
            "store is not verified"
        ) from None
    finally:
        watch.shut_down(wait=True, cancel=True)


def _in_order(
    pages: Iterator[Sequence[LogRow]],
    pool: ProcessPoolExecutor,
    watch: PoolWatch,
    workers: int,
) -> Iterator[HashedPage]:
    pending: deque[tuple[Sequence[LogRow], Future[list[Facts]]]] = deque()
    for page in pages:
        pending.append((page, pool.submit(_hash, page)))
        if len(pending) > 2 * workers:
            done, facts = pending.popleft()
            yield done, watch.result(facts)
    while pending:
        done, facts = pending.popleft()
        yield done, watch.result(facts)


def _started() -> None:
    """Nothing: a first task, so that the pool starts its workers."""


def _install(hasher: PageHasher, verifier: int) -> None:
    global _worker_hasher  # noqa: PLW0603 - one per worker process, set once
    _worker_hasher = hasher
    # Ctrl-C reaches every process of the terminal's job: the verifier decides
    # what it means and shuts its workers down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_when_orphaned(verifier)
    # What the worker was forked with lives as long as it: never scan it again.
    gc.freeze()


def _hash(page: Sequence[LogRow]) -> list[Facts]:
    assert _worker_hasher is not None, "not a worker process"
    return _worker_hasher(page)
