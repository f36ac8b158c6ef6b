"""``credit-ledger import`` of files as people make them: a byte-order mark,
CRLF line ends, blank lines, keys left null; and a failure mid-way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import import_loading
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
    source = tmp_path / "lines.ndjson"
    source.write_text(json.dumps({"subject": CODE, **as_json(information("I1"))}))

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
