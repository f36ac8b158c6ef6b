"""The indicators page in headless Chromium: key figures and bar charts drawn
as inline SVG (no script), each bar as long as its figure."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal
from tests.factories import licence, listing, penalty, uscc

pytestmark = pytest.mark.browser
BAR_AREA_PX = 320


def a_few_facts(portal: Portal) -> int:
    """On the clock's 2022-10-20: a licence on time, a penalty late, a listing,
    and three credit checks (two for procurement, one for an award)."""
    code = uscc(1)
    portal.register(code, "稷山县示例商贸有限公司")
    position = portal.record(code, licence("L1"), penalty("P1"), listing("S1"))
    for matter in ("procurement", "procurement", "award"):
        response = portal.http.get(f"/v1/checks/{code}", params={"matter": matter})
        assert response.status_code == 200, response.text
    read_models = portal.services.read_models
    read_models.indicators.wait(read_models.ledger.name, position, timeout=10)
    return position


def bar_widths(page: Page, chart: str) -> dict[str, float]:
    """Rendered width of each bar of a chart, by its label."""
    widths: dict[str, float] = page.locator(f"#chart-{chart} rect.bar").evaluate_all(
        "bars => Object.fromEntries(bars.map("
        "b => [b.dataset.label, b.getBoundingClientRect().width]))"
    )
    return widths


def test_the_indicators_page_draws_its_figures_as_bars(
    page: Page, portal: Portal
) -> None:
    position = a_few_facts(portal)

    page.goto(f"{portal.url}/indicators?min_position={position}")

    expect(page).to_have_title("信用状况监测指标 · 公共信用信息公示平台")
    expect(page.locator("[data-figure=double-publicity] strong")).to_have_text("50.0%")
    expect(page.locator("[data-figure=serious-share] strong")).to_have_text("100.0%")
    expect(page.locator("[data-figure=checks] strong")).to_have_text("3")
    publicity = bar_widths(page, "double-publicity")
    checks = bar_widths(page, "checks")
    scale = checks["政府采购"] / BAR_AREA_PX  # the SVG is scaled to the page
    assert publicity == pytest.approx(
        {"全部 All": 160 * scale, "market-regulation": 160 * scale}, abs=0.5
    )
    assert checks == pytest.approx(
        {"政府采购": 320 * scale, "评优评先": 160 * scale}, abs=0.5
    )
    expect(page.locator("script")).to_have_count(0)


def test_choosing_a_period_shows_its_figures(page: Page, portal: Portal) -> None:
    position = a_few_facts(portal)
    page.goto(f"{portal.url}/indicators?min_position={position}")

    page.get_by_label("起始日期").fill("2022-07-01")
    page.get_by_label("截止日期").fill("2022-09-30")
    page.get_by_role("button", name="查询").click()

    expect(page).to_have_url(f"{portal.url}/indicators?from=2022-07-01&to=2022-09-30")
    expect(page.locator("[data-figure=double-publicity] strong")).to_have_text("—")
    expect(page.locator("#chart-checks .empty")).to_have_count(1)


def test_the_portal_navigation_leads_to_the_indicators(
    page: Page, portal: Portal
) -> None:
    page.goto(f"{portal.url}/")

    page.get_by_role("link", name="监测指标").click()

    expect(page).to_have_url(f"{portal.url}/indicators")
    expect(page.get_by_role("link", name="监测指标")).to_have_attribute(
        "aria-current", "page"
    )
