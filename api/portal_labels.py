"""Chinese labels for the codes the views store (English code kept as fallback)."""

from __future__ import annotations

from collections.abc import Iterable

GRADES = {"high": "良好", "medium": "一般", "poor": "较差"}
KINDS = {"legal_person": "法人和非法人组织", "natural_person": "自然人"}
SCHEMES = {
    "a_grade_taxpayer": "纳税信用A级纳税人",
    "customs_aeo": "海关高级认证企业 (AEO)",
    "other": "其他",
}
SEVERITIES = {"minor": "轻微", "general": "一般", "serious": "严重"}
# "made" as the public view stores an open commitment, "active" as a subject's
# records say it.
COMMITMENT_STATUSES = {
    "made": "已承诺",
    "active": "已承诺",
    "fulfilled": "已履行",
    "breached": "违诺",
}
COMMITMENT_TYPES = {
    "approval_substitute": "审批替代型",
    "voluntary": "主动型",
    "industry": "行业自律型",
    "repair": "信用修复型",
}
LICENCE_CATEGORIES = {
    "general": "普通",
    "franchise": "特许",
    "recognition": "认可",
    "approval": "核准",
    "registration": "登记",
    "other": "其他",
}
PENALTY_TYPES = {
    "warning": "警告",
    "circulated_criticism": "通报批评",
    "fine": "罚款",
    "confiscation": "没收违法所得、没收非法财物",
    "licence_suspension": "暂扣许可证件",
    "licence_revocation": "吊销许可证件",
    "practice_restriction": "限制从业",
    "detention": "行政拘留",
    "other": "其他",
}
LABELS = {
    "grade": GRADES,
    "kind": KINDS,
    "scheme": SCHEMES,
    "severity": SEVERITIES,
    "commitment_status": COMMITMENT_STATUSES,
    "commitment_type": COMMITMENT_TYPES,
    "licence_category": LICENCE_CATEGORIES,
    "penalty_type": PENALTY_TYPES,
}


def label(code: str | None, table: str) -> str:
    """``code`` in Chinese, or as given when the table does not know it."""
    if code is None:
        return ""
    return LABELS[table].get(code, code)


def labels(codes: Iterable[str], table: str) -> str:
    return "、".join(label(code, table) for code in codes)
