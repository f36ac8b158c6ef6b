"""Lines spread over worker processes, each subject always to the same one.

One process is bound by Python's per-event work (validation, deciding, hashing,
encoding); several use several cores. A subject's lines all go to one worker, in
the order given, so its events are decided in that order: each worker is a pool
of one process, and a chunk's share for it waits its turn. ``credit-ledger
import`` streams a file through them; ``POST /v1/events:batch`` keeps them for
the life of the service.
"""

from __future__ import annotations

import gc
import importlib
import json
import multiprocessing
import os
import signal
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.synchronize import Lock as ProcessLock
from multiprocessing.util import Finalize
from typing import Any

import msgspec

from application.process_pools import PoolWatch, exit_when_orphaned
from domain.codes import normalised_code

Lines = list[tuple[int, str]]
# A refused line's problem, as the rejects file gives it.
Refusal = dict[str, Any]
Answers = list[tuple[int, Any]]
Setup = Callable[[], tuple[Any, Callable[[], None]]]
LoadLines = Callable[[Any, Lines], list[Any]]
# Chunks handed out and not yet answered, per worker: bounds an import's memory.
BACKLOG = 4
# Preloaded by the fork server so that it leaves at once when no longer needed.
FAST_EXIT = "api.fork_server_exit"

# What this worker process loads with, set once by ``_start``: the context the
# setup gave, or why there is none.
_worker: dict[str, Any] = {}


class NotText(str):
    """A line that is not UTF-8 text, shown with its bad bytes as ``\\xNN``
    escapes; it is refused, whoever is given it."""

    @classmethod
    def of(cls, line: bytes) -> NotText:
        return cls(line.decode(errors="backslashreplace"))


class LineWorkerFailed(RuntimeError):
    @classmethod
    def of(cls, error: Exception) -> LineWorkerFailed:
        """The failure as one line naming its kind, as the import reports it."""
        return cls(f"{type(error).__name__}: {error}")


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
    """The worker a line goes to, by its subject as the ledger reads it: the
    decoded value, normalised as a code is (lines without one go to 0)."""
    subject = _subject_of(raw_line)
    code = normalised_code(subject) if isinstance(subject, str) else ""
    # JSON may hold a lone surrogate ("\ud800"), which UTF-8 cannot encode; no
    # code has one, so whichever worker has its line refuses it.
    return zlib.crc32(code.encode(errors="surrogatepass")) % workers


class _LineSubject(msgspec.Struct):
    """A line's subject alone: its other fields are skipped, not built."""

    subject: Any = None


_line_subject = msgspec.json.Decoder(_LineSubject)


def _subject_of(raw_line: str) -> Any:
    """The line's "subject" as the lines' parser (api.batch_lines) decodes it:
    escapes undone, by msgspec or, for what msgspec refuses, by json."""
    if isinstance(raw_line, NotText):
        return None  # no text to read it from: the worker that has it says so
    try:
        return _line_subject.decode(raw_line).subject
    except msgspec.ValidationError:
        return None  # no JSON object
    except msgspec.DecodeError:
        pass
    except RecursionError:
        return None  # nested too deep: the worker that has it says so
    try:
        line = json.loads(raw_line)
    except (ValueError, RecursionError):
        return None
    return line.get("subject") if isinstance(line, dict) else None


@dataclass(frozen=True)
class Share:
    """A worker's share of some lines, handed to it."""

    future: Future[Answers]
    watch: PoolWatch

    def done(self) -> bool:
        return self.future.done()

    def answers(self) -> Answers:
        """Its answers, line by line, once the worker has them; raises
        ``BrokenProcessPool`` as soon as the worker died, also while it was
        sending them (the pool alone would then wait for ever)."""
        return self.watch.result(self.future)


class LineWorkers:
    """``workers`` processes, each set up once by ``setup`` in a server that
    imported ``preload`` (the setup's module if none) rather than each
    importing the code anew."""

    def __init__(self, workers: int, setup: Setup, preload: Sequence[str] = ()) -> None:
        self._context = multiprocessing.get_context("forkserver")
        preloaded = list(preload) or [setup.__module__]
        self._context.set_forkserver_preload([*preloaded, FAST_EXIT])
        # Started now, not with the first worker: the fork server imports the
        # preload (half a second) while the caller goes on with its own start.
        forkserver.ensure_running()
        self._setup = setup
        self._setting_up = self._context.Lock()
        self._pools = [self._pool() for _ in range(workers)]
        self._watches = [PoolWatch(pool) for pool in self._pools]

    @property
    def count(self) -> int:
        return len(self._pools)

    def submit(self, load: LoadLines, lines: Lines) -> list[Share]:
        """Each worker's share of the lines, handed to it, in worker order."""
        shares: list[Lines] = [[] for _ in self._pools]
        for line in lines:
            shares[worker_for(line[1], len(shares))].append(line)
        return [
            Share(pool.submit(_load, load, share), watch)
            for pool, watch, share in zip(
                self._pools, self._watches, shares, strict=True
            )
            if share
        ]

    def start(self) -> None:
        """Starts every worker and waits until each is set up; raises why one
        could not be."""
        ready = [pool.submit(_ready) for pool in self._pools]
        for watch, started in zip(self._watches, ready, strict=True):
            watch.result(started)

    def close(self, wait: bool = True, cancel: bool = True) -> None:
        """Stops the workers, cancelling what they have not started unless
        ``cancel`` is false (then they finish it first)."""
        for watch in self._watches:
            watch.shut_down(wait=wait, cancel=cancel)

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            1,
            mp_context=self._context,
            initializer=_start,
            initargs=(self._setup, self._setting_up, os.getpid()),
        )


def _start(setup: Setup, setting_up: ProcessLock, feeder: int) -> None:
    # Ctrl-C reaches every process of the terminal's job: the feeder decides
    # what it means and closes its workers, which finish the lines they have.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_when_orphaned(feeder)
    # Setting up creates the store's tables if missing, which two sessions must
    # not do at once: one worker at a time (on PostgreSQL the store's own lock,
    # infrastructure.setup_lock, also keeps other processes out).
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


def collect_rarely() -> None:
    """A worker keeps the subjects it decides on, so every collection of the
    older generations scans more of them: what start-up built is set aside and
    the young are collected in larger steps (collecting took a tenth of an
    import's time; cycles are still collected, less often)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)


def _context() -> Any:
    context = _worker["context"]
    if isinstance(context, _NotStarted):
        raise context.error
    return context


def _ready() -> None:
    _context()


def _load(load: LoadLines, lines: Lines) -> Answers:
    results = load(_context(), lines)
    return list(zip((number for number, _ in lines), results, strict=True))


def load_in_workers(
    chunks: Iterator[Lines], pool: LineWorkers, load: LoadLines
) -> Iterator[Answers]:
    """Each chunk's answers, share by share in file order, as the workers of
    ``pool`` finish them; a worker's failure stops the import with its message."""
    pending: deque[Share] = deque()
    for chunk in chunks:
        try:
            pending.extend(pool.submit(load, chunk))
        except BrokenProcessPool:
            raise _stopped() from None
        while len(pending) > pool.count * BACKLOG or (pending and pending[0].done()):
            yield _answered(pending.popleft())
    while pending:
        yield _answered(pending.popleft())


def _answered(share: Share) -> Answers:
    """A share's answers, or the failure of the worker that had it."""
    try:
        return share.answers()
    except BrokenProcessPool:
        raise _stopped() from None
    except Exception as error:
        raise LineWorkerFailed.of(error) from None


def _stopped() -> LineWorkerFailed:
    # Said the same whichever saw the death first: this process's watch, or
    # the pool, in words of its own (also from ``submit``, once it is broken).
    return LineWorkerFailed("a worker process stopped: a worker process died")
