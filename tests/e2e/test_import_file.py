"""``credit-ledger import`` of files as people make them: a byte-order mark,
CRLF line ends, blank lines, keys left null; and a failure mid-way."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from api.cli import import_file, import_loading
from api.cli.main import main
from application.commands import Actor
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import as_json, correction, information, uscc

CODE = uscc(1)


@pytest.fixture
def database(store_url: str) -> str:
    services = build_services(Settings())
    try:
        services.ledger.register_subject(CODE, "Import Co.", Actor("tax", "li"))
    finally:
        services.close()
    return store_url


def one_line_file(folder: Path) -> Path:
    """A file of one line, an information record of ``CODE``."""
    source = folder / "lines.ndjson"
    source.write_text(json.dumps({"subject": CODE, **as_json(information("I1"))}))
    return source


def history() -> list[str]:
    services = build_services(Settings())
    try:
        return [entry.type for entry in services.ledger.history(CODE)]
    finally:
        services.close()


def test_a_bom_crlf_blank_lines_and_null_keys_import_once_and_rerun_as_replays(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"subject": CODE, **as_json(information("I1"))},
        {"subject": CODE, "idempotency_key": None, **as_json(information("I2"))},
        # Not a new record: without its derived key it would be stored again.
        {"subject": CODE, "idempotency_key": None, **as_json(correction("I1"))},
    ]
    text = "\r\n\r\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    source = tmp_path / "lines.ndjson"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode() + b"\r\n\r\n")

    first = main(["import", str(source), "--department", "tax"])
    first_out = capsys.readouterr()
    again = main(["import", str(source), "--department", "tax"])
    again_out = capsys.readouterr()

    assert (first, again) == (0, 0), first_out.err
    assert first_out.out.splitlines()[-1] == "3 accepted, 0 rejected, 3 lines"
    assert again_out.out.splitlines()[-1] == "3 accepted, 0 rejected, 3 lines"
    assert "100%" in first_out.err
    assert "3/3" in first_out.err
    assert history() == [
        "SubjectRegistered",
        "InformationRecorded",
        "InformationRecorded",
        "RecordCorrected",
    ]


def test_a_failure_mid_import_says_to_run_it_again_with_exit_status_2(
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = one_line_file(tmp_path)

    def fails(*_: object, **__: object) -> None:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(import_loading, "load_chunk", fails)

    code = main(["import", str(source), "--department", "tax"])

    assert code == 2
    assert (
        "error: ConnectionError: the store went away; run the import again"
        in capsys.readouterr().err
    )


def test_import_file_alone_records_each_line_under_the_department_it_names(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = {"subject": CODE, "department": "tax", **as_json(information("I1"))}
    unnamed = {"subject": CODE, **as_json(information("I2"))}
    source = tmp_path / "lines.ndjson"
    source.write_text(f"{json.dumps(named)}\n{json.dumps(unnamed)}\n")
    rejects = tmp_path / "rejects.ndjson"

    code = main(["import", str(source), "--rejects", str(rejects)])

    assert code == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 accepted, 1 rejected, 2 lines"
    [reject] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert (reject["line"], reject["error"]["status"]) == (2, 422)
    assert "--department" in reject["error"]["detail"]
    assert history() == ["SubjectRegistered", "InformationRecorded"]


def test_a_line_that_is_not_utf8_is_refused_alone_and_the_others_imported(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"subject": CODE, **as_json(information(record))}).encode()
        for record in ("I1", "I2", "I3")
    ]
    lines[1] = lines[1].replace(b"I2", b"I\xff2")
    source = tmp_path / "lines.ndjson"
    source.write_bytes(b"\xef\xbb\xbf" + b"\r\n\r\n".join(lines))
    rejects = tmp_path / "rejects.ndjson"

    code = main(
        ["import", str(source), "--department", "tax", "--rejects", str(rejects)]
    )

    assert code == 1
    assert capsys.readouterr().out.splitlines()[-1] == "2 accepted, 1 rejected, 3 lines"
    [reject] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert (reject["line"], reject["error"]["status"]) == (3, 422)
    assert reject["error"]["detail"] == "not UTF-8 text"
    assert "I\\xff2" in reject["raw"]
    assert history() == [
        "SubjectRegistered",
        "InformationRecorded",
        "InformationRecorded",
    ]


def test_a_file_that_cannot_be_read_is_one_line_and_status_2(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = one_line_file(tmp_path)
    opened = Path.open

    def not_permitted(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == source:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", not_permitted)

    code = main(["import", str(source), "--department", "tax"])

    assert code == 2
    assert (
        capsys.readouterr().err == f"error: cannot read {source}: Permission denied\n"
    )
    assert history() == ["SubjectRegistered"]


@pytest.mark.parametrize(
    "rejects",
    ["missing/rejects.ndjson", ".", "lines.ndjson"],
    ids=["folder", "dir", "input"],
)
def test_a_rejects_file_that_cannot_be_written_stops_the_import_before_it_starts(
    rejects: str,
    database: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "lines.ndjson"
    text = json.dumps({"subject": CODE, **as_json(information("I1"))})
    source.write_text(text)

    code = main(
        [
            "import",
            str(source),
            "--department",
            "tax",
            "--rejects",
            str(tmp_path / rejects),
        ]
    )

    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "--rejects" in line
    assert source.read_text() == text
    assert history() == ["SubjectRegistered"]


def test_rejects_that_cannot_be_written_mid_import_stop_it_with_one_line(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "lines.ndjson"
    source.write_text(
        json.dumps({"subject": CODE, **as_json(information("I1"))}) + "\nnot json\n"
    )

    # /dev/full opens for writing, then fails every write as a full disk does.
    code = main(
        ["import", str(source), "--department", "tax", "--rejects", "/dev/full"]
    )

    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: cannot write --rejects /dev/full: No space left on device;"
        " run the import again to finish it"
    )
    assert history() == ["SubjectRegistered", "InformationRecorded"]


def test_a_file_that_fails_mid_read_stops_the_import_with_one_line(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = one_line_file(tmp_path)

    def failing_disk(path: Path, size: int) -> Any:
        yield [(1, source.read_text())]
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))

    monkeypatch.setattr(import_file, "line_chunks", failing_disk)

    code = main(["import", str(source), "--department", "tax"])

    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"error: cannot read {source}: Input/output error;"
        " run the import again to finish it"
    )
    assert history() == ["SubjectRegistered", "InformationRecorded"]
