"""The lists and publicity columns the portal shows, and how each is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from projections.paging import Page, PageQuery, PublicList
from projections.public_view import PublicViewReads

Reader = Callable[[PublicViewReads, PageQuery], Page[Any]]


@dataclass(frozen=True)
class PortalList:
    scope: PublicList
    section: str
    title: str
    title_en: str
    description: str
    department_label: str
    read: Reader

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.scope}"

    @property
    def table(self) -> str:
        """The macro in ``_tables.html`` that draws its rows."""
        return self.scope.replace("-", "_")


SERIOUS = PortalList(
    PublicList.SERIOUS_DISHONESTY,
    "lists",
    "严重失信主体名单",
    "Serious dishonesty list",
    "依法依规认定的严重失信主体，列入期间受联合惩戒；移出名单后不再显示。",
    "列入部门",
    lambda views, query: views.serious_list(query),
)
RED = PortalList(
    PublicList.RED,
    "lists",
    "红名单",
    "Red list",
    "纳税信用A级纳税人、海关高级认证企业等守信激励对象，在有效期内显示。",
    "认定部门",
    lambda views, query: views.red_list(query),
)
LICENCES = PortalList(
    PublicList.LICENCES,
    "publicity",
    "行政许可信息",
    "Administrative licences",
    "“双公示”行政许可决定，按决定日期由新到旧排列。",
    "数据来源",
    lambda views, query: views.licences(query),
)
PENALTIES = PortalList(
    PublicList.PENALTIES,
    "publicity",
    "行政处罚信息",
    "Administrative penalties",
    "“双公示”行政处罚决定，在公示期内显示；信用修复、撤销或期满后不再显示。",
    "数据来源",
    lambda views, query: views.penalties(query),
)
COMMITMENTS = PortalList(
    PublicList.COMMITMENTS,
    "publicity",
    "信用承诺信息",
    "Credit commitments",
    "市场主体作出的信用承诺及其履行情况（已承诺、已履行、违诺）。",
    "数据来源",
    lambda views, query: views.commitments(query),
)
ALL = (SERIOUS, RED, LICENCES, PENALTIES, COMMITMENTS)
BY_PATH = {portal_list.path: portal_list for portal_list in ALL}
