"""Public lists and publicity columns over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.api.support import Api, assert_problem
from tests.factories import (
    commitment,
    correction,
    licence,
    listing,
    penalty,
    resident_id,
    revocation,
    uscc,
)

POSITION = "credit-ledger-position"


def test_a_listed_subject_is_on_the_list_once_its_position_is_reached(
    api: Api,
) -> None:
    code = api.register()
    [listed] = api.record(code, listing("S1"))

    response = api.client.get(
        "/v1/lists/serious-dishonesty", params={"min_position": listed["position"]}
    )

    assert response.status_code == 200, response.text
    page = response.json()
    assert page["position"] >= listed["position"]
    assert response.headers[POSITION] == str(page["position"])
    [row] = page["data"]
    assert (row["subject"], row["name"], row["record_id"]) == (
        code,
        "Jishan Foods Co.",
        "S1",
    )
    assert row["measures"] == ["barred from government procurement"]


def test_a_delisted_subject_leaves_the_list(api: Api) -> None:
    code = api.register()
    *_, delisted = api.record(code, listing("S1"), revocation("S1"))

    page = api.client.get(
        "/v1/lists/serious-dishonesty", params={"min_position": delisted["position"]}
    ).json()

    assert page["data"] == []


def test_a_read_the_view_cannot_reach_in_time_is_a_503_with_retry_after(
    api: Api,
) -> None:
    api.services.settings.read_wait_seconds = 0.2
    ahead = api.head() + 100

    response = api.client.get("/v1/lists/red", params={"min_position": ahead})

    assert_problem(response, 503)
    assert response.headers["retry-after"] == "1"


def test_pages_follow_their_cursors_to_the_end(api: Api) -> None:
    code = api.register()
    *_, last = api.record(code, licence("L1"), licence("L2"), licence("L3"))
    params = {"limit": "2", "min_position": str(last["position"])}

    first = api.client.get("/v1/publicity/licences", params=params).json()
    params["cursor"] = first["next_cursor"]
    second = api.client.get("/v1/publicity/licences", params=params).json()

    ids = [row["record_id"] for row in first["data"] + second["data"]]
    assert ids == ["L3", "L2", "L1"]
    assert (first["count"], second["count"], second["next_cursor"]) == (2, 1, None)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/lists/red", {"limit": "0"}, 422),
        ("/v1/lists/red", {"limit": "501"}, 422),
        ("/v1/lists/red", {"limit": "many"}, 422),
        ("/v1/lists/red", {"cursor": "not-a-cursor"}, 422),
        ("/v1/lists/red", {"since": "yesterday"}, 422),
        ("/v1/lists/red", {"subject": "91350100MA0000001X"}, 422),
        ("/v1/lists/red", {"format": "xlsx"}, 422),
        ("/v1/lists/red", {"min_position": "-1"}, 422),
        ("/v1/lists/red", {"department": "tax\x00"}, 422),
        ("/v1/subjects", {"q": "\x00"}, 422),
        ("/v1/lists/blue", {}, 404),
        ("/v1/publicity/awards", {}, 404),
    ],
)
def test_bad_paging_and_unknown_lists_are_problems(
    api: Api, path: str, params: dict[str, str], status: int
) -> None:
    assert_problem(api.client.get(path, params=params), status)


def test_a_cursor_of_one_list_is_refused_by_another(api: Api) -> None:
    code = api.register()
    *_, last = api.record(code, licence("L1"), licence("L2"))
    params = {"limit": "1", "min_position": str(last["position"])}
    cursor = api.client.get("/v1/publicity/licences", params=params).json()

    response = api.client.get(
        "/v1/publicity/penalties", params={"cursor": cursor["next_cursor"]}
    )

    assert_problem(response, 422)
    assert "belongs to 'licences', not 'penalties'" in str(response.json())
    listed = api.client.get("/v1/lists/red", params={"cursor": cursor["next_cursor"]})
    assert "belongs to 'licences', not 'red'" in str(listed.json())


def test_csv_has_a_bom_stable_columns_and_masked_identity_numbers(api: Api) -> None:
    person = api.register(resident_id(5), name="张三")
    [listed] = api.record(person, listing("S1"))

    response = api.client.get(
        "/v1/lists/serious-dishonesty",
        params={"format": "csv", "min_position": listed["position"]},
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "subject",
        "name",
        "record_id",
        "department",
        "basis",
        "measures",
        "listed_on",
        "term_ends_on",
        "notified_on",
        "position",
    ]
    assert rows[1][:3] == ["110105********" + person[-4:], "张三", "S1"]
    assert person not in response.text
    assert response.headers[POSITION] == str(listed["position"])


def a_person_named_in_a_penalty(api: Api) -> tuple[str, int]:
    """The person's number, and the position of a penalty whose facts name it."""
    person = api.register(resident_id(5), name="张三")
    [published] = api.record(
        person, penalty("P1", facts=f"当事人张三，身份证号{person}", content=person)
    )
    return person, published["position"]


def test_a_number_in_a_penaltys_text_is_masked_in_the_json_list(api: Api) -> None:
    person, position = a_person_named_in_a_penalty(api)

    response = api.client.get(
        "/v1/publicity/penalties", params={"min_position": position}
    )

    assert response.status_code == 200, response.text
    [row] = response.json()["data"]
    masked = "110105********" + person[-4:]
    assert (row["subject"], row["facts"], row["content"]) == (
        masked,
        f"当事人张三，身份证号{masked}",
        masked,
    )
    assert person not in response.text


def test_a_number_in_a_penaltys_text_is_masked_in_the_csv(api: Api) -> None:
    person, position = a_person_named_in_a_penalty(api)

    response = api.client.get(
        "/v1/publicity/penalties", params={"format": "csv", "min_position": position}
    )

    assert response.status_code == 200, response.text
    assert f"当事人张三，身份证号110105********{person[-4:]}" in response.text
    assert person not in response.text


OLD_NUMBER = "110105900517007"  # first generation, 15 digits


def a_penalty_naming_people_in_other_forms(api: Api) -> tuple[str, int]:
    """A person's number grouped 4-4-4-4-2 and a 15-digit one in a penalty's
    text; the person's number, and the position of the penalty."""
    person = api.register(resident_id(5), name="张三")
    grouped = "-".join(person[i : i + 4] for i in range(0, 18, 4))
    [published] = api.record(
        person,
        penalty(
            "P1",
            facts=f"当事人张三，身份证号{grouped}；李四，旧证号{OLD_NUMBER}",
            content=f"{person[:6]}，{person[6:14]}，{person[14:]}",
        ),
    )
    return person, published["position"]


def test_numbers_grouped_or_of_15_digits_are_masked_in_the_json_list(
    api: Api,
) -> None:
    person, position = a_penalty_naming_people_in_other_forms(api)

    response = api.client.get(
        "/v1/publicity/penalties", params={"min_position": position}
    )

    assert response.status_code == 200, response.text
    [row] = response.json()["data"]
    masked = "110105********" + person[-4:]
    assert (row["facts"], row["content"]) == (
        f"当事人张三，身份证号{masked}；李四，旧证号110105******007",
        masked,
    )
    assert "900517" not in response.text
    assert person[6:14] not in response.text.replace("-", "")


def test_numbers_grouped_or_of_15_digits_are_masked_in_the_csv(api: Api) -> None:
    person, position = a_penalty_naming_people_in_other_forms(api)

    response = api.client.get(
        "/v1/publicity/penalties", params={"format": "csv", "min_position": position}
    )

    assert response.status_code == 200, response.text
    masked = "110105********" + person[-4:]
    assert f"当事人张三，身份证号{masked}；李四，旧证号110105******007" in response.text
    assert "900517" not in response.text
    assert person[6:14] not in response.text.replace("-", "")


def test_a_department_reading_the_subject_with_a_key_sees_the_full_text(
    api: Api,
) -> None:
    person, _ = a_person_named_in_a_penalty(api)

    [record] = api.state(person)["records"]

    assert record["content"]["facts"] == f"当事人张三，身份证号{person}"


def test_the_penalty_column_shows_corrected_content_and_drops_revoked(
    api: Api,
) -> None:
    code = api.register()
    *_, last = api.record(
        code,
        penalty("P1"),
        penalty("P2"),
        correction("P1", changes={"content": "Fine of 3000 yuan"}),
        revocation("P2"),
    )

    page = api.client.get(
        "/v1/publicity/penalties", params={"min_position": last["position"]}
    ).json()

    [row] = page["data"]
    assert (row["record_id"], row["content"], row["corrections"]) == (
        "P1",
        "Fine of 3000 yuan",
        1,
    )
    assert row["data_source"] == "market-regulation"


def test_columns_filter_by_department_subject_and_date(api: Api) -> None:
    first, second = api.register(uscc(1)), api.register(uscc(2), name="Other Co.")
    api.record(first, commitment("C1"))
    [last] = api.record(second, commitment("C2", made_on="2022-10-19"))
    at = {"min_position": str(last["position"])}

    def ids(**params: str) -> list[str]:
        page = api.client.get("/v1/publicity/commitments", params=at | params)
        assert page.status_code == 200, page.text
        return [row["record_id"] for row in page.json()["data"]]

    assert ids() == ["C2", "C1"]
    assert ids(subject=first) == ["C1"]
    assert ids(since="2022-10-15") == ["C2"]
    assert ids(department="tax") == []
    # Sent empty, as a form's untouched field is: no filter.
    assert ids(department="", since="", subject="", cursor="") == ["C2", "C1"]


def test_a_subject_is_found_by_name_without_a_key(api: Api) -> None:
    code = api.register(uscc(3), name="Jishan Coal Co.")
    position = api.head()

    response = api.client.get(
        "/v1/subjects", params={"q": "coal", "min_position": str(position)}
    )

    assert response.status_code == 200, response.text
    assert [s["subject"] for s in response.json()["data"]] == [code]


def test_position_zero_is_reached_before_anything_is_recorded(api: Api) -> None:
    response = api.client.get("/v1/lists/red", params={"min_position": "0"})

    assert response.status_code == 200, response.text
    assert response.json()["position"] == 0


def test_a_departments_pages_follow_their_cursors_through_one_days_rows(
    api: Api,
) -> None:
    code = api.register()
    tax = api.key("record", department="tax")
    for n in range(7):
        day = date(2022, 10, 18 + n % 2)
        body = licence(f"L{n}", decided_on=day, valid_from=day)
        response = api.post_event(code, body, tax if n % 3 else api.clerk)
        assert response.status_code == 201, response.text
    params = {"limit": "2", "department": "tax", "min_position": str(api.head())}

    ids = []
    while True:
        page = api.client.get("/v1/publicity/licences", params=params)
        assert page.status_code == 200, page.text
        ids += [row["record_id"] for row in page.json()["data"]]
        if page.json()["next_cursor"] is None:
            break
        params["cursor"] = page.json()["next_cursor"]

    assert ids == ["L5", "L1", "L4", "L2"]


def test_a_legal_person_is_found_by_two_characters_of_its_name(api: Api) -> None:
    names = [
        "运城市华威食品有限公司",
        "稷山县华威商贸有限公司",
        "稷山县鑫源商贸有限公司",
    ]
    codes = [api.register(uscc(10 + n), name=name) for n, name in enumerate(names)]
    api.register(resident_id(7), name="王华威")
    at = {"min_position": str(api.head())}

    def found(part: str) -> list[str]:
        response = api.client.get("/v1/subjects", params=at | {"q": part})
        assert response.status_code == 200, response.text
        return [s["subject"] for s in response.json()["data"]]

    assert found("华威") == [codes[1], codes[0]]  # in name order
    assert found("商贸有限") == [codes[1], codes[2]]
    assert found("华威商贸有限公司") == [codes[1]]
    assert found("威") == [codes[1], codes[0]]
