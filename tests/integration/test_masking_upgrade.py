"""A service started on the views of an earlier release, which published text
unmasked, masks it before it serves; on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from infrastructure.views.masking_backfill import UPGRADES_BEFORE
from projections import public_projection
from projections.paging import PageQuery
from tests.factories import FixedClock, commitment, listing, penalty, resident_id, uscc
from tests.view_history import record
from tests.view_scene import OFFICER

PERSON = resident_id(9)
# The rule the release before 15-digit numbers were masked recorded.
LAST_RELEASES_RULE = (
    "identity numbers in text masked, dashes, slashes and underscores too"
)
MASKED = f"{PERSON[:6]}********{PERSON[-4:]}"
SHOP = "稷山县{}商店"


def test_an_upgraded_service_masks_what_an_earlier_one_published(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=database_url)
    earlier = build_services(settings, FixedClock())
    with monkeypatch.context() as unmasked:
        for name in ("masked_entry", "masked_value", "masked_changes"):
            unmasked.setattr(public_projection, name, lambda value: value)
        earlier.ledger.register_subject(uscc(1), SHOP.format(PERSON), OFFICER)
        said = f"当事人张三，身份证号{PERSON}"
        record(
            earlier,
            uscc(1),
            penalty("P1", facts=said),
            commitment("C1", content=said),
            listing("S1", basis=said, measures=[said]),
        )
        earlier.read_models.catch_up()
    with earlier.read_models.store.transaction(commit=True) as c:
        c.execute(earlier.read_models.public.sql("DELETE FROM {upgrades}"))
    assert PERSON in repr(earlier.read_models.public.snapshot())
    earlier.close()

    upgraded = build_services(settings, FixedClock())
    try:
        views = upgraded.read_models.public
        assert PERSON not in repr(views.snapshot())
        [row] = views.penalties(PageQuery(limit=None)).rows
        assert row.facts == f"当事人张三，身份证号{MASKED}"
        [found] = views.search_subjects("商店", 10).rows
        assert found.name == SHOP.format(MASKED)
    finally:
        upgraded.close()


def test_an_upgraded_service_masks_first_generation_numbers_an_earlier_rule_left(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "110105900517007"
    settings = Settings(database_url=database_url)
    earlier = build_services(settings, FixedClock())
    with monkeypatch.context() as unmasked:
        for name in ("masked_entry", "masked_value", "masked_changes"):
            unmasked.setattr(public_projection, name, lambda value: value)
        earlier.ledger.register_subject(uscc(1), SHOP.format(old), OFFICER)
        record(earlier, uscc(1), penalty("P1", facts=f"当事人李四，身份证号{old}"))
        earlier.read_models.catch_up()
    views = earlier.read_models.public
    with earlier.read_models.store.transaction(commit=True) as c:
        c.execute(views.sql("DELETE FROM {upgrades}"))
        for name in {*UPGRADES_BEFORE, LAST_RELEASES_RULE}:  # every earlier rule
            c.execute(
                views.sql("INSERT INTO {upgrades} (name) VALUES (%(name)s)"),
                {"name": name},
            )
    assert old in repr(views.snapshot())
    earlier.close()

    upgraded = build_services(settings, FixedClock())
    try:
        views = upgraded.read_models.public
        assert old not in repr(views.snapshot())
        [row] = views.penalties(PageQuery(limit=None)).rows
        assert row.facts == "当事人李四，身份证号110105******007"
        [found] = views.search_subjects("商店", 10).rows
        assert found.name == SHOP.format("110105******007")
    finally:
        upgraded.close()
