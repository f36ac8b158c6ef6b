"""A licence's or penalty's 201 answer says whether it is shown in its 双公示
column: a penalty the rules never publish is not, whatever the request asked."""

from __future__ import annotations

import pytest

from tests.api.support import Api
from tests.api.test_core_batch import NDJSON, line, ndjson, post_batch
from tests.factories import Body, information, licence, penalty, uscc

CODE = uscc(1)


@pytest.mark.parametrize(
    ("body", "published"),
    [
        (penalty("P1"), True),
        (penalty("P1", penalty_types=["warning"], publish=True), False),
        (licence("L1"), True),
        (licence("L1", publish=False), False),
        (information("I1"), None),
    ],
)
def test_the_answer_says_whether_the_record_is_published(
    api: Api, body: Body, published: bool | None
) -> None:
    api.register(CODE)

    [answer] = api.record(CODE, body)

    assert answer["published"] is published
    assert answer["events"][0]["published"] is published


def test_a_batch_line_says_so_too(api: Api) -> None:
    api.register(CODE)
    body = ndjson(line(CODE, penalty("P1", penalty_types=["warning"])))

    [result] = post_batch(api, body, NDJSON).json()["results"]

    assert (result["status"], result["event"]["published"]) == (201, False)
