"""`credit-ledger import --workers N`: several processes, each subject in one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from api.cli import import_file
from api.cli.main import main
from api.line_workers import (
    FAST_EXIT,
    Lines,
    LineWorkerFailed,
    LineWorkers,
    Refusal,
    load_in_workers,
    worker_for,
)
from application.commands import Actor
from application.cores import usable_cores
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import as_json, commitment, fulfilment, information, uscc

SUBJECTS = [uscc(n) for n in range(1, 7)]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    # Worker processes inherit the environment, so they open the same store.
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    services = build_services(Settings())
    for code in SUBJECTS:
        services.ledger.register_subject(code, "Import Co.", Actor("tax", "li"))
    services.close()
    return url


def source_file(tmp_path: Path) -> Path:
    """Per subject a commitment, its fulfilment (which needs it first) and two
    information records, interleaved across subjects, plus one bad line."""
    lines = []
    for step in range(4):
        for n, code in enumerate(SUBJECTS):
            body = [
                commitment(f"C{n}"),
                information(f"I{n}a"),
                fulfilment(f"C{n}"),
                information(f"I{n}b"),
            ][step]
            lines.append({"subject": code, **as_json(body)})
    lines.insert(7, {"subject": SUBJECTS[0], "type": "InformationRecorded"})
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def test_workers_keep_each_subjects_order_and_a_rerun_duplicates_nothing(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = source_file(tmp_path)
    rejects = tmp_path / "rejects.ndjson"
    command = ["import", str(source), "--department", "tax", "--workers", "2"]

    first = main([*command, "--rejects", str(rejects)])
    first_summary = capsys.readouterr().out.strip().splitlines()[-1]
    again = main(command)
    again_summary = capsys.readouterr().out.strip().splitlines()[-1]

    assert (first, again) == (1, 1)
    assert first_summary == again_summary == "24 accepted, 1 rejected, 25 lines"
    [rejected] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert rejected["line"] == 8
    assert json.loads(rejected["raw"]) == {
        "subject": SUBJECTS[0],
        "type": "InformationRecorded",
    }
    services = build_services(Settings(database_url=database))
    try:
        for n, code in enumerate(SUBJECTS):
            history = services.ledger.history(code)
            assert [e.type for e in history[1:]] == [
                "CommitmentMade",
                "InformationRecorded",
                "CommitmentFulfilled",
                "InformationRecorded",
            ]
            assert services.ledger.load(code).records[f"C{n}"].status == "fulfilled"
    finally:
        services.close()


def test_a_line_that_is_not_utf8_is_refused_by_the_worker_given_it(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "events.ndjson"
    lines = [
        json.dumps({"subject": code, **as_json(information("I1"))}).encode()
        for code in SUBJECTS[:2]
    ]
    source.write_bytes(b"\n".join([lines[0], lines[1].replace(b"I1", b"I\xff")]))
    rejects = tmp_path / "rejects.ndjson"
    command = ["import", str(source), "--department", "tax", "--workers", "2"]

    code = main([*command, "--rejects", str(rejects)])

    assert code == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 accepted, 1 rejected, 2 lines"
    [rejected] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert (rejected["line"], rejected["error"]["detail"]) == (2, "not UTF-8 text")


def test_a_subject_goes_to_the_same_worker_however_its_code_is_written() -> None:
    code = SUBJECTS[2]
    spaced = json.dumps({"type": "X", "subject": f" {code[:6].lower()} {code[6:]}"})

    assert worker_for(json.dumps({"subject": code}), 3) == worker_for(spaced, 3)
    assert {worker_for(json.dumps({"subject": c}), 3) for c in SUBJECTS} != {0}
    assert worker_for('{"type": "InformationRecorded"}', 3) == 0


def test_workers_must_be_a_positive_number(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = source_file(tmp_path)
    with pytest.raises(SystemExit):
        main(["import", str(source), "--department", "tax", "--workers", "0"])
    assert "not a positive whole number" in capsys.readouterr().err


def unusable_store() -> tuple[object, Callable[[], None]]:
    raise RuntimeError("no store here")


def nothing_loaded(context: object, lines: Lines) -> list[Refusal | None]:
    return []


def no_store() -> tuple[object, Callable[[], None]]:
    return object(), lambda: None


def in_fork_server(context: object, lines: Lines) -> list[bool]:
    # Looked up, not imported: this module may be what the fork server
    # preloaded, and importing the quick exit from it would not register it.
    preloaded = sys.modules.get(FAST_EXIT)
    return [getattr(preloaded, "IN_FORK_SERVER", False) for _ in lines]


def test_only_the_fork_server_leaves_without_tearing_down() -> None:
    from api import fork_server_exit

    pool = LineWorkers(2, no_store, ["api.line_workers"])
    try:
        [answers] = list(load_in_workers(iter([[(1, "{}")]]), pool, in_fork_server))
    finally:
        pool.close()
    # Inherited from the fork server, which registered its quick exit.
    assert answers == [(1, True)]
    assert not fork_server_exit.IN_FORK_SERVER
    elsewhere = subprocess.run(
        [sys.executable, "-c", "import api.fork_server_exit, sys; sys.exit(3)"],
        check=False,
    )
    assert elsewhere.returncode == 3


def worker_pids(context: object, lines: Lines) -> list[int]:
    return [os.getpid() for _ in lines]


def written_three_ways(code: str) -> list[str]:
    escaped = "".join(f"\\u{ord(char):04x}" for char in code)
    return [
        json.dumps({"subject": code}),
        json.dumps({"subject": code + "\t"}),
        f'{{"subject": "{escaped}"}}',
    ]


def test_one_subject_s_lines_go_to_one_worker_however_its_json_writes_it() -> None:
    lines = [line for code in SUBJECTS for line in written_three_ways(code)]

    pool = LineWorkers(2, no_store, ["api.line_workers"])
    try:
        answers = list(
            load_in_workers(iter([list(enumerate(lines))]), pool, worker_pids)
        )
    finally:
        pool.close()

    pid_of_line = dict(answer for share in answers for answer in share)
    pids_of_subject = [
        {pid_of_line[n] for n in range(start, start + 3)}
        for start in range(0, len(lines), 3)
    ]
    assert [len(pids) for pids in pids_of_subject] == [1] * len(SUBJECTS)
    assert len(set.union(*pids_of_subject)) == 2


def test_a_worker_that_cannot_start_fails_the_import_saying_why() -> None:
    chunks = iter([[(1, json.dumps({"subject": code})) for code in SUBJECTS]])

    pool = LineWorkers(2, unusable_store)
    try:
        with pytest.raises(LineWorkerFailed, match="RuntimeError: no store here"):
            list(load_in_workers(chunks, pool, nothing_loaded))
    finally:
        pool.close()


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(
    ("store", "reason"),
    [
        ("{blocked}/x.sqlite3", "cannot make the store's folder"),
        ("/proc/x.sqlite3", "unable to open database file"),
    ],
    ids=["folder", "file"],
)
def test_an_import_into_a_store_that_cannot_open_says_so_and_records_nothing(
    workers: str,
    store: str,
    reason: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = source_file(tmp_path)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    url = f"sqlite:///{store.format(blocked=blocked)}"
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)

    code = main(["import", str(source), "--department", "tax", "--workers", workers])

    [error] = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert error.startswith("error: the store failed: ")
    assert reason in error
    # Nothing was recorded: running it again would not finish anything.
    assert "run the import again" not in error


def test_without_workers_given_a_large_file_uses_one_per_core_and_one_more(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = source_file(tmp_path)
    command = ["import", str(source), "--department", "tax"]

    monkeypatch.setattr(import_file, "MIN_LINES_FOR_WORKERS", 26)
    small = main(command)
    small_err = capsys.readouterr().err
    monkeypatch.setattr(import_file, "MIN_LINES_FOR_WORKERS", 25)
    large = main(command)
    large_err = capsys.readouterr().err

    assert (small, large) == (1, 1)
    assert "importing 25 lines with this process" in small_err
    assert f"importing 25 lines with {usable_cores() + 1} worker processes" in large_err


def test_workers_record_where_the_command_runs_with_its_settings(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each import runs in its own directory on the default store (./var/...),
    # in this one process: the workers' server started under the first.
    monkeypatch.delenv("CREDIT_LEDGER_DATABASE_URL", raising=False)
    for name in ("first", "second"):
        here = tmp_path / name
        here.mkdir()
        monkeypatch.chdir(here)
        services = build_services(Settings())
        for code in SUBJECTS:
            services.ledger.register_subject(code, "Import Co.", Actor("tax", "li"))
        services.close()

        source = source_file(here)
        main(["import", str(source), "--department", "tax", "--workers", "2"])

        summary = capsys.readouterr().out.strip().splitlines()[-1]
        assert summary == "24 accepted, 1 rejected, 25 lines"
        services = build_services(Settings())
        try:
            assert len(services.ledger.history(SUBJECTS[0])) == 5
        finally:
            services.close()
