"""Waiting for a `credit-ledger serve` subprocess to answer, bounded."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT = 30.0


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Polls /healthz; fails the test with the log if serve exits or never answers."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"serve did not answer /healthz in {STARTUP_TIMEOUT}s:\n{log.read_text()}"
    )
