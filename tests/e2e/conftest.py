"""Shared by the command-line tests."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite store of the test's own, named where the commands read it."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    return url


@pytest.fixture
def made_store(store_url: str) -> str:
    """That store made (empty), as ``serve`` makes it on its first start: the
    commands that only read or look after a store refuse one not there."""
    build_services(Settings()).close()
    return store_url


@pytest.fixture
def interrupt_after() -> Iterator[threading.Event]:
    """Ctrl-C (SIGINT) to this process after a while, unless set before: a
    command that would run for ever is stopped rather than hang the suite."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    cancel = threading.Event()

    def interrupt() -> None:
        if not cancel.wait(8):
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=interrupt, daemon=True)
    thread.start()
    yield cancel
    cancel.set()
    thread.join()
    for number, handler in handlers.items():
        signal.signal(number, handler)
