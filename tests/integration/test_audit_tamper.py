"""Editing the store behind the service's back: ``audit verify`` names each edit.

Every test runs on an SQLite file and on a real PostgreSQL database, writes
straight to the eventsourcing table (SQLite ``stored_events``, position =
rowid; PostgreSQL ``creditledger_events``, position = notification_id) and runs
the CLI in-process. The history: subjects A, B, C registered at positions 1-3,
licences L0-L2 of each at 4-12 (A at 4, 7, 10), a first checkpoint at 12, then
A and B's late licences at 13 and 14 and a second checkpoint at 14.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.cli.main import main
from application.audit import AuditLog
from application.audit_errors import HashChainBroken
from domain.canonical import (
    GENESIS_HASH,
    event_document,
    event_from_document,
    event_hash,
)
from domain.subject import subject_id
from infrastructure.audit.checkpoints import CheckpointSigner
from infrastructure.audit.scheduler import CheckpointScheduler
from tests.audit_support import (
    OFFICER,
    audited_services,
    key_file_signer,
    record,
    record_history,
)
from tests.factories import uscc
from tests.raw_store import RawStore, tampered_store_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RawStore]:
    url = tampered_store_url(request, tmp_path)
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", url)
    monkeypatch.setenv(
        "CREDIT_LEDGER_SIGNING_KEY_FILE", str(tmp_path / "checkpoint-key.pem")
    )
    services = audited_services(url, tmp_path)
    try:
        a, b, _ = record_history(services.ledger, subjects=3, licences=3)
        services.audit.sign_checkpoint()
        record(services.ledger, a, "L-late")
        record(services.ledger, b, "L-late")
    finally:
        services.close()
    assert main(["audit", "checkpoint"]) == 0
    yield RawStore(request.param, url, tmp_path)


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["audit", "verify"])
    return code, capsys.readouterr().out.splitlines()


A = "91350100MA0000001P"
B = "91350100MA0000002T"
C = "91350100MA0000003X"


def test_an_untouched_store_verifies(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = verify(capsys)

    assert code == 0
    assert lines == [
        "OK: 14 events of 3 subjects; 2 signed checkpoints, the latest covering "
        "14 events"
    ]


def test_without_a_key_unchecked_signatures_are_a_note_not_a_problem(
    store: RawStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_key = store.directory / "no-key.pem"
    monkeypatch.setenv("CREDIT_LEDGER_SIGNING_KEY_FILE", str(no_key))
    capsys.readouterr()

    code = main(["audit", "verify"])

    output = capsys.readouterr()
    assert code == 0
    assert output.out.splitlines() == [
        "note: no key to check signatures with: the 2 checkpoints' signatures "
        "were not checked, their roots are compared as they stand",
        "OK: 14 events of 3 subjects; 2 checkpoints (signatures not checked), "
        "the latest covering 14 events",
    ]
    assert output.err.splitlines()[0] == (
        f"note: no key file at {no_key} and no --public-key: no checkpoint "
        "signature can be checked"
    )
    assert "warning" not in output.err


def test_without_a_key_a_rewrite_after_a_checkpoint_is_still_named(
    store: RawStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(
        "CREDIT_LEDGER_SIGNING_KEY_FILE", str(store.directory / "no-key.pem")
    )
    rewrite_a_history(store)

    code, lines = verify(capsys)

    assert code == 1
    assert not any("bad checkpoint signature" in line for line in lines)
    assert any(
        line.startswith("PROBLEM history rewritten after a checkpoint: the first 12 ")
        for line in lines
    )


def test_an_edited_event_is_named_with_the_chain_it_breaks(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_state(7, store.state(7).replace(b"Retail", b"Resale"))

    code, lines = verify(capsys)

    assert code == 1
    assert any(
        line.startswith(f"PROBLEM content altered: position 7, subject {A}, version 3")
        for line in lines
    )
    assert any(
        line.startswith(
            f"PROBLEM hash chain broken: position 10, subject {A}, version 4"
        )
        for line in lines
    )


def test_an_event_that_no_longer_decodes_is_named(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_state(8, b"\x00not json")

    code, lines = verify(capsys)

    assert code == 1
    assert (
        f"PROBLEM undecodable event: position 8, subject {B}, version 3: the stored "
        "bytes are not an event"
    ) in lines


def test_a_deleted_event_is_named_by_position_and_by_version(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.delete(7)

    code, lines = verify(capsys)

    assert code == 1
    assert any(line.startswith("PROBLEM event deleted: position 7:") for line in lines)
    assert (
        f"PROBLEM event deleted: subject {A}, version 3: version 3 is missing "
        "(expected before position 10)"
    ) in lines


def test_deleting_the_newest_event_contradicts_the_checkpoint(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.delete(14)

    code, lines = verify(capsys)

    assert code == 1
    assert any(line.startswith("PROBLEM event deleted: position 14:") for line in lines)
    assert any("signed 14 events; only 13 are there now" in line for line in lines)


def test_an_event_moved_before_the_first_position_is_named(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.execute(
        f"UPDATE {store.table} SET {store.position} = 0 WHERE {store.position} = 14"
    )

    code, lines = verify(capsys)

    assert code == 1
    assert any(
        line.startswith(
            f"PROBLEM event outside the log: position 0, subject {B}, version 5"
        )
        for line in lines
    ), lines


def test_swapped_events_of_one_subject_are_named_as_reordered(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.swap(4, 7)

    code, lines = verify(capsys)

    assert code == 1
    assert (
        f"PROBLEM events reordered: position 7, subject {A}, version 2: stored "
        "after version 3 at position 4"
    ) in lines


def test_swapped_events_of_two_subjects_are_named_at_both_positions(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.swap(5, 6)

    code, lines = verify(capsys)

    assert code == 1
    altered = [line for line in lines if line.startswith("PROBLEM content altered")]
    assert [line.split(",")[0] for line in altered] == [
        "PROBLEM content altered: position 5",
        "PROBLEM content altered: position 6",
    ]


def test_an_event_copied_over_another_subjects_is_named(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set_state(5, store.state(4))

    code, lines = verify(capsys)

    assert code == 1
    assert any(
        line.startswith(f"PROBLEM wrong subject: position 5, subject {B}, version 2")
        for line in lines
    )


def rewrite_a_history(store: RawStore) -> None:
    """Change A's version 2 and re-chain every later version: no chain breaks."""
    services = audited_services(store.url, store.directory)
    try:
        ledger = services.ledger
        originator = subject_id(A)
        positions = ledger.positions.positions_of(originator)
        forged: list[tuple[int, bytes]] = []
        previous = GENESIS_HASH
        for event in ledger.events.get(originator):
            document = {**event_document(event), "previous_hash": previous}
            if event.originator_version == 2:
                document["content"] = "Retail of nothing at all"
            rewritten = event_from_document(document)
            previous = event_hash(rewritten)
            state = ledger.mapper.to_stored_event(rewritten).state
            forged.append((positions[event.originator_version], state))
    finally:
        services.close()
    for position, state in forged:
        store.set_state(position, state)


def test_a_history_rewritten_after_a_checkpoint_is_named(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite_a_history(store)

    code, lines = verify(capsys)

    assert code == 1
    assert not any("hash chain broken" in line for line in lines)
    assert any(
        line.startswith(f"PROBLEM content altered: position 4, subject {A}, version 2")
        for line in lines
    )
    assert any(
        line.startswith("PROBLEM history rewritten after a checkpoint: the first 12 ")
        for line in lines
    )


def test_rewriting_the_audit_leaves_too_still_fails_against_the_signature(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite_a_history(store)
    services = audited_services(store.url, store.directory)
    try:
        ledger = services.ledger
        forged = {
            n.id: event_hash(ledger.mapper.to_domain_event(n))
            for n in ledger.recorder.select_notifications(start=1, limit=100)
        }
    finally:
        services.close()
    # Building services restores the guard, so drop it only now.
    store.drop_append_only_guard("audit_leaves")
    for position in (4, 7, 10, 13):
        store.execute(
            "UPDATE audit_leaves SET event_hash = ? WHERE position = ?",
            forged[position],
            position,
        )

    code, lines = verify(capsys)

    assert code == 1
    assert not any("content altered" in line for line in lines)
    assert any("PROBLEM audit leaf table altered" in line for line in lines)
    assert any("PROBLEM history rewritten after a checkpoint" in line for line in lines)


def test_an_event_damaged_before_it_was_logged_is_never_signed(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    services = audited_services(store.url, store.directory)
    try:
        record(services.ledger, A, "L-unlogged")
    finally:
        services.close()
    store.set_state(15, b"{}")
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 1
    assert "position 15 cannot be decoded" in capsys.readouterr().err
    assert store.execute("SELECT MAX(size) FROM audit_checkpoints") == [(14,)]


def record_new(store: RawStore, *codes: str) -> None:
    """Events not yet in the audit log, one per code, at positions 15, 16..."""
    services = audited_services(store.url, store.directory)
    try:
        for number, code in enumerate(codes):
            record(services.ledger, code, f"L-new{number}")
    finally:
        services.close()


def relink(store: RawStore, position: int) -> None:
    """Point the event's previous_hash elsewhere, as an edit of it would."""
    [previous] = [
        part.split(b'"')[0]
        for part in store.state(position).split(b'"previous_hash":"')[1:]
    ]
    store.set_state(position, store.state(position).replace(previous, b"1" * 64))


def logged(store: RawStore) -> tuple[int, int]:
    """How many leaves are logged, and the size the latest checkpoint signed."""
    [(leaves,)] = store.execute("SELECT COUNT(*) FROM audit_leaves")
    [(size,)] = store.execute("SELECT MAX(size) FROM audit_checkpoints")
    return leaves, size


def test_an_event_chained_to_an_edited_unlogged_one_is_never_signed(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    record_new(store, A, A)
    store.set_state(15, store.state(15).replace(b"Retail", b"Resale"))
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 1
    assert (
        f"error: hash chain broken: subject {A}, version 7 (position 16): "
        "previous_hash is not the hash of version 6 at position 15: one of the "
        "two was altered. Nothing was logged or signed"
    ) in capsys.readouterr().err
    assert logged(store) == (14, 14)


def test_an_event_not_chained_to_its_logged_predecessor_is_never_signed(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    record_new(store, B, A)
    relink(store, 16)
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 1
    assert (
        f"error: hash chain broken: subject {A}, version 6 (position 16): "
        "previous_hash is not the hash of version 5 at position 13"
    ) in capsys.readouterr().err
    assert logged(store) == (14, 14)


def test_a_first_event_not_chained_to_64_zeros_is_never_signed(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    services = audited_services(store.url, store.directory)
    try:
        services.ledger.register_subject(uscc(4), "Company 0004", OFFICER)
    finally:
        services.close()
    relink(store, 15)
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 1
    assert (
        f"error: hash chain broken: subject {uscc(4)}, version 1 (position 15): "
        "previous_hash is not 64 zeros, as a first event's must be"
    ) in capsys.readouterr().err
    assert logged(store) == (14, 14)


def test_a_broken_chain_in_a_later_batch_logs_nothing_of_the_run(
    store: RawStore,
) -> None:
    record_new(store, B, C, A)
    relink(store, 17)
    services = audited_services(store.url, store.directory)
    try:
        audit = AuditLog(
            services.ledger,
            services.audit.leaves,
            services.audit.checkpoints,
            lambda: key_file_signer(services),
            services.clock,
            batch_size=1,
        )
        with pytest.raises(HashChainBroken, match="version 6 \\(position 17\\)"):
            audit.sign_checkpoint()
    finally:
        services.close()

    assert logged(store) == (14, 14)


def test_the_served_timer_logs_a_broken_chain_signs_nothing_and_keeps_on(
    store: RawStore, caplog: pytest.LogCaptureFixture
) -> None:
    record_new(store, A)
    relink(store, 15)
    first = first_of_two_timer_refusals(store, caplog)

    assert first.getMessage().startswith(
        f"checkpoint refused: hash chain broken: subject {A}, version 6 "
        "(position 15): previous_hash is not the hash of version 5 at position 13"
    )
    assert first.exc_info is None
    assert logged(store) == (14, 14)


def alter_leaf(store: RawStore, position: int) -> None:
    """Rewrite a signed leaf in the table, as someone who drops its guard can."""
    store.drop_append_only_guard("audit_leaves")
    store.execute(
        "UPDATE audit_leaves SET event_hash = ? WHERE position = ?", "0" * 64, position
    )


def test_a_checkpoint_over_an_altered_leaf_is_refused_before_logging_the_run(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    record_new(store, A, B)
    alter_leaf(store, 4)
    capsys.readouterr()

    code = main(["audit", "checkpoint"])

    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: The stored audit leaves do not give the root signed at size 14; "
        "run `credit-ledger audit verify`"
    ]
    assert logged(store) == (14, 14)


def test_the_served_timer_logs_altered_leaves_logs_no_leaf_and_keeps_on(
    store: RawStore, caplog: pytest.LogCaptureFixture
) -> None:
    record_new(store, A)
    alter_leaf(store, 4)
    first = first_of_two_timer_refusals(store, caplog)

    assert first.getMessage() == (
        "checkpoint refused: The stored audit leaves do not give the root signed "
        "at size 14; run `credit-ledger audit verify`"
    )
    assert first.exc_info is None
    assert logged(store) == (14, 14)


def first_of_two_timer_refusals(
    store: RawStore, caplog: pytest.LogCaptureFixture
) -> logging.LogRecord:
    """The serve timer's first refusal to sign, once a second one shows that
    the timer outlived it."""
    services = audited_services(store.url, store.directory)
    scheduler = CheckpointScheduler(services.audit, interval_seconds=0.05)
    try:
        with caplog.at_level(logging.ERROR, logger="credit_ledger.audit"):
            scheduler.start()
            return wait_for_refusals(caplog, 2)[0]
    finally:
        scheduler.stop()
        services.close()


def wait_for_refusals(
    caplog: pytest.LogCaptureFixture, count: int
) -> list[logging.LogRecord]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        refusals = [r for r in caplog.records if "refused" in r.getMessage()]
        if len(refusals) >= count:
            return refusals
        time.sleep(0.05)
    pytest.fail(f"fewer than {count} refusals logged: {caplog.records}")


def test_a_forged_checkpoint_is_rejected(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.execute(
        "INSERT INTO audit_checkpoints "
        "(origin, size, root_hash, signed_at, key_id, signature) "
        "VALUES ('credit-ledger', 14, ?, '2022-10-21T00:00:00Z', ?, ?)",
        "0" * 64,
        "0" * 16,
        "A" * 86 + "==",
    )

    code, lines = verify(capsys)

    assert code == 1
    assert any(line.startswith("PROBLEM bad checkpoint signature") for line in lines)
    assert lines[-1] == (
        "FAILED: 1 problem in 14 events of 3 subjects; 2 signed checkpoints, the "
        "latest covering 14 events, and 1 checkpoint not signed by the log's key"
    )


def test_checkpoints_checked_with_another_key_are_named_none_signed_by_it(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    other = store.directory / "other-key.pem"
    other.write_bytes(CheckpointSigner.generate().public_key_pem())
    capsys.readouterr()

    code = main(["audit", "verify", "--public-key", str(other)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "PROBLEM bad checkpoint signature"
    ] * 2
    assert lines[-1] == (
        "FAILED: 2 problems in 14 events of 3 subjects; 2 checkpoints, none signed "
        "by the log's key"
    )


def drop_every_checkpoint(store: RawStore) -> None:
    if store.kind == "sqlite":
        store.execute("DROP TRIGGER audit_checkpoints_no_delete")
    else:
        store.drop_append_only_guard("audit_checkpoints")
    store.execute("DELETE FROM audit_checkpoints")


def test_leaves_left_without_any_checkpoint_are_noted(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_every_checkpoint(store)

    code, lines = verify(capsys)

    assert code == 0
    assert lines == [
        "note: no signed checkpoint: no Merkle root to check",
        "note: 14 leaves logged but no checkpoint covers them (leaves 0..13): left "
        "by a checkpoint run that stopped before signing (the next one covers "
        "them), or by deleted checkpoints, which only those published outside the "
        "store show (--checkpoint)",
        "OK: 14 events of 3 subjects; no checkpoint",
    ]


def test_a_leaf_logged_by_a_run_that_stopped_before_signing_is_noted(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    services = audited_services(store.url, store.directory)
    try:
        record(services.ledger, A, "L-unsigned")
        services.audit.catch_up()
    finally:
        services.close()

    code, lines = verify(capsys)

    assert code == 0
    assert lines[0].startswith(
        "note: 1 leaf logged but no checkpoint covers it (leaves 14..14): "
    )
    assert lines[1] == (
        "OK: 15 events of 3 subjects; 2 signed checkpoints, the latest covering "
        "14 events"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_checkpoints SET size = 1",
        "DELETE FROM audit_checkpoints",
        "UPDATE audit_leaves SET event_hash = 'x'",
        "DELETE FROM audit_leaves",
        "DELETE FROM access_log",
    ],
)
def test_audit_tables_refuse_updates_and_deletes(
    store: RawStore, statement: str
) -> None:
    store.execute(
        "INSERT INTO access_log (at, method, path, status) "
        "VALUES ('2022-10-20T03:00:00+00:00', 'GET', '/v1/audit/checkpoint', 200)"
    )
    with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
        store.execute(statement)


def test_verifying_a_store_that_is_not_there_fails_and_makes_none(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "typo" / "ledgr.sqlite3"
    monkeypatch.setenv("CREDIT_LEDGER_DATABASE_URL", f"sqlite:///{missing}")

    code = main(["audit", "verify"])

    assert code == 2
    assert f"no store at {missing}" in capsys.readouterr().err
    assert not missing.exists()


def test_a_deleted_checkpoint_hides_a_rewrite_unless_the_published_one_is_given(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    services = audited_services(store.url, store.directory)
    try:
        latest = services.audit.checkpoints.latest()
        assert latest is not None and latest.size == 14
        published = store.directory / "published-checkpoint.json"
        published.write_text(latest.to_json(), encoding="utf-8")
    finally:
        services.close()
    # Drop the newest checkpoint and the leaves only it covered, then rewrite
    # an event that only they pinned (A's last, so no chain follows it).
    for table in ("audit_checkpoints", "audit_leaves"):
        store.drop_append_only_guard(table)
        if store.kind == "sqlite":
            store.execute(f"DROP TRIGGER {table}_no_delete")
    store.execute(
        "DELETE FROM audit_checkpoints WHERE size = 14",
    )
    store.execute("DELETE FROM audit_leaves WHERE leaf_index >= 12")
    store.set_state(13, store.state(13).replace(b"Retail", b"Resale"))

    unaided, _ = verify(capsys)
    capsys.readouterr()
    code = main(["audit", "verify", "--checkpoint", str(published)])
    lines = capsys.readouterr().out.splitlines()

    assert unaided == 0
    assert code == 1
    assert any(line.startswith("PROBLEM checkpoint missing") for line in lines)
    assert any(
        line.startswith("PROBLEM history rewritten after a checkpoint")
        for line in lines
    ), lines


def test_a_published_checkpoint_that_is_not_one_is_refused(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    not_one = store.directory / "notes.json"
    not_one.write_text('{"size": 3}', encoding="utf-8")

    code = main(["audit", "verify", "--checkpoint", str(not_one)])

    assert code == 2
    assert f"{not_one}: not a checkpoint" in capsys.readouterr().err
