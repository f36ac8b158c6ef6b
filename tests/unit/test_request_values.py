"""Header values turned into the ledger's arguments."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from api.request_values import parse_if_match


@pytest.mark.parametrize(
    ("header", "version"), [('"3"', 3), ('W/"12"', 12), (" 7 ", 7), (None, None)]
)
def test_if_match_names_a_version(header: str | None, version: int | None) -> None:
    assert parse_if_match(header) == version


# A server reads header bytes as Latin-1, where "²" and "³" are digits to
# str.isdigit() but not to int().
@pytest.mark.parametrize("header", ['"abc"', '"\u00b2"', '"1\u00b3"', '""', '"-1"'])
def test_if_match_that_is_not_a_version_is_refused_as_a_422(header: str) -> None:
    with pytest.raises(HTTPException) as refused:
        parse_if_match(header)

    assert refused.value.status_code == 422
