"""The matters that must check credit first (逢办必查, seed §11) and which
punishment measures of a listing restrict each of them.

Measures are free text taken from the national basic list of punishment measures
(全国失信惩戒措施基础清单), so a measure applies to a matter when it names it; the
terms below are the wording those lists and departments use, in Chinese and
English.
"""

from __future__ import annotations

from enum import StrEnum


class Matter(StrEnum):
    LICENSING = "licensing"
    PENALTY = "penalty"
    INSPECTION = "inspection"
    SUBSIDY = "subsidy"
    PROCUREMENT = "procurement"
    TENDERING = "tendering"
    LAND_SALE = "land_sale"
    RESEARCH_FUNDING = "research_funding"
    CIVIL_SERVICE_HIRING = "civil_service_hiring"
    AWARD = "award"


MATTER_TERMS: dict[Matter, tuple[str, ...]] = {
    Matter.LICENSING: (
        "行政许可",
        "许可",
        "审批",
        "告知承诺",
        "资质",
        "资格认定",
        "licen",
        "approval",
        "permit",
    ),
    Matter.PENALTY: ("行政处罚", "处罚", "penalt", "punish"),
    Matter.INSPECTION: ("检查", "抽查", "监管", "inspect", "supervis", "spot check"),
    Matter.SUBSIDY: (
        "财政",
        "补贴",
        "补助",
        "资金支持",
        "政策支持",
        "优惠政策",
        "税收优惠",
        "subsid",
        "financial support",
        "public funds",
    ),
    Matter.PROCUREMENT: ("政府采购", "采购", "procure"),
    Matter.TENDERING: ("招标", "投标", "tender", "bidding"),
    # Not 出让 alone: 股权出让 (a share transfer) is no land sale.
    Matter.LAND_SALE: ("土地", "国有建设用地", "land"),
    # 科技计划项目 is the usual wording: "取消申报国家科技计划项目资格".
    Matter.RESEARCH_FUNDING: (
        "科研",
        "科技项目",
        "科技计划",
        "科技专项",
        "科学基金",
        "research",
    ),
    Matter.CIVIL_SERVICE_HIRING: (
        "公务员",
        "录用",
        "调任",
        "招录",
        "事业单位",
        "civil serv",
        "public office",
        "hiring",
        "recruit",
    ),
    Matter.AWARD: (
        "表彰",
        "奖励",
        "评优",
        "评先",
        "荣誉",
        "文明单位",
        "道德模范",
        "award",
        "honour",
        "honor",
    ),
}


def measure_applies(measure: str, matter: Matter) -> bool:
    text = measure.casefold()
    return any(term in text for term in MATTER_TERMS[matter])
