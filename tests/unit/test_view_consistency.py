"""Property: the views end the same whether the events are processed in one
batch, one at a time, or with a crash in the middle of a batch and a restart."""

from __future__ import annotations

import contextlib
from datetime import date
from random import Random
from typing import Any

from eventsourcing.persistence import Tracking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.commands import DetailsChange
from application.errors import ApplicationError
from domain.errors import DomainError
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.repair_views import SqlRepairHistory
from infrastructure.views.runner import ProjectionRunner
from infrastructure.views.stores import SQLiteViewStore
from infrastructure.views.tracked import SqlTrackedView
from projections.public_projection import PublicViewsProjection
from projections.repair_projection import RepairHistoryProjection
from tests.factories import (
    Body,
    breach,
    commitment,
    correction,
    fulfilment,
    information,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_grant,
    repair_rejection,
    repair_request,
    repair_revocation,
    resident_id,
    revocation,
    uscc,
)
from tests.view_scene import OFFICER, Scene

CODES = (uscc(1), uscc(2), resident_id(3))
RENAME: Body = {"type": "rename"}


def story(kind: str, n: int, ending: int) -> list[Body]:
    """One record's life: how it is made, then one of the ways it goes on."""
    endings: dict[str, list[list[Body]]] = {
        "licence": [
            [licence(f"L{n}")],
            [licence(f"L{n}", publish=False)],
            [licence(f"L{n}"), correction(f"L{n}")],
            [licence(f"L{n}"), revocation(f"L{n}")],
        ],
        "penalty": [
            [penalty(f"P{n}")],
            [penalty(f"P{n}", penalty_types=["warning"], severity="minor")],
            [penalty(f"P{n}"), correction(f"P{n}", changes=SMALLER_FINE)],
            [penalty(f"P{n}"), repair_request(f"F{n}", f"P{n}"), repair_grant(f"F{n}")],
            [
                penalty(f"P{n}"),
                repair_request(f"F{n}", f"P{n}"),
                repair_rejection(f"F{n}"),
            ],
            [penalty(f"P{n}"), revocation(f"P{n}")],
            [
                penalty(f"P{n}"),
                repair_request(f"F{n}", f"P{n}"),
                repair_grant(f"F{n}"),
                repair_revocation(f"F{n}"),
            ],
        ],
        "commitment": [
            [commitment(f"C{n}")],
            [commitment(f"C{n}"), fulfilment(f"C{n}")],
            [commitment(f"C{n}"), breach(f"C{n}")],
            [commitment(f"C{n}"), correction(f"C{n}", changes=LATER_DUE)],
        ],
        "listing": [
            [listing(f"S{n}")],
            [listing(f"S{n}"), revocation(f"S{n}")],
            [
                listing(f"S{n}", decided_on=date(2021, 1, 4), notified_on=None),
                repair_request(f"FS{n}", f"S{n}"),
                repair_grant(f"FS{n}"),
                repair_revocation(f"FS{n}"),
            ],
        ],
        "red list": [
            [red_listing(f"R{n}")],
            [red_listing(f"R{n}"), red_list_revocation(f"R{n}")],
        ],
        "information": [[information(f"I{n}")]],
        "rename": [[RENAME]],
    }
    return endings[kind][ending % len(endings[kind])]


SMALLER_FINE = {"content": "Fine of 100 yuan", "fine_amount": "100.00"}
LATER_DUE = {"due_on": "2022-12-31"}
KINDS = ("licence", "penalty", "commitment", "listing", "red list", "information")
stories = st.lists(
    st.tuples(
        st.sampled_from(range(len(CODES))),
        st.sampled_from((*KINDS, "rename")),
        st.integers(1, 2),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=12,
)


def interleave(chosen: list[tuple[int, str, int, int]], rnd: Random) -> list[Any]:
    """The stories' steps mixed, each story's steps still in order."""
    pending = [
        [(CODES[subject], body) for body in story(kind, n, ending)]
        for subject, kind, n, ending in chosen
    ]
    steps = []
    while pending:
        left = rnd.choice(pending)
        steps.append(left.pop(0))
        if not left:
            pending.remove(left)
    return steps


class Crash(Exception):
    pass


class CrashingAt:
    """The projection, failing on its n-th event (as a crash would)."""

    def __init__(self, projection: Any, n: int) -> None:
        self.projection, self.view, self.left = projection, projection.view, n

    def process_event(self, event: Any, tracking: Tracking) -> None:
        self.left -= 1
        if self.left == 0:
            raise Crash
        self.projection.process_event(event, tracking)


def record_all(scene: Scene, steps: list[Any]) -> None:
    for code in CODES:
        scene.register(code, f"subject {code[-4:]}")
    for renames, (code, body) in enumerate(steps):
        try:
            if body is RENAME:
                scene.ledger.change_details(
                    DetailsChange(code, OFFICER, {"name": f"renamed {renames}"})
                )
            else:
                scene.record(code, body)
        except (DomainError, ApplicationError):
            continue  # the aggregate refused (e.g. a record id used twice)


def fresh_views() -> tuple[SQLiteViewStore, list[SqlTrackedView]]:
    store = SQLiteViewStore.in_memory()
    views: list[SqlTrackedView] = [
        SqlPublicViews(store, "CreditLedger"),
        SqlRepairHistory(store, "CreditLedger"),
    ]
    for view in views:
        view.create_table()
    return store, views


def projections_of(views: list[SqlTrackedView]) -> list[Any]:
    return [PublicViewsProjection(views[0]), RepairHistoryProjection(views[1])]


def state(views: list[SqlTrackedView]) -> list[object]:
    return [(v.snapshot(), v.position("CreditLedger")) for v in views]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    chosen=stories,
    rnd=st.randoms(use_true_random=False),
    batch=st.integers(1, 8),
    crash_at=st.integers(1, 40),
    batch_after_restart=st.integers(1, 100),
)
def test_views_are_the_same_however_the_events_are_processed(
    chosen: list[tuple[int, str, int, int]],
    rnd: Random,
    batch: int,
    crash_at: int,
    batch_after_restart: int,
) -> None:
    scene = Scene()
    record_all(scene, interleave(chosen, rnd))
    ledger = scene.ledger
    stores = []
    try:
        store, in_one_go = fresh_views()
        stores.append(store)
        for projection in projections_of(in_one_go):
            ProjectionRunner(ledger, projection, batch_size=10_000).catch_up()

        store, one_by_one = fresh_views()
        stores.append(store)
        notifications = ledger.recorder.select_notifications(1, 10_000)
        for projection in projections_of(one_by_one):
            for n in notifications:
                event = ledger.mapper.to_domain_event(n)
                projection.process_event(event, Tracking("CreditLedger", n.id))

        store, crashed = fresh_views()
        stores.append(store)
        for projection in projections_of(crashed):
            runner = ProjectionRunner(
                ledger, CrashingAt(projection, crash_at), batch_size=batch
            )
            with contextlib.suppress(Crash):
                runner.catch_up()
        restarted: list[SqlTrackedView] = [
            SqlPublicViews(store, "CreditLedger"),
            SqlRepairHistory(store, "CreditLedger"),
        ]
        for projection in projections_of(restarted):
            ProjectionRunner(
                ledger, projection, batch_size=batch_after_restart
            ).catch_up()

        expected = state(in_one_go)
        assert state(one_by_one) == expected
        assert state(restarted) == expected
        assert expected[0][1] == ledger.head_position()
    finally:
        for store in stores:
            store.close()
        scene.close()
