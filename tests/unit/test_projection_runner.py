"""The in-process runner's thread: what is committed while it pauses after a
batch goes in one batch, and a stop does not wait out the pause."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pytest

from infrastructure.views import fan_out
from infrastructure.views.joint_batch import ViewBatch
from tests.factories import information
from tests.view_scene import Scene

WAIT_SECONDS = 10.0
SPACING_SECONDS = 0.02


def test_commits_made_while_the_runner_pauses_go_in_one_batch(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[int] = []
    write_together = fan_out.write_together

    def counted(application_name: str, batches: Sequence[ViewBatch]) -> Any:
        last = batches[0].collected.last
        written.append(0 if last is None else last.notification_id)
        return write_together(application_name, batches)

    monkeypatch.setattr(fan_out, "write_together", counted)
    [runner] = scene.read_models.runners
    runner.gather_seconds = 1.0
    code = scene.register()
    runner.start()
    try:
        first = scene.record(code, information("I0"))
        scene.public.wait(scene.ledger.name, first, timeout=WAIT_SECONDS)
        for n in range(1, 6):
            head = scene.record(code, information(f"I{n}"))
            # Time for a runner that did not pause to take each commit alone.
            time.sleep(SPACING_SECONDS)
        scene.public.wait(scene.ledger.name, head, timeout=WAIT_SECONDS)
    finally:
        runner.stop()

    # Five commits, each of which wakes the runner: one batch after the pause.
    assert written[-2:] == [first, head]
    assert head - first == 5


def test_a_stop_does_not_wait_for_the_pause_to_end(scene: Scene) -> None:
    [runner] = scene.read_models.runners
    runner.gather_seconds = 60.0
    head = scene.record(scene.register(), information("I1"))
    runner.start()
    scene.public.wait(scene.ledger.name, head, timeout=WAIT_SECONDS)

    stopping = time.monotonic()
    runner.stop()

    assert time.monotonic() - stopping < WAIT_SECONDS
