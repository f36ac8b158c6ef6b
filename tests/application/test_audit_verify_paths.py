"""The verifier's ways through the store agree: hashing here or in worker
processes, pages read ahead or not, large pages or small."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from uuid import UUID

import pytest

from application.audit_errors import VerifyStopped
from application.audit_event_log import LogRow, RecorderPages
from application.audit_hashing import Facts, PageHasher
from application.audit_read_ahead import prefetched
from application.audit_verify import StoreVerifier
from application.audit_workers import hashed_pages
from application.stored_events import decoded
from infrastructure.audit.signing import signature_check
from infrastructure.bootstrap import Services
from tests.audit_support import audited_services, record, record_history


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    services = audited_services("memory://", tmp_path)
    yield services
    services.close()


def rows_of(services: Services, page_size: int = 1000) -> list[LogRow]:
    log = RecorderPages(services.ledger.recorder, page_size)
    return [row for page in log.pages() for row in page]


def test_a_page_is_hashed_as_the_audit_log_hashes_each_event(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=2, licences=2)
    ledger = services.ledger
    notifications = ledger.recorder.select_notifications(start=1, limit=100)
    rows = rows_of(services)

    facts = PageHasher(ledger.mapper)(rows)

    expected = []
    for n in notifications:
        found = decoded(ledger, n)
        assert found is not None
        event, digest = found
        expected.append((event.subject_code, event.previous_hash, digest))
    assert facts == expected


def test_ids_as_text_are_hashed_like_ids_as_uuids(services: Services) -> None:
    record_history(services.ledger, subjects=2, licences=1)
    rows = rows_of(services)
    as_text = [(p, str(oid), v, t, s) for p, oid, v, t, s in rows]
    # SQLite keeps an id as 32 hex digits.
    as_hex = [(p, UUID(str(oid)).hex, v, t, s) for p, oid, v, t, s in rows]
    hasher = PageHasher(services.ledger.mapper)

    assert hasher(as_text) == hasher(as_hex) == hasher(rows)


@pytest.mark.parametrize(
    ("topic", "state"),
    [
        (None, b"\x00not json"),
        (None, b"{}"),
        (None, b"[1, 2]"),
        ("domain.subject:NoSuchEvent", None),
        ("builtins:dict", None),
    ],
)
def test_bytes_that_are_no_event_have_no_facts(
    services: Services, topic: str | None, state: bytes | None
) -> None:
    record_history(services.ledger, subjects=1, licences=1)
    position, oid, version, stored_topic, stored_state = rows_of(services)[1]
    damaged = (position, oid, version, topic or stored_topic, state or stored_state)

    assert PageHasher(services.ledger.mapper)([damaged]) == [None]


def test_worker_processes_hash_every_page_in_order(services: Services) -> None:
    record_history(services.ledger, subjects=3, licences=6)
    pages = list(RecorderPages(services.ledger.recorder, 2).pages())
    hasher = PageHasher(services.ledger.mapper)

    here = list(hashed_pages(iter(pages), hasher, workers=0))
    there = list(hashed_pages(iter(pages), hasher, workers=2))

    assert len(pages) == 11
    assert there == here
    assert [page for page, _ in there] == pages


def test_worker_processes_verify_as_this_process_does(services: Services) -> None:
    a, _, _ = record_history(services.ledger, subjects=3, licences=4)
    services.audit.sign_checkpoint()
    record(services.ledger, a, "L-late")
    audit = services.audit
    check = signature_check(audit.public_key_pem())

    def verify(workers: int, page_size: int) -> object:
        log = RecorderPages(services.ledger.recorder, page_size)
        return StoreVerifier(
            services.ledger,
            audit.leaves,
            audit.checkpoints,
            check,
            log=log,
            workers=workers,
        ).run()

    alone = verify(workers=0, page_size=1000)
    assert verify(workers=2, page_size=2) == alone
    assert verify(workers=0, page_size=3) == alone


class DyingHasher(PageHasher):
    def __call__(self, page: Sequence[LogRow]) -> list[Facts]:
        os._exit(1)


def test_a_worker_that_dies_fails_the_pass_instead_of_hanging(
    services: Services,
) -> None:
    record_history(services.ledger, subjects=1, licences=1)
    pages = RecorderPages(services.ledger.recorder).pages()

    with pytest.raises(VerifyStopped, match="a worker process stopped"):
        list(hashed_pages(pages, DyingHasher(services.ledger.mapper), workers=2))


def pages_of(count: int) -> Iterator[Sequence[LogRow]]:
    for n in range(count):
        yield [(n, "id", 1, "topic", b"")]


def test_pages_read_ahead_arrive_in_order() -> None:
    assert list(prefetched(pages_of(50), depth=3)) == list(pages_of(50))


def test_an_error_while_reading_ahead_reaches_the_reader() -> None:
    def failing() -> Iterator[Sequence[LogRow]]:
        yield from pages_of(2)
        raise ConnectionError("database gone")

    read = prefetched(failing(), depth=1)

    assert len([next(read), next(read)]) == 2
    with pytest.raises(ConnectionError, match="database gone"):
        next(read)


def test_a_reader_that_stops_early_stops_the_reading_thread() -> None:
    before = threading.active_count()
    read = prefetched(pages_of(1000), depth=2)
    next(read)

    read.close()

    assert threading.active_count() == before
