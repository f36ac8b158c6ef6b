"""The group committer: futures for event loops, and callers that gave up."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from application.commands import Actor, RecordCommand
from application.group_commit import GroupCommitter, Outcome
from application.ledger import CreditLedger
from application.results import CommandResult
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import fields_of, information, uscc

ACTOR = Actor(department="tax", actor="wang")
T = TypeVar("T")


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


def in_a_loop_of_its_own(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    # In a thread of its own: Playwright's sync API, once a browser test has
    # started it, keeps an event loop running in the main thread.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result(timeout=10)


class HeldCommits:
    """A ledger whose commits wait until released, to line commands up."""

    def __init__(self) -> None:
        self.ledger = ledger()
        self.started, self.release = threading.Event(), threading.Event()
        self.commits: list[int] = []
        original = self.ledger.record_many

        def held_record_many(commands: Any, with_events: bool = True) -> Any:
            self.commits.append(len(commands))
            self.started.set()
            self.release.wait(5)
            return original(commands, with_events)

        self.ledger.record_many = held_record_many  # type: ignore[method-assign]


def test_an_event_loop_awaits_the_outcome_of_a_submitted_command() -> None:
    committer = GroupCommitter(ledger())

    async def record() -> Outcome:
        return await committer.submit_from(asyncio.get_running_loop(), command("I1"))

    try:
        outcome = in_a_loop_of_its_own(record)
    finally:
        committer.stop()

    assert isinstance(outcome, CommandResult)
    assert [e.version for e in outcome.events] == [2]


def test_the_commands_of_one_commit_are_answered_in_one_call_of_the_loop() -> None:
    held = HeldCommits()
    committer = GroupCommitter(held.ledger)
    calls: list[object] = []

    async def record() -> list[Outcome]:
        loop = asyncio.get_running_loop()
        first = committer.submit_from(loop, command("I1"))
        await asyncio.to_thread(held.started.wait, 5)
        rest = [committer.submit_from(loop, command(f"I{n}")) for n in (2, 3, 4)]
        call_soon_threadsafe = loop.call_soon_threadsafe

        def counted(callback: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == "group-commit":
                calls.append(callback)
            return call_soon_threadsafe(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign, assignment]
        held.release.set()
        return list(await asyncio.gather(first, *rest))

    try:
        outcomes = in_a_loop_of_its_own(record)
    finally:
        committer.stop()

    assert all(isinstance(o, CommandResult) for o in outcomes)
    assert held.commits == [1, 3]
    assert len(calls) == 2  # one for the first commit, one for the other three


def test_a_loop_caller_that_gave_up_before_its_turn_is_not_recorded() -> None:
    held = HeldCommits()
    committer = GroupCommitter(held.ledger)

    async def record() -> list[Outcome]:
        loop = asyncio.get_running_loop()
        first = committer.submit_from(loop, command("I1"))
        await asyncio.to_thread(held.started.wait, 5)
        abandoned = committer.submit_from(loop, command("I2"))
        kept = committer.submit_from(loop, command("I3"))
        abandoned.cancel()
        await asyncio.sleep(0)  # the cancellation's callback runs
        held.release.set()
        return [await first, await kept]

    try:
        outcomes = in_a_loop_of_its_own(record)
    finally:
        committer.stop()

    assert all(isinstance(o, CommandResult) for o in outcomes)
    assert set(held.ledger.load(uscc(1)).records) == {"I1", "I3"}


def test_a_failed_commit_raises_its_error_in_every_loop_caller() -> None:
    the_ledger = ledger()
    trouble = RuntimeError("the store went away")

    def failing_record_many(commands: Any, with_events: bool = True) -> Any:
        raise trouble

    the_ledger.record_many = failing_record_many  # type: ignore[method-assign]
    committer = GroupCommitter(the_ledger)

    async def record() -> list[BaseException | Outcome]:
        loop = asyncio.get_running_loop()
        answers = [committer.submit_from(loop, command(f"I{n}")) for n in (1, 2)]
        return list(await asyncio.gather(*answers, return_exceptions=True))

    try:
        outcomes = in_a_loop_of_its_own(record)
    finally:
        committer.stop()

    assert outcomes == [trouble, trouble]


def test_a_command_whose_caller_gave_up_before_its_turn_is_not_recorded() -> None:
    held = HeldCommits()
    committer = GroupCommitter(held.ledger)
    try:
        first = committer.submit(command("I1"))
        assert held.started.wait(5)
        abandoned: Future[Outcome] = committer.submit(command("I2"))
        kept = committer.submit(command("I3"))
        assert abandoned.cancel()
        held.release.set()
        first_result = first.result(5)
        kept_result = kept.result(5)
    finally:
        committer.stop()

    assert isinstance(first_result, CommandResult)
    assert isinstance(kept_result, CommandResult)
    assert set(held.ledger.load(uscc(1)).records) == {"I1", "I3"}
