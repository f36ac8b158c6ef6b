"""Paging through a public list and watching a delisting, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal
from tests.factories import licence, listing, resident_id, revocation, uscc

pytestmark = pytest.mark.browser
PAGE_SIZE = 20


def decision_numbers(page: Page) -> list[str]:
    cells = page.locator("table tbody tr td:nth-child(4)")
    return [text.split()[0] for text in cells.all_inner_texts()]


def test_paging_walks_a_list_longer_than_a_page_without_repeats(
    page: Page, portal: Portal
) -> None:
    code = uscc(1)
    portal.register(code, "稷山县示例商贸有限公司")
    bodies = [licence(f"L{n:02d}") for n in range(1, PAGE_SIZE + 6)]
    portal.settled(portal.record(code, *bodies))

    page.goto(portal.url + "/publicity/licences")
    expect(page.locator("table tbody tr")).to_have_count(PAGE_SIZE)
    first = decision_numbers(page)
    page.get_by_role("link", name="下一页").click()
    expect(page.locator("table tbody tr")).to_have_count(5)
    second = decision_numbers(page)

    expected = [f"JS-XK-L{n:02d}" for n in range(PAGE_SIZE + 5, 0, -1)]
    assert first + second == expected
    expect(page.get_by_role("link", name="下一页")).to_have_count(0)
    page.get_by_role("link", name="第一页").click()
    assert decision_numbers(page) == first


def test_a_delisted_subject_leaves_the_serious_dishonesty_page(
    page: Page, portal: Portal
) -> None:
    company, person = uscc(1), resident_id(7)
    portal.register(company, "稷山县失信示例公司")
    portal.register(person, "李四")
    portal.record(person, listing("S2"))
    listed = portal.record(company, listing("S1"))
    list_url = portal.url + "/lists/serious-dishonesty"

    page.goto(f"{list_url}?min_position={listed}")
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="稷山县失信示例公司")).to_have_count(1)
    delisted = portal.record(company, revocation("S1"))
    page.goto(f"{list_url}?min_position={delisted}")

    expect(rows.filter(has_text="稷山县失信示例公司")).to_have_count(0)
    expect(rows.filter(has_text="李四")).to_have_count(1)


def test_a_listed_person_is_shown_masked_and_not_linked(
    page: Page, portal: Portal
) -> None:
    person = resident_id(7)
    portal.register(person, "李四")
    listed = portal.record(person, listing("S2"))

    page.goto(f"{portal.url}/lists/serious-dishonesty?min_position={listed}")

    row = page.locator("table tbody tr").filter(has_text="李四")
    expect(row).to_contain_text("110105********" + person[-4:])
    expect(row.get_by_role("link", name="李四")).to_have_count(0)
    assert person not in page.content()
