"""A line goes to its subject's worker however its JSON writes the subject: the
worker is chosen by the code as the ledger reads it."""

from __future__ import annotations

import json

import pytest

from api.line_workers import worker_for
from tests.factories import uscc

CODE = uscc(7)
WORKERS = 1000
PLAIN = json.dumps({"subject": CODE, "type": "CommitmentMade"})


def every_character_escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)


@pytest.mark.parametrize(
    "line",
    [
        json.dumps({"type": "CommitmentFulfilled", "subject": CODE + "\t"}),
        f'{{"subject": "{every_character_escaped(CODE)}"}}',
        json.dumps({"subject": f" {CODE[:6].lower()} {CODE[6:]}"}),
        f'{{"subj\\u0065ct": "{CODE}"}}',
        json.dumps({"changes": {"subject": uscc(8)}, "subject": CODE}),
        json.dumps({"subject": CODE, "amount": float("nan")}),
    ],
    ids=[
        "trailing tab escaped",
        "every character escaped",
        "lower case and spaces",
        "key escaped",
        "subject key in a nested object first",
        "a value only Python's json reads",
    ],
)
def test_a_line_goes_to_the_worker_of_its_subject_however_written(line: str) -> None:
    assert worker_for(line, WORKERS) == worker_for(PLAIN, WORKERS)


@pytest.mark.parametrize(
    "line",
    [
        '{"type": "InformationRecorded"}',
        '{"subject": 7}',
        f'["{CODE}"]',
        "{",
        f'{{"subject": "{CODE}", "x": {"[" * 100_000}{"]" * 100_000}}}',
    ],
    ids=["no subject", "subject not text", "no object", "no JSON", "nested too deep"],
)
def test_a_line_without_a_subject_in_text_goes_to_the_first_worker(
    line: str,
) -> None:
    assert worker_for(line, WORKERS) == 0


def test_a_subject_utf8_cannot_encode_still_has_a_worker() -> None:
    assert 0 <= worker_for('{"subject": "\\ud800"}', WORKERS) < WORKERS
