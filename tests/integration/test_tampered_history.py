"""A subject's stored history tampered with behind the service's back: ``replay``
and the API say so, in one line or one problem, instead of a traceback, a
generic error, or an answer as if nothing had changed; a batch or an import
refuses that subject's lines alone, and the views log the damage they stop at
once, not at every try.

Every test runs on an SQLite file and on a real PostgreSQL database, writes
straight to the eventsourcing table (SQLite ``stored_events``, position =
rowid; PostgreSQL ``creditledger_events``, position = notification_id) and runs
the CLI in-process. The history: subjects A and B registered at positions 1 and
2, licences L0-L2 of each at 3-8, A's at 3, 5 and 7 (its versions 2, 3 and 4).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.cli.main import main
from api.problem_details import error_problem
from application.errors import UnreadableHistory
from domain.canonical import GENESIS_HASH
from infrastructure.bootstrap import build_services
from projections.paging import PageQuery
from tests.api.support import PROBLEM_JSON, Api, TestClient
from tests.audit_support import audited_services, audited_settings, record_history
from tests.factories import NOW, FixedClock, as_json, licence
from tests.kafka_pipeline import wait_until
from tests.raw_store import RawStore, tampered_store_url

A = "91350100MA0000001P"
B = "91350100MA0000002T"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RawStore]:
    url = tampered_store_url(request, tmp_path)
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    services = audited_services(url, tmp_path)
    try:
        assert record_history(services.ledger, subjects=2, licences=3)[0] == A
    finally:
        services.close()
    yield RawStore(request.param, url, tmp_path)


Tamper = Callable[[RawStore], None]


def deleted_version_3(store: RawStore) -> None:
    store.delete(5)


def version_3_not_json(store: RawStore) -> None:
    store.set_state(5, b"{not json")


UNREADABLE: list[Any] = [
    pytest.param(deleted_version_3, "version 3 is missing", id="deleted"),
    pytest.param(version_3_not_json, "version 3 cannot be decoded", id="not-json"),
]


def replay(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["replay", A, *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(("tamper", "reason"), UNREADABLE)
def test_replay_of_a_history_that_cannot_be_read_is_one_line_and_status_2(
    store: RawStore, tamper: Tamper, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store)

    status, out, err = replay(capsys)

    assert status == 2
    assert out == ""
    assert err == (
        f"error: the stored history of {A} cannot be read: {reason} "
        "(run credit-ledger audit verify)\n"
    )


def test_replay_as_of_a_moment_reads_the_history_too(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    deleted_version_3(store)

    status, _, err = replay(capsys, "--as-of", NOW.isoformat())

    assert status == 2
    assert "version 3 is missing" in err


def content_of_version_2(store: RawStore) -> None:
    store.edit(3, b"Retail", b"Resale")


def previous_hash_of_version_1(store: RawStore) -> None:
    store.edit(1, GENESIS_HASH.encode(), b"1" * 64)


@pytest.mark.parametrize(
    ("tamper", "version", "content"),
    [
        pytest.param(content_of_version_2, 3, "Resale", id="content"),
        pytest.param(previous_hash_of_version_1, 1, "Retail", id="first-previous-hash"),
    ],
)
def test_replay_of_an_altered_history_prints_it_warns_and_exits_1(
    store: RawStore,
    tamper: Tamper,
    version: int,
    content: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tamper(store)

    status, out, err = replay(capsys)

    assert status == 1
    assert err == (
        f"warning: the hash chain of {A} breaks at version {version}: an event was "
        "altered, removed or reordered (run credit-ledger audit verify)\n"
    )
    assert [line.split()[0] for line in out.splitlines()[:4]] == [
        "v1",
        "v2",
        "v3",
        "v4",
    ]
    assert f'"content": "{content} of prepackaged food"' in out


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_event_rewritten_as_sqlite_text_replays_as_of_a_moment(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    # SQL's replace() on the stored blob gives text, which the head of the
    # stored JSON, read for the version as of a moment, then is.
    store.execute(
        "UPDATE stored_events SET state = replace(state, 'Retail', 'Resale') "
        "WHERE rowid = 3"
    )

    status, out, err = replay(capsys, "--as-of", NOW.isoformat())

    assert status == 1
    assert "breaks at version 3" in err
    assert '"content": "Resale of prepackaged food"' in out


@contextmanager
def served(store: RawStore) -> Iterator[Api]:
    settings = audited_settings(store.url, store.directory)
    clock = FixedClock()
    services = build_services(settings, clock)
    try:
        with TestClient(create_app(settings, services=services)) as client:
            yield Api(client=client, services=services, clock=clock)
    finally:
        services.close()


READS = [
    f"/v1/subjects/{A}",
    f"/v1/subjects/{A}/history",
    f"/v1/subjects/{A}?as_of={NOW.isoformat().replace('+', '%2B')}",
]


@pytest.mark.parametrize(("tamper", "reason"), UNREADABLE)
def test_reading_a_history_that_cannot_be_read_is_a_500_naming_the_audit(
    store: RawStore,
    tamper: Tamper,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tamper(store)

    with served(store) as api, caplog.at_level(logging.ERROR):
        answers = [api.client.get(path, headers=api.key("audit")) for path in READS]

    for answer in answers:
        assert answer.status_code == 500, answer.text
        assert answer.headers["content-type"] == PROBLEM_JSON
        problem = answer.json()
        assert problem["type"].endswith("/unreadable-history")
        assert problem["title"] == "Stored history cannot be read"
        assert problem["detail"].startswith(
            f"The stored history of {A} cannot be read ({reason}): "
        )
        assert "credit-ledger audit verify" in problem["detail"]
    # The views, catching up from the start, meet the damage too and say so
    # on their own; the requests are logged once each.
    logged = [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name != "credit_ledger.projections"
    ]
    expected = (
        f"the stored history of {A} cannot be read: {reason} "
        "(run credit-ledger audit verify)"
    )
    assert [(r.name, r.getMessage(), r.exc_info) for r in logged] == [
        ("credit_ledger.api", expected, None)
    ] * len(READS)


# New licences of the damaged subject A and of B, in turns.
NEW_LICENCES = [(A, "L7"), (B, "L7"), (A, "L8"), (B, "L8")]


def ndjson_lines(records: list[tuple[str, str]]) -> str:
    return "".join(
        json.dumps({"subject": code, **as_json(licence(record_id))}) + "\n"
        for code, record_id in records
    )


@pytest.mark.parametrize(("tamper", "reason"), UNREADABLE)
def test_a_batch_refuses_only_the_lines_of_a_subject_whose_history_cannot_be_read(
    store: RawStore, tamper: Tamper, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    tamper(store)

    with served(store) as api, caplog.at_level(logging.ERROR):
        answer = api.client.post(
            "/v1/events:batch",
            content=ndjson_lines(NEW_LICENCES),
            headers={**api.clerk, "Content-Type": "application/x-ndjson"},
        )
        alone = api.post_event(A, licence("L9")).json()
        version_of_b = api.state(B)["version"]

    assert answer.status_code == 200, answer.text
    batch = answer.json()
    assert (batch["accepted"], batch["rejected"]) == (2, 2)
    results = batch["results"]
    assert [r["status"] for r in results] == [500, 201, 500, 201]
    # Each refused line says what the same request sent alone is answered.
    assert alone["type"].endswith("/unreadable-history")
    assert alone["detail"].startswith(
        f"The stored history of {A} cannot be read ({reason}): "
    )
    assert [(r["status"], r["problem"], r["detail"]) for r in results[::2]] == [
        (alone["status"], alone["type"], alone["detail"])
    ] * 2
    assert [r["event"]["version"] for r in results[1::2]] == [5, 6]
    assert version_of_b == 6
    # Logged once for the batch, as once for the request alone.
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name == "credit_ledger.api"
    ]
    assert len(logged) == 2
    assert all(f"{A} cannot be read" in message for message in logged)


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(("tamper", "reason"), UNREADABLE)
def test_an_import_rejects_only_the_lines_of_a_subject_whose_history_cannot_be_read(
    store: RawStore,
    tamper: Tamper,
    reason: str,
    workers: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tamper(store)
    source = tmp_path / "lines.ndjson"
    source.write_text(ndjson_lines(NEW_LICENCES))
    rejects = tmp_path / "rejects.ndjson"
    capsys.readouterr()

    status = main(
        [
            "import",
            str(source),
            "--department",
            "market-regulation",
            "--rejects",
            str(rejects),
            "--workers",
            workers,
        ]
    )

    out, _ = capsys.readouterr()
    assert status == 1
    assert out.splitlines()[-1] == "2 accepted, 2 rejected, 4 lines"
    problem, _ = error_problem(UnreadableHistory(A, reason))
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [
        (r["line"], r["error"]["status"], r["error"]["problem"], r["error"]["detail"])
        for r in rejected
    ] == [(number, 500, problem["type"], problem["detail"]) for number in (1, 3)]
    services = audited_services(store.url, store.directory)
    try:
        assert services.ledger.load(B).version == 6
    finally:
        services.close()


def test_the_views_log_a_damaged_event_once_then_its_repair_and_skip_nothing(
    store: RawStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    undamaged = store.state(5)
    version_3_not_json(store)
    services = audited_services(store.url, store.directory)
    ledger, read_models = services.ledger, services.read_models
    [runner] = read_models.runners
    runner.poll_interval = 0.001  # the first pause between tries; it doubles
    # Every try reads the log once before the damaged event fails it.
    select_notifications = ledger.recorder.select_notifications
    reads: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return select_notifications(*args, **kwargs)

    monkeypatch.setattr(ledger.recorder, "select_notifications", counted)
    try:
        with caplog.at_level(logging.INFO, logger="credit_ledger.projections"):
            read_models.start()
            wait_until(lambda: len(reads) >= 4, 10, "four tries of the views")
            held = {view.position(ledger.name) for view in runner.views}
            store.set_state(5, undamaged)
            wait_until(lambda: max(read_models.lag().values()) == 0, 10, "the views")
            read_models.stop()
        licences = read_models.public.licences(PageQuery()).rows
    finally:
        services.close()

    assert held == {0}  # not past the damaged event, which is not skipped
    assert ("L1", A) in {(row.record_id, row.subject) for row in licences}
    logged = [r for r in caplog.records if r.name == "credit_ledger.projections"]
    assert [(r.levelno, r.exc_info is not None) for r in logged] == [
        (logging.ERROR, True),
        (logging.WARNING, False),
    ]
    assert "failed past position 0" in logged[0].getMessage()
    assert "recovered past position 0 after" in logged[1].getMessage()
