"""The indicators as horizontal bar charts (inline SVG, no script): each bar's
width is its figure against the chart's scale (1 for shares, the largest
figure for counts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from application.indicator_results import ColumnTimeliness, Indicators

BAR_AREA_PX = 320
EXIT_REASONS = {"expired": "期满退出", "repaired": "信用修复", "revoked": "撤销"}
MATTERS = {
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "inspection": "监督检查",
    "subsidy": "财政补贴",
    "procurement": "政府采购",
    "tendering": "招标投标",
    "land_sale": "土地出让",
    "research_funding": "科研项目",
    "civil_service_hiring": "公务员录用",
    "award": "评优评先",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    width: float


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: tuple[Bar, ...]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def share_chart(
    key: str, title: str, shares: Iterable[tuple[str, float | None]]
) -> Chart:
    bars = tuple(
        Bar(label, value or 0.0, percent(value), round((value or 0.0) * BAR_AREA_PX, 1))
        for label, value in shares
    )
    return Chart(key, title, bars)


def count_chart(key: str, title: str, counts: Iterable[tuple[str, int]]) -> Chart:
    pairs = list(counts)
    scale = max((n for _, n in pairs), default=0) or 1
    bars = tuple(
        Bar(label, n, str(n), round(n / scale * BAR_AREA_PX, 1)) for label, n in pairs
    )
    return Chart(key, title, bars)


def _timeliness(column: ColumnTimeliness) -> list[tuple[str, float | None]]:
    if not column.published:
        return []
    rows = [("全部 All", column.on_time_share)]
    return rows + [(d.department, d.on_time_share) for d in column.by_department]


def charts_of(indicators: Indicators) -> list[Chart]:
    serious = indicators.serious_list
    repairs = indicators.repairs
    return [
        share_chart(
            "double-publicity",
            "双公示按时公示率（按部门） On-time 双公示 by department",
            _timeliness(indicators.double_publicity),
        ),
        share_chart(
            "commitment-publicity",
            "信用承诺按时公示率（按部门） On-time commitment publicity",
            _timeliness(indicators.commitment_publicity),
        ),
        count_chart(
            "serious-exits",
            "严重失信主体名单退出（按原因） Serious-list exits by reason",
            [(EXIT_REASONS[r], n) for r, n in serious.exits_by_reason.items()],
        ),
        count_chart(
            "repairs",
            "信用修复 Credit repairs",
            [
                ("申请 requested", repairs.requested),
                ("准予 granted", repairs.granted),
                ("不予 rejected", repairs.rejected),
                ("逾期未决 overdue", repairs.overdue),
            ],
        ),
        count_chart(
            "checks",
            "逢办必查（按事项） Credit checks by matter",
            [(MATTERS.get(m, m), n) for m, n in indicators.checks.by_matter.items()],
        ),
    ]
