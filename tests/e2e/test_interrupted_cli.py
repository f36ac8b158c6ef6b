"""Ctrl-C stops a long command with one line, exit status 130 and no
traceback, from it or its worker processes, which all leave; and running the
command again is safe, as the line says. A worker process killed mid-run, even
while it sends its answers, stops its command with one error line and status
2, and the others leave too; the workers of a command killed itself leave."""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import NoReturn

import pytest

from api.cli.main import main
from application.commands import Actor
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.audit_support import audited_services, seed
from tests.e2e.caught_writing import (
    descendants,
    started_by_its_fork_server,
    stopped_with_a_worker_writing,
    until_gone,
)
from tests.factories import as_json, penalty, uscc

ROOT = Path(__file__).resolve().parents[2]
SUBJECTS = [uscc(n) for n in range(1, 21)]
LINES = 12_000
# Enough for audit verify's workers to be busy for a second or two.
AUDITED_EVENTS = 100_000
INTERRUPTED = "interrupted; running it again is safe"
# Refused lines: enough for the import's workers to be busy for a second.
REFUSED_LINES = 100_000
# Workers whose command was killed leave within this (they look every second).
ORPHANS_LEAVE_SECONDS = 5.0
# tqdm's bar once something is done: "| 500/12000" or "| 1.0k/12.0k".
PROGRESS = re.compile(rb"\|\s*[1-9][0-9.]*k?/")


def registered_store(directory: Path) -> str:
    url = f"sqlite:///{directory / 'ledger.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
        services = build_services(Settings())
        for code in SUBJECTS:
            services.ledger.register_subject(code, "Import Co.", Actor("tax", "li"))
        services.close()
    return url


def penalty_lines(directory: Path) -> Path:
    # Decided lately, so that each is in the public list while the test runs.
    decided = date.today() - timedelta(days=30)
    path = directory / "penalties.ndjson"
    with path.open("w", encoding="utf-8") as lines:
        for n in range(LINES):
            body = penalty(f"P{n}", decided_on=decided)
            line = {"subject": SUBJECTS[n % len(SUBJECTS)], **as_json(body)}
            lines.write(json.dumps(line) + "\n")
    return path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding every line of the file, made once: its folder."""
    directory = tmp_path_factory.mktemp("seeded")
    url = registered_store(directory)
    source = penalty_lines(directory)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
        assert main(["import", str(source), "--department", "tax"]) == 0
    return directory


def interrupted(command: list[str], url: str) -> str:
    """Runs the command as a user does, and sends its whole process group
    SIGINT (as Ctrl-C does) once its progress shows that it is under way; its
    stderr once it and every process it started have left."""
    started = _run_as_a_user(command, url)
    assert started.stderr is not None
    before = _output_until_progress(started.stderr.fileno())
    os.killpg(started.pid, signal.SIGINT)
    _, after = started.communicate(timeout=120)
    assert started.returncode == 130, (before + after).decode()
    _wait_until_gone(started.pid)
    return (before + after).decode()


def _run_as_a_user(command: list[str], url: str) -> subprocess.Popen[bytes]:
    """The command in a process group of its own, as a shell starts a job."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", *command],
        env={**os.environ, "PYTHONPATH": str(ROOT), "CREDIT_LEDGER_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _output_until_progress(stderr: int, timeout: float = 120) -> bytes:
    output = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as waiting:
        waiting.register(stderr, selectors.EVENT_READ)
        while not PROGRESS.search(output):
            assert waiting.select(deadline - time.monotonic()), output.decode()
            chunk = os.read(stderr, 65536)
            assert chunk, f"it ended before any progress: {output.decode()}"
            output += chunk
    return output


def _wait_until_gone(group: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while left := list(_live_processes_of(group)):
        assert time.monotonic() < deadline, f"still running: {left}"
        time.sleep(0.1)


def _live_processes_of(group: int) -> Iterator[str]:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it left meanwhile
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            yield stat.parent.name


def assert_one_line_and_no_traceback(stderr: str) -> None:
    assert stderr.rstrip().splitlines()[-1] == INTERRUPTED
    assert stderr.count(INTERRUPTED) == 1
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


def head_position(url: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
        services = build_services(Settings())
        try:
            return services.ledger.head_position()
        finally:
            services.close()


@pytest.mark.parametrize("workers", ["1", "3"])
def test_an_interrupted_import_leaves_quietly_and_a_rerun_completes_it_once(
    workers: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = registered_store(tmp_path)
    source = penalty_lines(tmp_path)
    command = ["import", str(source), "--department", "tax", "--workers", workers]

    stderr = interrupted(command, url)

    assert_one_line_and_no_traceback(stderr)
    assert head_position(url) < len(SUBJECTS) + LINES
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    assert main(command) == 0
    assert head_position(url) == len(SUBJECTS) + LINES


def listed_penalties(capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    capsys.readouterr()
    assert main(["export", "penalties", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    return document["count"], document["position"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_interrupted_rebuild_leaves_quietly_and_the_live_views_as_they_were(
    workers: str,
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(seeded, tmp_path, dirs_exist_ok=True)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    listed = listed_penalties(capsys)
    command = ["projections", "rebuild", "--batch-size", "200", "--workers", workers]

    stderr = interrupted(command, url)

    assert_one_line_and_no_traceback(stderr)
    assert listed_penalties(capsys) == listed == (LINES, len(SUBJECTS) + LINES)
    assert main(["projections", "rebuild"]) == 0
    assert listed_penalties(capsys) == listed


def _a_worker_of(group: int, command: int) -> int:
    """A worker process of the command: in its process group, started by its
    fork server (whose parent is the command itself)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent, process_group = (
            int(stat.parent.name),
            int(fields[1]),
            int(fields[2]),
        )
        if process_group == group and parent not in (command, 1) and pid != command:
            return pid
    raise AssertionError("no worker process found")


def test_an_import_whose_worker_is_killed_stops_with_one_line_and_a_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = registered_store(tmp_path)
    source = penalty_lines(tmp_path)
    command = ["import", str(source), "--department", "tax", "--workers", "2"]
    started = _run_as_a_user(command, url)
    assert started.stderr is not None
    before = _output_until_progress(started.stderr.fileno())

    # As the kernel's out-of-memory killer would.
    os.kill(_a_worker_of(started.pid, started.pid), signal.SIGKILL)
    _, after = started.communicate(timeout=60)

    stderr = (before + after).decode()
    assert started.returncode == 2, stderr
    assert (
        stderr.rstrip().splitlines()[-1].startswith("error: a worker process stopped: ")
    )
    assert stderr.rstrip().endswith("; run the import again to finish it")
    assert "Traceback" not in stderr
    _wait_until_gone(started.pid)
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    assert main(command) == 0
    assert head_position(url) == len(SUBJECTS) + LINES


def unknown_type_lines(directory: Path) -> Path:
    """Lines of an event type there is none of, each refused with the list of
    the types there are: a worker's answers for its share of a chunk are far
    larger than a pipe holds (64 KiB)."""
    path = directory / "unknown-types.ndjson"
    with path.open("w", encoding="utf-8") as lines:
        for n in range(REFUSED_LINES):
            line = {"subject": SUBJECTS[n % len(SUBJECTS)], "type": "PenaltyDecided"}
            lines.write(json.dumps({**line, "record_id": f"P{n}"}) + "\n")
    return path


def test_an_import_whose_worker_is_killed_sending_its_answers_stops_with_one_line(
    tmp_path: Path,
) -> None:
    url = registered_store(tmp_path)
    source = unknown_type_lines(tmp_path)
    command = ["import", str(source), "--department", "tax", "--workers", "2"]
    started = _run_as_a_user(command, url)

    stderr = _stderr_once_a_worker_is_killed(
        started, partial(started_by_its_fork_server, started.pid), _the_sending_one
    )

    _ended_with_one_error(
        started,
        stderr,
        "error: a worker process stopped: a worker process died; run the import "
        "again to finish it",
    )


Choice = Callable[[int, list[int]], int]


def _the_sending_one(sending: int, _: list[int]) -> int:
    return sending


def _another_one(_: int, others: list[int]) -> int:
    return others[0]


def _stderr_once_a_worker_is_killed(
    started: subprocess.Popen[bytes], workers: Callable[[], list[int]], killed: Choice
) -> str:
    """The command's standard error to its end, once one of its ``workers``
    (chosen by ``killed`` from the one writing its answers and the others) was
    killed. The command is stopped meanwhile, so reads no answers: a worker
    killed while it is held writing them leaves them half-written."""
    assert started.stderr is not None
    output: list[bytes] = []
    try:
        sending, *others = stopped_with_a_worker_writing(
            started.pid,
            workers,
            partial(_progress_into, output, started.stderr.fileno()),
        )
        os.kill(killed(sending, others), signal.SIGKILL)
        os.kill(started.pid, signal.SIGCONT)
        _, after = started.communicate(timeout=60)
    except BaseException as error:
        _kill_everything_of(started, error)
    return (b"".join(output) + after).decode()


def _ended_with_one_error(
    started: subprocess.Popen[bytes], stderr: str, error: str
) -> None:
    assert started.returncode == 2, stderr
    assert stderr.rstrip().splitlines()[-1] == error, stderr
    assert stderr.count("error:") == 1
    assert "Traceback" not in stderr
    _wait_until_gone(started.pid)


def _progress_into(output: list[bytes], stderr: int) -> None:
    output.append(_output_until_progress(stderr))


def _kill_everything_of(
    started: subprocess.Popen[bytes], error: BaseException
) -> NoReturn:
    os.killpg(started.pid, signal.SIGKILL)
    started.wait()
    if isinstance(error, subprocess.TimeoutExpired):
        raise AssertionError("it never ended once its worker was killed") from None
    raise error


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store of many events, made once (audit verify only reads it): its URL."""
    directory = tmp_path_factory.mktemp("audited")
    url = f"sqlite:///{directory / 'ledger.sqlite3'}"
    services = audited_services(url, directory)
    try:
        seed(services.ledger, AUDITED_EVENTS)
    finally:
        services.close()
    return url


def _forked_workers(command: int) -> list[int]:
    """The worker processes the command forked itself."""
    return [pid for pid, parent in descendants(command).items() if parent == command]


@pytest.mark.parametrize(
    "killed",
    [_the_sending_one, _another_one],
    ids=["sending its result", "another worker"],
)
def test_an_audit_verify_whose_worker_is_killed_stops_with_one_line(
    audited: str, killed: Choice
) -> None:
    started = _run_as_a_user(["audit", "verify", "--workers", "2"], audited)

    # Either way the pass cannot end: a result is half-written, or missing.
    stderr = _stderr_once_a_worker_is_killed(
        started, partial(_forked_workers, started.pid), killed
    )

    _ended_with_one_error(
        started,
        stderr,
        "error: a worker process stopped before every event was checked, so the "
        "store is not verified; run audit verify again (--workers 0 checks in "
        "this one process)",
    )


def test_the_workers_of_an_audit_verify_that_is_killed_leave(audited: str) -> None:
    started = _run_as_a_user(["audit", "verify", "--workers", "2"], audited)
    assert started.stderr is not None
    try:
        _output_until_progress(started.stderr.fileno())
        workers = _forked_workers(started.pid)
        assert len(workers) == 2

        os.kill(started.pid, signal.SIGKILL)  # kill -9, as an operator may
        started.wait(timeout=15)
        left = until_gone(workers, ORPHANS_LEAVE_SECONDS)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.pid, signal.SIGKILL)  # what did not leave

    assert left == [], f"still running: {left}"
