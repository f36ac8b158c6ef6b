"""``credit-ledger export --output FILE`` replaces the file whole or not at all."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import fields_of, listing, uscc
from tests.view_scene import OFFICER

OLD_EXPORT = b"the export of yesterday\n"
ROOM_LEFT = 100


@pytest.fixture
def database(store_url: str) -> str:
    services = build_services(Settings())
    try:
        services.ledger.register_subject(uscc(1), "稷山县食品有限公司", OFFICER)
        body = listing("S1", term_ends_on=date(2099, 12, 31))
        services.ledger.record(
            RecordCommand(uscc(1), "Listed", fields_of(body), OFFICER)
        )
    finally:
        services.close()
    return store_url


class _FillingFile:
    """A file on a disk with ``room`` bytes left: a larger write stores what
    fits, then fails as a full disk does."""

    def __init__(self, file: Any, room: int) -> None:
        self._file = file
        self._room = room

    def write(self, data: Any) -> int:
        if len(data) > self._room:
            self._file.write(data[: self._room])
            self._file.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        written: int = self._file.write(data)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def __enter__(self) -> _FillingFile:
        return self

    def __exit__(self, *_: object) -> None:
        self._file.close()


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder whose disk has ``ROOM_LEFT`` bytes left for each file written."""
    folder = (tmp_path / "full").resolve()
    folder.mkdir()
    real_open = io.open

    def open_on_full_disk(file: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
        opened = real_open(file, mode, *args, **kw)
        name = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) else file
        if "w" in mode and Path(name).resolve().parent == folder:
            return _FillingFile(opened, ROOM_LEFT)
        return opened

    monkeypatch.setattr(io, "open", open_on_full_disk)
    return folder


def test_a_full_disk_leaves_the_old_export_as_it_was(
    database: str, full_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = full_disk / "listed.csv"
    out.write_bytes(OLD_EXPORT)

    code = main(["export", "serious-dishonesty", "--output", str(out)])

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: cannot write {out}: No space left on device\n"
    )
    assert out.read_bytes() == OLD_EXPORT
    assert os.listdir(full_disk) == ["listed.csv"]


@pytest.mark.parametrize("where", ["missing/listed.csv", "."], ids=["folder", "dir"])
def test_an_output_that_cannot_be_written_is_refused_before_the_store_is_read(
    where: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A store that cannot be opened: only an answer given before it is read
    # can be about the output.
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", "sqlite:////proc/no/store.db")
    out = tmp_path / where

    code = main(["export", "red", "--output", str(out)])

    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: cannot write {out}: ")


def test_an_export_whose_reader_stops_leaves_quietly_with_status_141(
    database: str,
) -> None:
    root = Path(__file__).resolve().parents[2]
    export = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "export", "serious-dishonesty"],
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None and export.stderr is not None
    # Closed before the command has written anything, as `| head -c0` would.
    export.stdout.close()
    stderr = export.stderr.read().decode()
    assert export.wait(timeout=60) == 141, stderr
    assert stderr == ""


# Rows enough for an export well over a pipe's 64 KiB, so a write is under way
# when the reader goes.
MANY = 800


def test_an_export_whose_reader_stops_mid_write_leaves_quietly_with_status_141(
    database: str,
) -> None:
    services = build_services(Settings())
    try:
        for serial in range(2, MANY + 1):
            services.ledger.register_subject(
                uscc(serial), "稷山县食品有限公司", OFFICER
            )
            body = listing(f"S{serial}", term_ends_on=date(2099, 12, 31))
            services.ledger.record(
                RecordCommand(uscc(serial), "Listed", fields_of(body), OFFICER)
            )
    finally:
        services.close()
    root = Path(__file__).resolve().parents[2]
    export = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "export", "serious-dishonesty"],
        # Unbuffered, as in many containers: stdout then takes a short write.
        env={**os.environ, "PYTHONPATH": str(root), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None and export.stderr is not None
    # A little read, then closed, as `| head -c 100` would.
    assert export.stdout.read(100)
    export.stdout.close()
    stderr = export.stderr.read().decode()
    assert export.wait(timeout=60) == 141, stderr
    assert stderr == ""
