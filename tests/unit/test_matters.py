"""Which punishment measures restrict which 逢办必查 matters."""

from __future__ import annotations

import pytest

from domain.matters import Matter, measure_applies


@pytest.mark.parametrize(
    ("measure", "matter"),
    [
        ("限制参与政府采购活动", Matter.PROCUREMENT),
        ("barred from government procurement", Matter.PROCUREMENT),
        ("限制参与招标投标", Matter.TENDERING),
        ("限制申请财政性资金项目和政策支持", Matter.SUBSIDY),
        ("限制取得国有土地使用权出让", Matter.LAND_SALE),
        ("限制申报科研项目", Matter.RESEARCH_FUNDING),
        ("在一定期限内取消申报国家科技计划项目资格", Matter.RESEARCH_FUNDING),
        ("限制承担政府资金支持的科技计划项目", Matter.RESEARCH_FUNDING),
        ("不得录用为公务员", Matter.CIVIL_SERVICE_HIRING),
        ("取消参加评先评优资格", Matter.AWARD),
        ("列为重点监管对象，增加抽查频次", Matter.INSPECTION),
        ("从严审核行政许可", Matter.LICENSING),
        ("限制适用告知承诺制", Matter.LICENSING),
        ("限制享受税收优惠政策", Matter.SUBSIDY),
        ("限制招聘为事业单位工作人员", Matter.CIVIL_SERVICE_HIRING),
        ("Restrict LICENCE applications", Matter.LICENSING),
        ("限制申请国家自然科学基金项目", Matter.RESEARCH_FUNDING),
        ("限制参评文明单位、道德模范", Matter.AWARD),
        ("在资质认定中从严审查", Matter.LICENSING),
        ("限制参与国有建设用地使用权竞买", Matter.LAND_SALE),
    ],
)
def test_a_measure_restricts_the_matter_it_names(measure: str, matter: Matter) -> None:
    assert measure_applies(measure, matter)


def test_a_measure_does_not_restrict_matters_it_does_not_name() -> None:
    measure = "限制参与政府采购活动"

    assert [m for m in Matter if measure_applies(measure, m)] == [Matter.PROCUREMENT]


def test_a_share_transfer_is_no_land_sale() -> None:
    measure = "限制股权出让"

    assert not measure_applies(measure, Matter.LAND_SALE)


def test_every_matter_of_seed_section_11_can_be_checked() -> None:
    assert {m.value for m in Matter} == {
        "licensing",
        "penalty",
        "inspection",
        "subsidy",
        "procurement",
        "tendering",
        "land_sale",
        "research_funding",
        "civil_service_hiring",
        "award",
    }
