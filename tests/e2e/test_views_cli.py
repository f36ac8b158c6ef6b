"""``credit-ledger projections rebuild`` and ``credit-ledger export``."""

from __future__ import annotations

import json
import os
import signal
from datetime import date
from pathlib import Path

import pytest

from api.cli.main import main
from application.commands import RecordCommand
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from infrastructure.views import rebuild_workers
from tests.factories import fields_of, listing, resident_id, uscc
from tests.view_scene import OFFICER


@pytest.fixture
def database(store_url: str) -> str:
    services = build_services(Settings())
    for code, name in ((uscc(1), "稷山县食品有限公司"), (resident_id(2), "张三")):
        services.ledger.register_subject(code, name, OFFICER)
        # Listed until long after any day these tests run: the commands read
        # the system clock, and a listing past its term is no longer public.
        body = listing("S1", term_ends_on=date(2099, 12, 31))
        services.ledger.record(RecordCommand(code, "Listed", fields_of(body), OFFICER))
    services.close()
    return store_url


def test_export_writes_the_whole_list_as_csv_with_a_bom(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "listed.csv"

    assert (
        main(["export", "serious-dishonesty", "--format", "csv", "--output", str(out)])
        == 0
    )

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("subject,name,record_id,department")
    assert "稷山县食品有限公司" in text
    assert "110105********" + resident_id(2)[-4:] in text
    assert resident_id(2) not in text
    assert "2 rows at position 4" in capsys.readouterr().err


def test_export_masks_a_number_in_published_text(
    store_url: str, tmp_path: Path
) -> None:
    person = resident_id(2)
    services = build_services(Settings())
    services.ledger.register_subject(uscc(1), "稷山县食品有限公司", OFFICER)
    body = listing(
        "S1",
        basis=f"当事人张三，身份证号{person}",
        measures=[f"限制{person}高消费"],
        term_ends_on=date(2099, 12, 31),
    )
    services.ledger.record(RecordCommand(uscc(1), "Listed", fields_of(body), OFFICER))
    services.close()
    out = tmp_path / "listed.csv"

    assert (
        main(["export", "serious-dishonesty", "--format", "csv", "--output", str(out)])
        == 0
    )

    text = out.read_text(encoding="utf-8-sig")
    masked = "110105********" + person[-4:]
    assert f"当事人张三，身份证号{masked}" in text
    assert f"限制{masked}高消费" in text
    assert person not in text


def test_export_as_json_names_its_position(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "serious-dishonesty", "--format", "json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert (document["list"], document["count"], document["position"]) == (
        "serious-dishonesty",
        2,
        4,
    )


def test_rebuild_swaps_in_every_view_at_the_head(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projections", "rebuild"]) == 0

    out = capsys.readouterr().out
    assert "public: rebuilt and swapped in at position 4" in out
    assert "repairs: rebuilt and swapped in at position 4" in out


@pytest.mark.parametrize("arguments", [["--workers", "2"], ["repairs"]])
def test_rebuild_with_workers_or_of_one_view_swaps_in_at_the_head(
    database: str, arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projections", "rebuild", *arguments]) == 0

    assert "repairs: rebuilt and swapped in at position 4" in capsys.readouterr().out


def test_rebuild_refuses_an_unknown_view(database: str) -> None:
    with pytest.raises(SystemExit):
        main(["projections", "rebuild", "lists"])


def killed_on_start(*_: object) -> None:
    """A rebuild worker process that dies as ``kill -9`` ends it."""
    os.kill(os.getpid(), signal.SIGKILL)


def live_views() -> dict[str, object]:
    services = build_services(Settings())
    try:
        views = services.read_models.views
        return {name: view.snapshot() for name, view in views.items()}
    finally:
        services.close()


def test_a_rebuild_whose_worker_is_killed_is_one_line_and_status_2(
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = live_views()
    # Spawned, the worker imports this module to find its target.
    monkeypatch.setattr(rebuild_workers, "fill_group", killed_on_start)
    capsys.readouterr()

    status = main(["projections", "rebuild", "--workers", "2"])

    out, err = capsys.readouterr()
    assert status == 2
    assert "swapped in" not in out
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: the rebuild stopped: a worker process failed: rebuild indicators, "
        "repairs (killed by SIGKILL, exit -9); the live views are untouched, "
        "running it again is safe"
    ]
    assert "Traceback" not in err
    assert live_views() == before
