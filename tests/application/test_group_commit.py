"""The group committer: futures for event loops, and callers that gave up."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from application.commands import Actor, RecordCommand
from application.group_commit import GroupCommitter, Outcome
from application.ledger import CreditLedger
from application.results import CommandResult
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import fields_of, information, uscc

ACTOR = Actor(department="tax", actor="wang")


class FixedClock:
    def now(self) -> datetime:
        return datetime(2024, 6, 10, 2, 0, tzinfo=UTC)


def ledger() -> CreditLedger:
    services = build_services(Settings(database_url="memory://"), FixedClock())
    services.ledger.register_subject(uscc(1), "示例", ACTOR)
    return services.ledger


def command(record_id: str) -> RecordCommand:
    body = information(record_id)
    return RecordCommand(uscc(1), str(body["type"]), fields_of(body), ACTOR)


def test_an_event_loop_awaits_the_outcome_of_a_submitted_command() -> None:
    committer = GroupCommitter(ledger())
    try:

        async def record() -> Outcome:
            return await asyncio.wrap_future(committer.submit(command("I1")))

        # In a thread of its own: Playwright's sync API, once a browser test
        # has started it, keeps an event loop running in the main thread.
        with ThreadPoolExecutor(1) as thread:
            outcome = thread.submit(asyncio.run, record()).result(timeout=10)
    finally:
        committer.stop()

    assert isinstance(outcome, CommandResult)
    assert [e.version for e in outcome.events] == [2]


def test_a_command_whose_caller_gave_up_before_its_turn_is_not_recorded() -> None:
    the_ledger = ledger()
    started, release = threading.Event(), threading.Event()
    original = the_ledger.record_many

    def slow_record_many(commands: Any) -> Any:
        started.set()
        release.wait(5)
        return original(commands)

    the_ledger.record_many = slow_record_many  # type: ignore[method-assign]
    committer = GroupCommitter(the_ledger)
    try:
        first = committer.submit(command("I1"))
        assert started.wait(5)
        abandoned: Future[Outcome] = committer.submit(command("I2"))
        kept = committer.submit(command("I3"))
        assert abandoned.cancel()
        release.set()
        first_result = first.result(5)
        kept_result = kept.result(5)
    finally:
        committer.stop()

    assert isinstance(first_result, CommandResult)
    assert isinstance(kept_result, CommandResult)
    assert set(the_ledger.load(uscc(1)).records) == {"I1", "I3"}
