"""Shared by the command-line tests."""

from __future__ import annotations

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
