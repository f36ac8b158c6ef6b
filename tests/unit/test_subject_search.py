"""The name search: found through the rarest pair of characters of the part,
the same answer as reading every legal person's name."""

from __future__ import annotations

import pytest

from application.commands import DetailsChange
from infrastructure.views import public_reads
from infrastructure.views.gram_backfill import backfill_grams
from infrastructure.views.name_grams import name_grams
from infrastructure.views.stores import as_dict
from projections.paging import SearchPage
from tests.factories import ambiguous_code, resident_id, uscc
from tests.view_scene import OFFICER, Scene

NAMES = (
    "稷山县华威商贸有限公司",
    "稷山县华威建筑工程有限公司",
    "运城市华威食品有限公司",
    "稷山县鑫源商贸有限公司",
    "山西鑫源100%纯净水有限公司",
    "稷山县华威商贸有限公司",  # the same name twice: ordered by code
    "Jishan Foods Co.",
    "稷山县 Foods 食品_商行",
    "稷山县TCL电器商行",
    "Jishan Mining Co.",
)
PARTS = (
    "华威",
    "华威商贸",
    "商贸有限",
    "鑫源",
    "华",
    "有限公司",
    "100%",
    "0%纯",
    "foods",
    "FOODS 食品",
    " 食品_",
    "_商",
    "威商贸有",
    "没有的名字",
    "稷山县华威商贸有限公司",
    "tcl",
    "TCL电器",
    "mining",
    "MINING CO",
    "ni",
)


@pytest.fixture
def county(scene: Scene) -> list[tuple[str, str]]:
    """Legal persons (code, name) and a natural person sharing their words."""
    subjects = [(scene.register(uscc(n), name), name) for n, name in enumerate(NAMES)]
    scene.register(resident_id(7), "王华威")
    scene.project()
    return subjects


def expected(subjects: list[tuple[str, str]], part: str, limit: int) -> list[str]:
    found = [(name, code) for code, name in subjects if part.lower() in name.lower()]
    return [code for _, code in sorted(found)][:limit]


def found(scene: Scene, part: str, limit: int = 20) -> list[str]:
    return [row.subject for row in scene.public.search_subjects(part, limit).rows]


def pages_of(scene: Scene, part: str, limit: int) -> list[SearchPage]:
    """Every page in turn, each read after the last one's key."""
    pages = [scene.public.search_subjects(part, limit)]
    while (after := pages[-1].next_key) is not None:
        assert len(pages) <= len(NAMES), "the pages never end"
        pages.append(scene.public.search_subjects(part, limit, after))
    return pages


@pytest.mark.parametrize("part", PARTS)
def test_a_part_finds_the_legal_persons_whose_name_holds_it_in_name_order(
    scene: Scene, county: list[tuple[str, str]], part: str
) -> None:
    assert found(scene, part) == expected(county, part, 20)
    assert found(scene, part, limit=1) == expected(county, part, 1)


@pytest.mark.parametrize("part", PARTS)
def test_pairs_past_the_counting_cap_find_the_same(
    scene: Scene,
    county: list[tuple[str, str]],
    part: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(public_reads, "GRAM_COUNT_CAP", 2)

    assert found(scene, part) == expected(county, part, 20)


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("limit", [1, 2])
def test_pages_of_a_part_hold_every_match_once_in_name_order(
    scene: Scene, county: list[tuple[str, str]], part: str, limit: int
) -> None:
    pages = pages_of(scene, part, limit)

    assert [row.subject for page in pages for row in page.rows] == expected(
        county, part, len(county)
    )
    assert all(len(page.rows) == limit for page in pages[:-1])


def test_a_page_holding_the_last_match_has_no_next_key(
    scene: Scene, county: list[tuple[str, str]]
) -> None:
    assert len(expected(county, "鑫源", len(county))) == 2

    assert scene.public.search_subjects("鑫源", 2).next_key is None
    assert scene.public.search_subjects("鑫源", 1).next_key is not None


def test_pairs_are_of_caseless_characters_and_latin_letters_in_lower_case() -> None:
    pairs = ["华威", "威 ", " f", "fo", "oo", "od", "ds", "s ", " 1", "1号"]
    assert name_grams("华威 Foods 1号") == pairs
    assert name_grams("华华华") == ["华华"]
    # Turkish locales lower I to ı: an i pairs with nothing.
    assert name_grams("Mining Co") == ["ng", "g ", " c", "co"]
    assert name_grams("Ärzte") == ["rz", "zt", "te"]


def test_a_natural_person_has_no_search_rows(scene: Scene) -> None:
    scene.register(resident_id(7), "王华威")
    scene.project()

    assert scene.public.snapshot()["subject_grams"] == []
    assert found(scene, "华威") == []


@pytest.mark.parametrize(
    ("kind", "is_found"), [("legal_person", True), ("natural_person", False)]
)
def test_a_code_valid_as_both_kinds_is_searched_by_name_as_registered(
    scene: Scene, kind: str, is_found: bool
) -> None:
    code = ambiguous_code()
    scene.ledger.register_subject(code, "稷山县恒泰商贸有限公司", OFFICER, kind=kind)
    scene.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "稷山县鑫源商贸有限公司"})
    )
    scene.project()

    assert found(scene, "商贸") == ([code] if is_found else [])
    assert found(scene, "恒泰") == []
    assert found(scene, "鑫源") == ([code] if is_found else [])


def test_a_renamed_subject_is_found_by_its_new_name_only(scene: Scene) -> None:
    code = scene.register(uscc(1), "稷山县华威商贸有限公司")
    scene.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "稷山县鑫源商贸有限公司"})
    )
    scene.project()

    assert found(scene, "华威") == []
    assert found(scene, "鑫源") == [code]
    assert found(scene, "稷山县") == [code]


def test_a_subject_renamed_back_is_found_once(scene: Scene) -> None:
    code = scene.register(uscc(1), "稷山县华威商贸有限公司")
    scene.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "稷山县鑫源商贸有限公司"})
    )
    scene.ledger.change_details(
        DetailsChange(code, OFFICER, {"name": "稷山县华威商贸有限公司"})
    )
    scene.project()

    assert found(scene, "华威") == [code]
    assert found(scene, "商贸") == [code]
    assert found(scene, "鑫源") == []


def test_a_view_made_before_the_search_rows_gets_them_when_opened(
    scene: Scene, county: list[tuple[str, str]]
) -> None:
    before = scene.public.snapshot()["subject_grams"]
    with scene.public.store.transaction(commit=True) as c:
        c.execute(scene.public.sql("DELETE FROM {subject_grams}"))

    scene.public.create_table()

    assert scene.public.snapshot()["subject_grams"] == before
    assert found(scene, "华威") == expected(county, "华威", 20)
    assert backfill_grams(scene.public) == 0  # already there: nothing added


def test_a_view_made_with_the_name_index_gets_the_name_and_code_one_when_opened(
    scene: Scene,
) -> None:
    views = scene.public
    with views.store.transaction(commit=True) as c:
        c.execute(views.sql("DROP INDEX {subjects}_name_code"))
        c.execute(views.sql("CREATE INDEX {subjects}_name ON {subjects} (kind, name)"))

    views.create_table()

    table = views.table_names["subjects"]
    with views.store.snapshot() as c:
        c.execute(f"SELECT name FROM sqlite_master WHERE tbl_name = '{table}'")
        indexes = {as_dict(row)["name"] for row in c.fetchall()}
    assert f"{table}_name_code" in indexes
    assert f"{table}_name" not in indexes
