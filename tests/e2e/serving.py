"""`credit-ledger serve` as a subprocess on an SQLite file, waited for (bounded)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.services import HOST, free_port, stop_process

CLI = str(Path(sys.executable).with_name("credit-ledger"))
STARTUP_TIMEOUT = 30.0


@dataclass
class Deployment:
    workdir: Path
    env: dict[str, str]
    url: str
    key: str
    log: Path
    server: subprocess.Popen[bytes]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args],
            cwd=self.workdir,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@contextmanager
def deployed(
    workdir: Path,
    *serve_options: str,
    department: str = "market-regulation",
    scopes: tuple[str, ...] = ("record", "review", "audit"),
    **settings: str,
) -> Iterator[Deployment]:
    """``serve`` (with these options) in ``workdir`` on its own SQLite file,
    with these ``CREDIT_LEDGER_*`` settings, and a key of the department's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")}
    env["CREDIT_LEDGER_DATABASE_URL"] = f"sqlite:///{workdir / 'ledger.sqlite3'}"
    env.update((f"CREDIT_LEDGER_{name.upper()}", v) for name, v in settings.items())
    created = subprocess.run(
        [
            *(CLI, "keys", "create", "--department", department),
            *("--actor", "wang", "--scope", *scopes),
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    port = free_port()
    url = f"http://{HOST}:{port}"
    log = workdir / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [CLI, "serve", "--host", HOST, "--port", str(port), *serve_options],
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(url, server, log)
        yield Deployment(workdir, env, url, key, log, server)
    finally:
        stop_process(server)


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
