"""No public view holds an identity number in its text; a view made before
its rows were masked is masked when it is next opened."""

from __future__ import annotations

import pytest

from application.commands import DetailsChange
from infrastructure.views.masking_backfill import (
    UPGRADE,
    UPGRADES_BEFORE,
    mask_stored_text,
)
from infrastructure.views.rebuild import rebuild
from infrastructure.views.stores import as_dict
from projections import public_projection
from projections.paging import PageQuery
from projections.public_projection import PublicViewsProjection
from tests.factories import (
    breach,
    commitment,
    correction,
    digits_only_uscc,
    licence,
    listing,
    penalty,
    resident_id,
    uscc,
)
from tests.view_scene import OFFICER, Scene

ALL = PageQuery(limit=None)
PERSON = resident_id(9)
# The rule the release before 15-digit numbers were masked recorded.
LAST_RELEASES_RULE = (
    "identity numbers in text masked, dashes, slashes and underscores too"
)
MASKED = f"{PERSON[:6]}********{PERSON[-4:]}"
SAID = f"当事人张三，身份证号{PERSON}"
SHOWN = f"当事人张三，身份证号{MASKED}"
SHOP = "稷山县{}商店"


def a_shop_with_a_person_in_every_text(scene: Scene) -> str:
    code = uscc(1)
    scene.ledger.register_subject(
        code, SHOP.format(PERSON), OFFICER, legal_representative=SAID
    )
    scene.record(
        code,
        licence("L1", licence_no=PERSON, content=SAID),
        penalty("P1", facts=SAID, basis=SAID, content=SAID),
        commitment("C1", content=SAID, matter=SAID),
        breach("C1", details=SAID),
        listing("S1", basis=SAID, measures=["barred", SAID]),
        correction("L1", changes={"content": f"更正：{SAID}"}),
    )
    scene.project()
    return code


def test_no_table_of_the_public_views_holds_the_number(scene: Scene) -> None:
    a_shop_with_a_person_in_every_text(scene)

    assert PERSON not in repr(scene.public.snapshot())


def test_every_list_shows_the_number_masked(scene: Scene) -> None:
    a_shop_with_a_person_in_every_text(scene)
    views = scene.public

    [licence_row] = views.licences(ALL).rows
    [penalty_row] = views.penalties(ALL).rows
    [commitment_row] = views.commitments(ALL).rows
    [listing_row] = views.serious_list(ALL).rows
    assert (licence_row.licence_no, licence_row.content) == (MASKED, f"更正：{SHOWN}")
    assert (penalty_row.facts, penalty_row.basis, penalty_row.content) == (SHOWN,) * 3
    assert (commitment_row.matter, commitment_row.breach_details) == (SHOWN, SHOWN)
    assert (listing_row.basis, listing_row.measures) == (SHOWN, ("barred", SHOWN))
    assert (penalty_row.name, penalty_row.legal_representative) == (
        SHOP.format(MASKED),
        SHOWN,
    )


def test_a_shop_named_with_a_number_is_found_by_name_shown_masked(
    scene: Scene,
) -> None:
    code = a_shop_with_a_person_in_every_text(scene)
    scene.ledger.change_details(
        DetailsChange(
            code,
            OFFICER,
            {"name": SHOP.format(f"{PERSON}号"), "legal_representative": SAID},
        )
    )
    scene.project()

    [found] = scene.public.search_subjects("商店", 10).rows

    assert (found.subject, found.name) == (code, SHOP.format(f"{MASKED}号"))
    assert PERSON not in repr(scene.public.snapshot())


def test_the_deciding_authoritys_code_is_shown_as_recorded(scene: Scene) -> None:
    code = scene.register()
    scene.record(code, penalty("P1", authority_code=digits_only_uscc()))
    scene.project()

    [row] = scene.public.penalties(ALL).rows

    assert row.authority_code == digits_only_uscc()


def test_a_view_filled_before_masking_is_masked_when_opened(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as unmasked:  # the projection of earlier releases
        for name in ("masked_entry", "masked_value", "masked_changes"):
            unmasked.setattr(public_projection, name, lambda value: value)
        code = a_shop_with_a_person_in_every_text(scene)
    with scene.public.store.transaction(commit=True) as c:
        c.execute(scene.public.sql("DELETE FROM {upgrades}"))
    assert PERSON in repr(scene.public.snapshot())

    scene.public.create_table()

    assert PERSON not in repr(scene.public.snapshot())
    [penalty_row] = scene.public.penalties(ALL).rows
    assert penalty_row.facts == SHOWN
    [found] = scene.public.search_subjects("商店", 10).rows
    assert (found.subject, found.name) == (code, SHOP.format(MASKED))
    assert mask_stored_text(scene.public) == 0  # done once


def test_a_view_masked_by_an_earlier_rule_is_masked_again_once(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    hyphenated = f"{PERSON[:6]}/{PERSON[6:14]}—{PERSON[14:]}"
    with monkeypatch.context() as earlier:  # the rule before slashes were masked
        for name in ("masked_entry", "masked_value", "masked_changes"):
            earlier.setattr(public_projection, name, lambda value: value)
        code = scene.register()
        scene.record(code, penalty("P1", facts=f"身份证号{hyphenated}"))
        scene.project()
    with scene.public.store.transaction(commit=True) as c:
        c.execute(scene.public.sql("DELETE FROM {upgrades}"))
        for name in UPGRADES_BEFORE:
            c.execute(
                scene.public.sql("INSERT INTO {upgrades} (name) VALUES (%(name)s)"),
                {"name": name},
            )

    scene.public.create_table()

    [row] = scene.public.penalties(ALL).rows
    assert row.facts == f"身份证号{MASKED}"
    assert mask_stored_text(scene.public) == 0


def test_first_generation_and_punctuated_numbers_left_by_an_earlier_rule_are_masked(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "110105900517007"
    said = f"当事人李四，旧证号{old}，新证号{PERSON[:6]}，{PERSON[6:14]}，{PERSON[14:]}"
    with monkeypatch.context() as earlier:  # the rule before 15-digit numbers
        for name in ("masked_entry", "masked_value", "masked_changes"):
            earlier.setattr(public_projection, name, lambda value: value)
        code = scene.register(uscc(1), SHOP.format(old))
        scene.record(code, penalty("P1", facts=said))
        scene.project()
    with scene.public.store.transaction(commit=True) as c:
        c.execute(scene.public.sql("DELETE FROM {upgrades}"))
        for name in {*UPGRADES_BEFORE, LAST_RELEASES_RULE}:
            c.execute(
                scene.public.sql("INSERT INTO {upgrades} (name) VALUES (%(name)s)"),
                {"name": name},
            )

    scene.public.create_table()

    assert old not in repr(scene.public.snapshot())
    [row] = scene.public.penalties(ALL).rows
    assert row.facts == f"当事人李四，旧证号110105******007，新证号{MASKED}"
    [found] = scene.public.search_subjects("商店", 10).rows
    assert found.name == SHOP.format("110105******007")
    assert scene.public.search_subjects("900517", 10).rows == []
    assert mask_stored_text(scene.public) == 0


def test_a_rebuilt_view_is_masked_and_is_not_masked_again(scene: Scene) -> None:
    a_shop_with_a_person_in_every_text(scene)
    before = scene.public.snapshot()

    rebuild(scene.ledger, scene.public, PublicViewsProjection)

    assert scene.public.snapshot() == before
    with scene.public.store.snapshot() as c:
        c.execute(scene.public.sql("SELECT name FROM {upgrades}"))
        assert [as_dict(r)["name"] for r in c.fetchall()] == [UPGRADE]
