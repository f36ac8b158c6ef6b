"""Import lines spread over worker processes, each subject always to the same one.

One process is bound by Python's per-event work (validation, deciding, hashing,
encoding); several use several cores. A subject's lines all go to one worker, in
file order, so its events are decided in the order the file gives them: each
worker is a pool of one process, and a chunk's share for it waits its turn.
"""

from __future__ import annotations

import importlib
import multiprocessing
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.synchronize import Lock as ProcessLock
from multiprocessing.util import Finalize
from typing import Any

Lines = list[tuple[int, str]]
# A refused line's problem, as the rejects file gives it.
Refusal = dict[str, Any]
Answers = list[tuple[int, Refusal | None]]
Setup = Callable[[], tuple[Any, Callable[[], None]]]
LoadChunk = Callable[[Any, Lines], list[Refusal | None]]
# Chunks handed out and not yet answered, per worker: bounds memory.
BACKLOG = 4

# What this worker process loads with, set once by ``_start``: the context the
# setup gave, or why there is none.
_worker: dict[str, Any] = {}


class ImportWorkerFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class _NotStarted:
    """Why this worker has no context to load with."""

    error: Exception


@dataclass(frozen=True)
class InModule:
    """A function named by its module, imported where it is called: the
    process that hands lines to workers need not import what records them."""

    module: str
    name: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


def worker_for(raw_line: str, workers: int) -> int:
    """The worker a line goes to, by its subject (lines without one go to 0)."""
    start = raw_line.find('"subject"')
    if start < 0:
        return 0
    value = raw_line[start + 9 :].lstrip(" :").split('"', 2)
    subject = "".join(value[1].split()).upper() if len(value) > 1 else ""
    return zlib.crc32(subject.encode()) % workers


def _start(setup: Setup, setting_up: ProcessLock) -> None:
    # Setting up creates the store's tables if missing; PostgreSQL refuses such
    # statements run at once by two workers ("tuple concurrently updated").
    with setting_up:
        try:
            _worker["context"], close = setup()
        except Exception as error:
            # Kept for the first chunk to raise: an initializer that raises only
            # breaks the pool, and the reason (an unreachable store, say) is lost.
            _worker["context"] = _NotStarted(error)
            return
    # Run as the worker process leaves (forked workers skip atexit handlers).
    Finalize(None, close, exitpriority=10)


def _load(load_chunk: LoadChunk, lines: Lines) -> Answers:
    context = _worker["context"]
    if isinstance(context, _NotStarted):
        raise context.error
    results = load_chunk(context, lines)
    return list(zip((number for number, _ in lines), results, strict=True))


def load_in_workers(
    chunks: Iterator[Lines],
    workers: int,
    setup: Setup,
    load_chunk: LoadChunk,
    preload: Sequence[str] = (),
) -> Iterator[Answers]:
    """Each chunk's answers, share by share in file order, as workers finish
    them; a worker's failure stops the import with its message."""
    # Workers fork from a server that imported the code once (``preload``, or
    # the setup's module), rather than each importing it anew.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload) or [setup.__module__])
    setting_up = context.Lock()
    pools = [
        ProcessPoolExecutor(
            1, mp_context=context, initializer=_start, initargs=(setup, setting_up)
        )
        for _ in range(workers)
    ]
    pending: deque[Future[Answers]] = deque()
    try:
        for chunk in chunks:
            shares: list[Lines] = [[] for _ in range(workers)]
            for line in chunk:
                shares[worker_for(line[1], workers)].append(line)
            for pool, share in zip(pools, shares, strict=True):
                if share:
                    pending.append(pool.submit(_load, load_chunk, share))
            while len(pending) > workers * BACKLOG or (pending and pending[0].done()):
                yield _answered(pending.popleft())
        while pending:
            yield _answered(pending.popleft())
    finally:
        for pool in pools:
            pool.shutdown(cancel_futures=True)


def _answered(future: Future[Answers]) -> Answers:
    try:
        return future.result()
    except BrokenProcessPool as error:
        msg = f"an import worker stopped: {error}"
        raise ImportWorkerFailed(msg) from None
    except Exception as error:
        raise ImportWorkerFailed(f"{type(error).__name__}: {error}") from None
