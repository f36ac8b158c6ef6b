"""Subjects, the lists and the credit profile: each event type's effect."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from application.commands import DetailsChange
from projections.errors import PositionMoved
from projections.paging import Page, PageQuery
from projections.public_projection import PublicViewsProjection
from tests.factories import (
    commitment,
    information,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_grant,
    repair_request,
    resident_id,
    revocation,
    uscc,
)
from tests.view_scene import OFFICER, Scene

ALL = PageQuery(limit=None)


def test_a_legal_person_is_found_by_part_of_its_name(scene: Scene) -> None:
    scene.register(uscc(1), "稷山县食品有限公司")
    scene.project()

    found = scene.public.search_subjects("食品", 10).rows

    assert [(s.subject, s.name) for s in found] == [(uscc(1), "稷山县食品有限公司")]


def test_a_natural_person_is_found_only_by_full_number_and_shown_masked(
    scene: Scene,
) -> None:
    person = scene.register(resident_id(7), "张三")
    scene.project()

    assert scene.public.search_subjects("张三", 10).rows == []
    [found] = scene.public.search_subjects(person.lower(), 10).rows
    assert found.subject == "110105********" + person[-4:]


def test_a_natural_person_is_masked_on_every_list(scene: Scene) -> None:
    person = scene.register(resident_id(7), "张三")
    scene.record(person, licence(), penalty(), commitment(), listing())
    scene.project()
    views = scene.public

    shown = {
        row.subject
        for page in (
            views.licences(ALL),
            views.penalties(ALL),
            views.commitments(ALL),
            views.serious_list(ALL),
        )
        for row in page.rows
    }

    assert shown == {"110105********" + person[-4:]}


def test_a_changed_name_shows_on_the_lists(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing())
    scene.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "Jishan Foods Group"})
    )
    scene.project()

    [row] = scene.public.serious_list(ALL).rows

    assert row.name == "Jishan Foods Group"


def test_a_listed_subject_shows_basis_measures_and_term(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing("S1"))
    scene.project()

    [row] = scene.public.serious_list(ALL).rows

    assert (row.subject, row.department) == (code, "market-regulation")
    assert row.measures == ("barred from government procurement",)
    assert (row.listed_on, row.term_ends_on) == (date(2022, 10, 1), date(2025, 10, 1))
    assert row.notified_on == date(2022, 9, 15)


def test_a_delisted_subject_leaves_the_serious_list(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing("S1"), revocation("S1"))
    scene.project()

    assert scene.public.serious_list(ALL).rows == []


def test_a_repaired_listing_leaves_the_serious_list(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, listing("S1"))
    scene.clock.set(datetime(2023, 10, 2, 3, tzinfo=UTC))
    requested = date(2023, 10, 2)
    scene.record(code, repair_request("F1", "S1", requested_on=requested))
    scene.record(code, repair_grant("F1", decided_on=requested))
    scene.project()

    assert scene.public.serious_list(ALL).rows == []


def test_a_red_listed_subject_is_on_the_red_list_until_revoked(
    scene: Scene,
) -> None:
    code = scene.register()
    scene.record(code, red_listing("R1"))
    scene.project()
    [row] = scene.public.red_list(ALL).rows

    scene.record(code, red_list_revocation("R1"))
    scene.project()

    assert (row.scheme, row.valid_to) == ("a_grade_taxpayer", date(2023, 3, 31))
    assert scene.public.red_list(ALL).rows == []


def test_listing_takes_a_subject_off_the_red_list(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, red_listing("R1"), listing("S1"))
    scene.project()

    assert scene.public.red_list(ALL).rows == []
    assert len(scene.public.serious_list(ALL).rows) == 1


def test_information_is_not_published_but_the_view_moves_past_it(
    scene: Scene,
) -> None:
    code = scene.register()
    position = scene.record(code, information("I1"))
    scene.project()

    assert scene.public.position("CreditLedger") == position
    assert scene.public.credit_profile(code) is not None
    assert all(page.rows == [] for page in _every_list(scene))


def test_the_credit_profile_holds_the_facts_in_force(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1"), listing("S1"), licence("L1"), revocation("L1"))
    position = scene.project()

    profile = scene.public.credit_profile(code)

    assert profile is not None
    assert profile.position == position
    statuses = {(f.record_id, f.kind, f.status) for f in profile.records}
    assert statuses == {
        ("P1", "penalty", "active"),
        ("S1", "listing", "active"),
        ("L1", "licence", "revoked"),
    }
    assert [row.record_id for row in profile.listings] == ["S1"]


def test_subjects_due_are_those_whose_terms_have_ended(scene: Scene) -> None:
    first, second = scene.register(uscc(1)), scene.register(uscc(2))
    scene.record(first, penalty("P1"))  # published until 2023-06-15
    scene.record(second, red_listing("R1"))  # valid to 2023-03-31
    scene.project()

    assert scene.public.subjects_due(date(2023, 1, 1)) == []
    assert scene.public.subjects_due(date(2023, 4, 1)) == [second]
    assert scene.public.subjects_due(date(2023, 6, 15)) == sorted([first, second])


def test_processing_a_position_twice_is_refused(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, licence("L1"))
    position = scene.project()
    projection = PublicViewsProjection(scene.public)
    [event] = [
        scene.ledger.mapper.to_domain_event(n)
        for n in scene.ledger.recorder.select_notifications(position, 1)
    ]

    with pytest.raises(IntegrityError):
        projection.process_event(event, Tracking("CreditLedger", position))

    assert len(scene.public.licences(ALL).rows) == 1


def test_a_batch_starts_only_where_the_view_is(scene: Scene) -> None:
    scene.register()
    position = scene.project()

    with (
        pytest.raises(PositionMoved),
        scene.public.batch("CreditLedger", position - 1),
    ):
        pass


def _every_list(scene: Scene) -> list[Page[Any]]:
    views = scene.public
    return [
        views.licences(ALL),
        views.penalties(ALL),
        views.commitments(ALL),
        views.serious_list(ALL),
        views.red_list(ALL),
    ]
