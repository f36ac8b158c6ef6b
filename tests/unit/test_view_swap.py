"""The rebuild's swap: only a shadow that has caught up replaces the live view."""

from __future__ import annotations

from infrastructure.views.rebuild import rebuild, shadow_of, swap
from infrastructure.views.runner import ProjectionRunner
from projections.paging import PageQuery
from projections.public_projection import PublicViewsProjection
from tests.factories import licence, listing
from tests.view_scene import Scene


def test_a_shadow_behind_the_live_view_is_not_swapped_in(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"))
    shadow = shadow_of(scene.public)
    shadow.drop_tables()
    shadow.create_table(with_indexes=False)
    ProjectionRunner(scene.ledger, PublicViewsProjection(shadow)).catch_up()
    scene.record(code, listing("S1"))
    head = scene.project()

    assert swap(scene.public, shadow) is None
    assert scene.public.position("CreditLedger") == head
    assert len(scene.public.serious_list(PageQuery()).rows) == 1


def test_a_rebuild_takes_over_the_live_views_position(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"), listing("S1"))
    head = scene.project()
    before = scene.public.snapshot()

    position = rebuild(scene.ledger, scene.public, PublicViewsProjection)

    assert position == head
    assert scene.public.snapshot() == before


def test_the_live_runner_follows_a_swap_that_moved_its_view(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"))
    scene.project()  # the live runner now remembers where the view is
    scene.record(code, listing("S1"))
    rebuild(scene.ledger, scene.public, PublicViewsProjection)  # swaps in at head
    scene.record(code, licence("L2"))

    scene.project()

    assert [r.record_id for r in scene.public.licences(PageQuery()).rows] == [
        "L2",
        "L1",
    ]
    assert len(scene.public.serious_list(PageQuery()).rows) == 1
