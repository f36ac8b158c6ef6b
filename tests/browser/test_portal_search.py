"""Finding a subject from the portal's home page, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal
from tests.factories import licence, resident_id, uscc

pytestmark = pytest.mark.browser
COMPANY = "稷山县示例商贸有限公司"
OTHER = "稷山县另一家公司"


def search(page: Page, portal: Portal, text: str) -> None:
    page.goto(portal.url + "/")
    page.get_by_role("searchbox").fill(text)
    page.get_by_role("button", name="查询 Search").click()


def test_a_company_is_found_by_part_of_its_name(page: Page, portal: Portal) -> None:
    code = uscc(1)
    portal.register(code, COMPANY)
    portal.register(uscc(2), OTHER)
    portal.settled(portal.record(code, licence("L1")))

    search(page, portal, "示例商贸")
    page.get_by_role("link", name=COMPANY).click()

    expect(page).to_have_url(f"{portal.url}/subjects/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMPANY)
    expect(page.locator("dl.facts")).to_contain_text(code)
    expect(page.locator("table")).to_contain_text("JS-XK-L1")


def test_a_company_is_found_by_its_code(page: Page, portal: Portal) -> None:
    code = uscc(3)
    portal.register(code, COMPANY)
    portal.settled(portal.register(uscc(4), OTHER))

    search(page, portal, f" {code.lower()} ")

    expect(page).to_have_url(f"{portal.url}/subjects/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMPANY)


def test_a_person_is_found_by_full_id_number_and_shown_masked(
    page: Page, portal: Portal
) -> None:
    person = resident_id(2)
    portal.settled(portal.register(person, "张三"))

    search(page, portal, person)

    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("dl.facts")).to_contain_text("110105********" + person[-4:])
    assert person not in page.content()


def test_a_person_is_not_found_by_name(page: Page, portal: Portal) -> None:
    portal.settled(portal.register(resident_id(3), "张三"))

    search(page, portal, "张三")

    expect(page.get_by_text("未找到匹配的主体")).to_be_visible()
    expect(page.get_by_role("link", name="张三")).to_have_count(0)
