"""Rows of the public and repair views for a county of N subjects, written
straight into the views' own tables (bench_lists.py says why).

The rows are what the projections leave in the tables after years of events:
- subjects: 85 % legal persons named place + brand + trade + form
  (稷山县华威商贸有限公司), 15 % natural persons (masked public code); the
  name search's rows are derived from them in the database (list_stores.py);
- licences ~1.5 per subject, penalties ~0.4, commitments ~1 (made, fulfilled,
  breached), all dated over the three years up to the clock's today;
- 2 % on the serious-dishonesty list, 5 % on the red list (never both);
- repairs for 1.5 % of subjects, requested over the three years: decided (with
  their decision row) within three weeks, but for 2 % of the older ones, which
  are still pending past their deadline.

Rows the service has withdrawn (expired publicity, delisted, repaired, revoked)
are not here, because the view deletes them from the list tables
(``PublicViewWrites.withdraw``): a list table only ever holds what is shown.
Their history lives in ``records``, which no list reads, so it is not seeded.

Departments are skewed (the first ones record most). Positions are unique and
increase with the order rows are made, as event positions would.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from common import ROOT  # noqa: F401 - puts the project on sys.path

from domain.codes import (
    USCC_CHARSET,
    mask_identity_number,
    ric_check_char,
    uscc_check_char,
)
from infrastructure.views.name_grams import name_grams

TODAY = date(2022, 10, 20)
DAYS = [(TODAY - timedelta(days=d)).isoformat() for d in range(3 * 366)]
DEPARTMENTS = (
    "market-regulation",
    "tax",
    "ecology-environment",
    "housing-construction",
    "transport",
    "emergency-management",
    "agriculture",
    "health",
    "human-resources",
    "natural-resources",
    "culture-tourism",
    "public-security",
    "commerce",
    "water-resources",
    "education",
)
# Drawn from uniformly: each department as often as its weight 1 / rank says.
DEPARTMENT_POOL = tuple(
    department
    for rank, department in enumerate(DEPARTMENTS)
    for _ in range(round(120 / (rank + 1)))
)
PLACES = ("稷山县", "稷山县", "稷山县", "稷山县", "运城市", "山西", "")
BRAND_CHARS = (
    "华威鑫源恒泰宏达兴隆盛丰瑞祥福佳旺利嘉信安康永昌金银光明天地东方南北中宇星辰"
    "龙凤春秋海川山河林森晨阳晓月云峰博远鸿图振宇腾飞创新立德和顺景润泽浩瀚锦绣"
    "丽雅美精诚实正义仁智勇强盈通达广汇聚富贵荣耀辉煌卓越优品汇众合力联宏运亨"
    "豪杰英俊伟业凯旋壮志雄心开拓进取九鼎三江五岳百川千禧万家红绿青蓝紫白黑"
)
TRADES = (
    "商贸",
    "建筑工程",
    "餐饮管理",
    "农业科技",
    "食品",
    "物流",
    "房地产开发",
    "机械制造",
    "电子科技",
    "信息技术",
    "养殖",
    "种植",
    "建材",
    "运输",
    "医药",
    "化工",
    "纺织",
    "家具",
    "汽车销售",
    "文化传媒",
    "教育咨询",
    "旅游开发",
    "环保科技",
    "新能源",
    "煤业",
    "焦化",
    "酒业",
    "果业",
    "面粉加工",
    "劳务",
)
FORMS = (
    ("有限公司",) * 13 + ("有限责任公司",) * 3 + ("农民专业合作社", "商行", "经营部")
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"
LICENCE_NAMES = ("食品经营许可证", "道路运输经营许可证", "建筑施工许可证", "排污许可证")
VIOLATIONS = ("食品安全", "安全生产", "环境保护", "产品质量", "税收征管", "交通运输")
MEASURES = json.dumps(
    ["限制参与政府采购", "限制高消费", "从严审核行政许可"], ensure_ascii=False
)

TABLES: dict[str, tuple[str, ...]] = {
    "subjects": (
        "subject_code",
        "public_code",
        "kind",
        "name",
        "legal_representative",
    ),
    "licences": (
        "subject_code",
        "record_id",
        "decision_no",
        "licence_category",
        "licence_name",
        "licence_no",
        "content",
        "decided_on",
        "valid_from",
        "valid_to",
        "authority",
        "authority_code",
        "data_source",
        "publication_deadline",
        "late",
        "corrections",
        "position",
    ),
    "penalties": (
        "subject_code",
        "record_id",
        "decision_no",
        "violation_type",
        "facts",
        "basis",
        "penalty_types",
        "content",
        "fine_amount",
        "confiscated_amount",
        "severity",
        "decided_on",
        "publicity_until",
        "authority",
        "authority_code",
        "data_source",
        "publication_deadline",
        "late",
        "corrections",
        "position",
    ),
    "commitments": (
        "subject_code",
        "record_id",
        "commitment_type",
        "matter",
        "content",
        "made_on",
        "due_on",
        "status",
        "closed_on",
        "breach_details",
        "data_source",
        "publication_deadline",
        "late",
        "closure_late",
        "corrections",
        "position",
    ),
    "serious_list": (
        "subject_code",
        "record_id",
        "department",
        "basis",
        "measures",
        "listed_on",
        "term_ends_on",
        "notified_on",
        "position",
    ),
    "red_list": (
        "subject_code",
        "record_id",
        "scheme",
        "department",
        "decided_on",
        "valid_to",
        "position",
    ),
    "repairs": (
        "subject_code",
        "repair_id",
        "record_id",
        "requested_on",
        "commitment",
        "materials",
        "department",
        "actor",
        "recorded_at",
        "decision_due_on",
        "status",
        "decided_on",
        "position",
    ),
    "repair_decisions": (
        "subject_code",
        "repair_id",
        "decision",
        "decided_on",
        "reason",
        "department",
        "actor",
        "recorded_at",
        "position",
    ),
}
# Where each list keeps its date and department (the keyset and the filter).
LIST_KEYS = {
    "licences": ("decided_on", "data_source"),
    "penalties": ("decided_on", "data_source"),
    "commitments": ("made_on", "data_source"),
    "serious_list": ("listed_on", "department"),
    "red_list": ("decided_on", "department"),
    "repairs": ("requested_on", "department"),
}

T = TypeVar("T")
Row = tuple[Any, ...]
Sink = Callable[[str, Sequence[Row]], None]
"""Appends rows (in ``TABLES`` column order) to a table, by logical name."""


@dataclass(frozen=True)
class SampleRow:
    """A row of a list as a query would name it."""

    on: date
    position: int
    department: str
    subject_code: str


@dataclass(frozen=True)
class SampleSubject:
    """A legal person as a search would name it."""

    code: str
    name: str
    brand: str
    trade: str


@dataclass
class Samples:
    """What the queries ask for: rows of each list (about 1 in ``every``
    rows, so the same number whatever the size), subjects and names."""

    rows: dict[str, list[SampleRow]] = field(default_factory=dict)
    legal_persons: list[SampleSubject] = field(default_factory=list)
    name_pairs: int = 0
    """How many name search rows the view would hold (for a check)."""
    repair_ids: list[tuple[str, str]] = field(default_factory=list)


class Seeder:
    def __init__(self, subjects: int, sink: Sink, chunk: int = 20_000) -> None:
        self.subjects = subjects
        self.sink = sink
        self.chunk = chunk
        # random() alone, scaled: choice() and randrange() cost several times more.
        self.rnd = random.Random(8).random
        self.position = 0
        self.buffers: dict[str, list[Row]] = {table: [] for table in TABLES}
        self.samples = Samples()
        self.sample_chance = min(1.0, 4000 / subjects)

    def run(self) -> Samples:
        for n in range(1, self.subjects + 1):
            self.subject(n)
        for table in TABLES:
            self.flush(table)
        return self.samples

    def below(self, n: int) -> int:
        return int(self.rnd() * n)

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.rnd() * len(options))]

    # One subject and its records ----------------------------------------------

    def subject(self, n: int) -> None:
        rnd, pick = self.rnd, self.pick
        if rnd() < 0.15:
            code = _resident_id(n)
            name = self.person()
            public_code = mask_identity_number(code)
            self.add("subjects", code, public_code, "natural_person", name, None)
        else:
            code = _uscc(n)
            brand = pick(BRAND_CHARS) + pick(BRAND_CHARS)
            trade = pick(TRADES)
            name = f"{pick(PLACES)}{brand}{trade}{pick(FORMS)}"
            self.add("subjects", code, code, "legal_person", name, self.person())
            self.samples.name_pairs += len(name_grams(name))
            if rnd() < self.sample_chance:
                sampled = SampleSubject(code, name, brand, trade)
                self.samples.legal_persons.append(sampled)
        for k in range(pick((0, 1, 1, 2, 2, 3))):
            self.licence(code, k)
        for k in range((rnd() < 0.3) + (rnd() < 0.08)):
            self.penalty(code, k)
        for k in range(pick((0, 1, 1, 2))):
            self.commitment(code, k)
        adverse = rnd()
        if adverse < 0.02:
            self.listing(code)
        elif adverse < 0.07:
            self.red_listing(code)
        if rnd() < 0.015:
            self.repair(code, n)

    def licence(self, code: str, k: int) -> None:
        rnd, pick = self.rnd, self.pick
        days = self.below(len(DAYS))
        department = pick(DEPARTMENT_POOL)
        self.add(
            "licences",
            code,
            f"L{k}",
            f"稷行审许〔{DAYS[days][:4]}〕{self.below(9999)}号",
            pick(("general", "franchise", "approval", "registration")),
            pick(LICENCE_NAMES),
            f"JY{self.below(10**13):013d}",
            "准予许可，经营项目：预包装食品销售，散装食品销售，热食类食品制售",
            DAYS[days],
            DAYS[days],
            None if rnd() < 0.2 else _later(days, 5 * 365),
            "稷山县行政审批服务管理局",
            "11140824MB1234567X",
            department,
            DAYS[max(0, days - 9)],
            rnd() < 0.05,
            0,
            self.next_position(),
        )
        self.sample("licences", days, department, code)

    def penalty(self, code: str, k: int) -> None:
        rnd, pick = self.rnd, self.pick
        severity = pick(("minor", "general", "general", "general", "serious"))
        # Outside its publicity period a penalty has been withdrawn.
        period = 365 if severity != "serious" else len(DAYS)
        days = self.below(period)
        department = pick(DEPARTMENT_POOL)
        self.add(
            "penalties",
            code,
            f"P{k}",
            f"稷市监罚〔{DAYS[days][:4]}〕{self.below(999)}号",
            pick(VIOLATIONS),
            "经查，当事人经营超过保质期的食品，货值金额较小，违反了相关规定。",
            "《中华人民共和国食品安全法》第一百二十四条第一款第（二）项",
            '["fine"]',
            "罚款人民币伍仟元整",
            f"{self.below(200) * 500 + 500}.00",
            None,
            severity,
            DAYS[days],
            _later(days, period),
            "稷山县市场监督管理局",
            "11140824MB7654321Y",
            department,
            DAYS[max(0, days - 9)],
            rnd() < 0.05,
            0,
            self.next_position(),
        )
        self.sample("penalties", days, department, code)

    def commitment(self, code: str, k: int) -> None:
        rnd, pick = self.rnd, self.pick
        days = self.below(len(DAYS))
        department = pick(DEPARTMENT_POOL)
        state = rnd()
        status = "made" if state < 0.6 else "fulfilled" if state < 0.9 else "breached"
        closed = None if status == "made" else DAYS[max(0, days - 120)]
        self.add(
            "commitments",
            code,
            f"C{k}",
            pick(("approval_substitute", "voluntary", "industry")),
            "食品经营许可告知承诺",
            "本单位承诺所提交材料真实有效，并在规定期限内补齐相关材料。",
            DAYS[days],
            None if rnd() < 0.3 else DAYS[max(0, days - 180)],
            status,
            closed,
            "未按期补齐材料" if status == "breached" else None,
            department,
            DAYS[max(0, days - 9)],
            rnd() < 0.05,
            None if closed is None else rnd() < 0.05,
            0,
            self.next_position(),
        )
        self.sample("commitments", days, department, code)

    def listing(self, code: str) -> None:
        days = self.below(len(DAYS))
        department = self.pick(DEPARTMENT_POOL)
        self.add(
            "serious_list",
            code,
            "S1",
            department,
            "《严重失信主体名单管理办法》第八条",
            MEASURES,
            DAYS[days],
            _later(days, 3 * 366),
            None if self.rnd() < 0.3 else DAYS[max(0, days - 5)],
            self.next_position(),
        )
        self.sample("serious_list", days, department, code)

    def red_listing(self, code: str) -> None:
        days = self.below(len(DAYS))
        department = "tax" if self.rnd() < 0.7 else self.pick(DEPARTMENT_POOL)
        scheme = "a_grade_taxpayer" if department == "tax" else "other"
        self.add(
            "red_list",
            code,
            "R1",
            scheme,
            department,
            DAYS[days],
            _later(days, 3 * 366),
            self.next_position(),
        )
        self.sample("red_list", days, department, code)

    def repair(self, code: str, n: int) -> None:
        days = self.below(len(DAYS))
        # Decided within about three weeks, but for a few left past the deadline.
        state, undecided = self.rnd(), 0.8 if days < 21 else 0.02
        status = (
            "pending"
            if state < undecided
            else "granted"
            if state < undecided + (1 - undecided) * 0.8
            else "rejected"
        )
        requested = DAYS[days]
        due = _later(days, 21)
        decided = None if status == "pending" else DAYS[max(0, days - 15)]
        repair_id = f"XF-{n:08d}"
        department = self.pick(DEPARTMENT_POOL)
        self.add(
            "repairs",
            code,
            repair_id,
            "P0",
            requested,
            "本单位已纠正失信行为，承诺今后守法诚信经营。",
            '["信用修复申请书", "守信承诺书", "履行义务证明"]',
            department,
            "clerk",
            f"{requested}T09:30:00+00:00",
            due,
            status,
            decided,
            self.next_position(),
        )
        self.sample("repairs", days, department, code)
        if self.rnd() < self.sample_chance:
            self.samples.repair_ids.append((repair_id, code))
        if decided is not None:
            self.add(
                "repair_decisions",
                code,
                repair_id,
                status,
                decided,
                None if status == "granted" else "材料不全",
                "credit-office",
                "reviewer",
                f"{decided}T10:00:00+00:00",
                self.next_position(),
            )

    def person(self) -> str:
        pick = self.pick
        given = pick(BRAND_CHARS) + (pick(BRAND_CHARS) if self.rnd() < 0.7 else "")
        return pick(SURNAMES) + given

    # Plumbing -----------------------------------------------------------------

    def next_position(self) -> int:
        self.position += 1
        return self.position

    def add(self, table: str, *row: Any) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= self.chunk:
            self.flush(table)

    def flush(self, table: str) -> None:
        if self.buffers[table]:
            self.sink(table, self.buffers[table])
            self.buffers[table] = []

    def sample(self, table: str, days: int, department: str, code: str) -> None:
        if self.rnd() < self.sample_chance:
            on = date.fromisoformat(DAYS[days])
            row = SampleRow(on, self.position, department, code)
            self.samples.rows.setdefault(table, []).append(row)


_USCC_TAIL = (20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PREFIX = sum(
    USCC_CHARSET.index(c) * w
    for c, w in zip("91140824", (1, 3, 9, 27, 19, 26, 16, 17), strict=True)
)


def _later(days: int, span: int) -> str:
    """The day ``span`` days after the day ``days`` before today."""
    return (TODAY + timedelta(days=span - days)).isoformat()


def _uscc(n: int) -> str:
    body = f"91140824{n:09d}"
    # The check character, as uscc_check_char computes it, without its lookups.
    total = _USCC_PREFIX + sum(
        int(c) * w for c, w in zip(body[8:], _USCC_TAIL, strict=True)
    )
    return body + USCC_CHARSET[(31 - total % 31) % 31]


def _resident_id(n: int) -> str:
    """A valid identity number, one per ``n`` below 1.8 million, that no USCC
    check mistakes for a legal person's code."""
    born = date(1950, 1, 1) + timedelta(days=n % 18_000)
    for serial in range(n // 18_000, 1000, 100):
        body = f"140824{born:%Y%m%d}{serial:03d}"
        check = ric_check_char(body)
        if check != uscc_check_char(body):
            return body + check
    raise ValueError(f"no identity number for {n}")
