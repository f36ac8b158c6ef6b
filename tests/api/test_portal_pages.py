"""The public portal's HTML pages over plain HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.routes import portal
from tests.api.support import Api
from tests.factories import (
    commitment,
    information,
    licence,
    listing,
    penalty,
    red_listing,
    resident_id,
    revocation,
    uscc,
)

HTML = "text/html; charset=utf-8"
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')
RESULT_NAME = re.compile(r'<li><a href="/subjects/[^"]+">([^<]+)</a>')
FIRST_SEARCH_PAGE = '<a href="/?q=%E7%A4%BA%E4%BE%8B" rel="first">'
VOID = frozenset({"meta", "link", "br", "input", "img", "hr", "wbr", "col"})
COMPANY = "稷山县示例商贸有限公司"
PAGES = (
    "/",
    "/?q=示例",
    "/lists/serious-dishonesty",
    "/lists/red",
    "/publicity/licences",
    "/publicity/penalties",
    "/publicity/commitments",
    f"/subjects/{uscc(1)}",
)


class TagBalance(HTMLParser):
    """Every element closed in order, and what the head must carry."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.lang: str | None = None
        self.charset: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "meta" and "charset" in values:
            self.charset = values["charset"]
        self._in_title = tag == "title"
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unexpected </{tag}>")
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parsed(response: httpx.Response) -> TagBalance:
    page = TagBalance()
    page.feed(response.text)
    page.close()
    return page


def a_company_with_published_facts(api: Api) -> int:
    code = api.register(uscc(1), COMPANY)
    *_, last = api.record(
        code, red_listing("R1"), licence("L1"), penalty("P1"), commitment("C1")
    )
    position: int = last["position"]
    return position


def get(api: Api, path: str, **params: Any) -> httpx.Response:
    # An empty params mapping would drop a query already in ``path``.
    response: httpx.Response = api.client.get(
        path, params=params or None, follow_redirects=False
    )
    return response


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_well_formed_html_with_language_title_and_charset(
    api: Api, path: str
) -> None:
    position = a_company_with_published_facts(api)

    response = get(api, path, min_position=position)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == HTML
    page = parsed(response)
    assert (page.lang, page.charset) == ("zh-CN", "utf-8")
    assert page.title.strip()
    assert page.problems == [] and page.open == []


def test_portal_pages_are_not_in_the_openapi_schema(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]

    portal = {"/", "/lists/{name}", "/publicity/{name}", "/subjects/{code}"}
    assert portal.isdisjoint(paths)
    assert "/v1/lists/red" in paths


def test_a_natural_persons_number_is_masked_on_every_page(api: Api) -> None:
    person = api.register(resident_id(5), name="张三")
    *_, last = api.record(person, listing("S1"), penalty("P1"), commitment("C1"))
    masked = "110105********" + person[-4:]

    for path in (
        "/lists/serious-dishonesty",
        "/publicity/penalties",
        "/publicity/commitments",
        f"/subjects/{person}",
    ):
        response = get(api, path, min_position=last["position"])
        assert response.status_code == 200, (path, response.text)
        assert masked in response.text, path
        assert person not in response.text, path


def test_a_number_in_published_text_is_masked_on_every_page(api: Api) -> None:
    person = resident_id(5)
    said = f"当事人张三，身份证号{person}"
    api.register(person, name="张三")
    shop = api.register(uscc(1), name="稷山县示例商店")
    api.client.patch(
        f"/v1/subjects/{shop}",
        json={"name": "稷山县示例商店", "legal_representative": said},
        headers=api.clerk,
    ).raise_for_status()
    api.record(person, penalty("P1", facts=said))
    *_, last = api.record(shop, listing("S1", basis=said), licence("L1", content=said))
    masked = f"当事人张三，身份证号110105********{person[-4:]}"

    for path, params in (
        ("/publicity/penalties", {}),
        ("/publicity/licences", {}),
        ("/lists/serious-dishonesty", {}),
        (f"/subjects/{person}", {}),
        (f"/subjects/{shop}", {}),
        ("/", {"q": "示例商店"}),
    ):
        response = get(api, path, min_position=last["position"], **params)
        assert response.status_code == 200, (path, response.text)
        assert masked in response.text, path
        assert person not in response.text, path


def test_a_search_by_full_id_number_opens_the_persons_page(api: Api) -> None:
    person = api.register(resident_id(5), name="张三")

    response = get(api, "/", q=person.lower(), min_position=api.head())

    # In place: a redirect's Location would repeat the number.
    assert response.status_code == 200
    assert "<h1>张三 <small>" in response.text


@pytest.mark.parametrize("around", ["{}。", "身份证{}", "{} 张三"])
def test_an_id_number_within_a_search_is_shown_back_masked(
    api: Api, around: str
) -> None:
    person = resident_id(5)
    query = around.format(person)

    response = get(api, "/", q=query)

    assert response.status_code == 200
    assert person not in response.text
    assert "110105********" + person[-4:] in response.text


def test_a_search_by_a_persons_name_finds_nobody(api: Api) -> None:
    api.register(resident_id(5), name="张三")

    response = get(api, "/", q="张三", min_position=api.head())

    assert response.status_code == 200
    assert "未找到匹配的主体" in response.text


def test_a_search_by_part_of_a_company_name_links_to_its_page(api: Api) -> None:
    code = api.register(uscc(1), COMPANY)

    response = get(api, "/", q="示例商贸", min_position=api.head())

    assert f'<a href="/subjects/{code}">{COMPANY}</a>' in response.text


def test_a_search_with_more_matches_than_a_page_pages_on_to_the_last(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal, "SEARCH_LIMIT", 2)
    names = [f"稷山县示例{n}商贸有限公司" for n in (3, 1, 4, 0, 2)]
    for n, name in enumerate(names):
        api.register(uscc(n), name)
    pages = [get(api, "/", q="示例", min_position=api.head())]
    while links := NEXT_LINK.findall(pages[-1].text):
        assert len(pages) <= len(names), "the pages never end"
        pages.append(get(api, html.unescape(links[0])))

    shown = [name for page in pages for name in RESULT_NAME.findall(page.text)]
    assert shown == sorted(names)
    assert [len(RESULT_NAME.findall(page.text)) for page in pages] == [2, 2, 1]
    assert 'rel="first"' not in pages[0].text
    assert all(FIRST_SEARCH_PAGE in page.text for page in pages[1:])


def test_unpublished_and_withdrawn_records_are_not_shown(api: Api) -> None:
    code = api.register(uscc(1), COMPANY)
    *_, last = api.record(
        code,
        licence("L1"),
        licence("L2", decision_no="SECRET-LICENCE", publish=False),
        licence("L3", decision_no="REVOKED-LICENCE"),
        revocation("L3"),
        penalty("P1", decision_no="WARNING-ONLY", penalty_types=["warning"]),
        information("I1", content="SECRET-INFORMATION"),
    )

    for path in ("/publicity/licences", "/publicity/penalties", f"/subjects/{code}"):
        text = get(api, path, min_position=last["position"]).text
        for hidden in (
            "SECRET-LICENCE",
            "REVOKED-LICENCE",
            "WARNING-ONLY",
            "SECRET-INFORMATION",
        ):
            assert hidden not in text, (path, hidden)
    assert "JS-XK-L1" in get(api, f"/subjects/{code}").text


def test_codes_are_shown_in_chinese(api: Api) -> None:
    code = api.register(uscc(1), COMPANY)
    *_, last = api.record(
        code,
        licence("L1", licence_category="franchise"),
        commitment("C1", commitment_type="voluntary"),
    )
    at = {"min_position": last["position"]}

    licences = get(api, "/publicity/licences", **at).text
    commitments = get(api, "/publicity/commitments", **at).text
    subject_page = get(api, f"/subjects/{code}", **at).text

    assert "<td>特许</td>" in licences
    assert "<td>主动型</td>" in commitments
    assert "已承诺" in commitments and "已承诺" in subject_page
    for shown in (licences, commitments, subject_page):
        assert not re.search(r">(franchise|voluntary|made|active)<", shown)


def test_the_department_filter_is_kept_on_the_next_page(api: Api) -> None:
    code = api.register()
    tax = api.key("record", department="tax")
    for n in range(3):
        assert api.post_event(code, licence(f"T{n}"), headers=tax).status_code == 201
    *_, last = api.record(code, licence("M1"))

    first = get(
        api,
        "/publicity/licences",
        department="tax",
        limit=2,
        min_position=last["position"],
    )
    [link] = NEXT_LINK.findall(first.text)
    next_url = html.unescape(link)
    second = get(api, next_url)

    assert "department=tax" in next_url
    shown = first.text + second.text
    assert all(f"JS-XK-T{n}" in shown for n in range(3))
    assert "JS-XK-M1" not in shown


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/lists/red", {"cursor": "not-a-cursor"}, 422),
        ("/", {"q": "示例", "cursor": "not-a-cursor"}, 422),
        ("/lists/red", {"since": "yesterday"}, 422),
        ("/lists/red", {"limit": "0"}, 422),
        ("/lists/blue", {}, 404),
        ("/publicity/awards", {}, 404),
        ("/subjects/123", {}, 422),
        (f"/subjects/{resident_id(9)}", {}, 404),
    ],
)
def test_bad_input_is_answered_with_an_html_error_page(
    api: Api, path: str, params: dict[str, str], status: int
) -> None:
    response = get(api, path, **params)

    assert response.status_code == status
    assert response.headers["content-type"] == HTML
    assert parsed(response).problems == []
    assert resident_id(9) not in response.text


def test_a_cursor_of_another_list_is_refused(api: Api) -> None:
    code = api.register()
    *_, last = api.record(code, licence("L1"), licence("L2"))
    cursor = api.client.get(
        "/v1/publicity/licences", params={"limit": 1, "min_position": last["position"]}
    ).json()["next_cursor"]

    assert get(api, "/publicity/penalties", cursor=cursor).status_code == 422
    assert get(api, "/publicity/licences", cursor=cursor).status_code == 200


def test_a_search_cursor_is_refused_with_another_query(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portal, "SEARCH_LIMIT", 1)
    for n in (1, 2):
        api.register(uscc(n), f"稷山县示例{n}商贸有限公司")
    first = get(api, "/", q="示例", min_position=api.head())
    [link] = NEXT_LINK.findall(first.text)
    [cursor] = parse_qs(urlsplit(html.unescape(link)).query)["cursor"]

    other = get(api, "/", q="商贸", cursor=cursor)
    same = get(api, "/", q="示例", cursor=cursor)

    assert (other.status_code, other.headers["content-type"]) == (422, HTML)
    assert "made for another q" in other.text
    assert parsed(other).problems == []
    assert RESULT_NAME.findall(same.text) == ["稷山县示例2商贸有限公司"]


def test_a_position_the_view_cannot_reach_is_a_503_page_with_retry_after(
    api: Api,
) -> None:
    api.services.settings.read_wait_seconds = 0.2

    response = get(api, "/lists/red", min_position=api.head() + 100)

    assert response.status_code == 503
    assert response.headers["content-type"] == HTML
    assert response.headers["retry-after"] == "1"
