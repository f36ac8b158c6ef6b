"""``audit verify`` reading the tables in pages and hashing in worker processes
finds every edit exactly as reading through the recorder in one process does.

Same stores and edits as ``test_audit_tamper`` (SQLite file and PostgreSQL):
14 events, checkpoints at 12 and 14. Pages of 3 events put the edits on page
boundaries and keep several pages in flight among the workers.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from api.cli.main import main
from application.audit_event_log import RecorderPages
from application.audit_findings import VerifyReport
from application.audit_verify import StoreVerifier
from infrastructure.audit.event_log import event_log_pages
from infrastructure.audit.signing import public_key_of_key_file, signature_check
from tests.audit_support import audited_services, record
from tests.integration.test_audit_tamper import (
    A,
    RawStore,
    rewrite_a_history,
    store,
)

__all__ = ["store"]  # the fixture, shared with test_audit_tamper

TAMPERINGS: dict[str, Callable[[RawStore], object]] = {
    "untouched": lambda s: None,
    "an event edited": lambda s: s.set_state(7, s.state(7).replace(b"Retail", b"R")),
    "an event no longer decodes": lambda s: s.set_state(8, b"\x00not json"),
    "an event deleted": lambda s: s.delete(7),
    "the newest event deleted": lambda s: s.delete(14),
    "a subject's events swapped": lambda s: s.swap(4, 7),
    "two subjects' events swapped": lambda s: s.swap(5, 6),
    "an event copied over another subject's": lambda s: s.set_state(5, s.state(4)),
    "a history rewritten": rewrite_a_history,
}


def verified(store: RawStore, *, workers: int, page_size: int | None) -> VerifyReport:
    services = audited_services(store.url, store.directory)
    try:
        recorder = services.ledger.recorder
        log = (
            RecorderPages(recorder)
            if page_size is None
            else event_log_pages(recorder, page_size)
        )
        key = public_key_of_key_file(store.directory / "checkpoint-key.pem")
        return StoreVerifier(
            services.ledger,
            services.audit.leaves,
            services.audit.checkpoints,
            signature_check(key),
            log=log,
            workers=workers,
        ).run()
    finally:
        services.close()


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_worker_processes_and_table_pages_find_the_same_problems(
    store: RawStore, tampering: str
) -> None:
    TAMPERINGS[tampering](store)

    as_before = verified(store, workers=0, page_size=None)
    paged = verified(store, workers=0, page_size=3)
    in_workers = verified(store, workers=2, page_size=3)

    assert as_before.ok == (tampering == "untouched")
    assert paged == as_before
    assert in_workers == as_before


def test_the_table_readers_give_what_the_recorder_gives(store: RawStore) -> None:
    services = audited_services(store.url, store.directory)
    try:
        recorder = services.ledger.recorder
        pages = event_log_pages(recorder, page_size=4).pages()
        first = next(pages)
        record(services.ledger, A, "L-while-reading")
        rows = [*first, *(row for page in pages for row in page)]
        notifications = recorder.select_notifications(start=1, limit=100)
    finally:
        services.close()

    assert len(first) == 4
    # Ids come as the table holds them: a UUID, or its text (hex on SQLite).
    assert [(p, UUID(str(i)), v, t, s) for p, i, v, t, s in rows] == [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in notifications
    ]
    assert rows[-1][0] == 15


def test_the_cli_names_the_same_problems_with_worker_processes(
    store: RawStore, capsys: pytest.CaptureFixture[str]
) -> None:
    TAMPERINGS["an event edited"](store)
    outputs = []
    for workers in ("0", "2"):
        capsys.readouterr()
        code = main(["audit", "verify", "--workers", workers])
        outputs.append((code, capsys.readouterr().out))

    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1
    assert "PROBLEM content altered: position 7" in outputs[0][1]
