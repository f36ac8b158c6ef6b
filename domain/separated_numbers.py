"""Identity numbers of either generation, whole or with their digits split by
separators in any places: ``110105，19900517，002X``, ``1101-0519-9005-1700-2X``,
``110105:900517:007``, ``[110105] 900517*007``, zero-width spaces...

Runs of digits (half or full width; an ``X`` may end one or stand alone)
joined by runs of separators (any character that is neither a letter nor a
digit: whitespace, punctuation and symbols of either width, format characters)
make a chain. Any 18 or 15 digits of a chain that begin and end with runs of
it, not touching a Latin letter or digit there, are a number if they read as
one (``identity_numbers.py``): 18 need a check character and a birth date,
which dates, amounts and lists of them seldom have; 15, with no check digit,
a birth date and separators placed as people write a number. Chinese text may
touch a number. A number masked already (six asterisks or more) parts a chain,
so masking again changes nothing.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from domain.codes import CODE_LENGTH
from domain.identity_numbers import FIRST_GENERATION_LENGTH, is_identity_number

_DIGIT = "[0-9０-９]"
_RUN = f"(?:{_DIGIT}+[XxＸｘ]?|[XxＸｘ])"
# Where a number may begin: a digit that 14 more follow, separators between.
# Most text has none (Chinese words part its dates and amounts), and is passed
# over without looking further; the look ahead, one character class, gives up
# on a date or an amount sooner than the digits one by one would.
FIFTEEN_DIGITS = re.compile(
    rf"{_DIGIT}(?=[\W_0-9０-９]{{14}})(?:[\W_]*+{_DIGIT}){{14}}"
)
# A number masked already parts a chain: its first digits may not end a number,
# nor its last digits begin one.
_MASKED = r"\*{6}"
_CHAIN = re.compile(rf"{_RUN}(?:(?:(?!{_MASKED})[\W_])+{_RUN})*")
_GAPS = re.compile(r"([\W_]+)")
_TOUCHING = "[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]"
_TOUCHING_BEFORE = re.compile(rf"(?:{_TOUCHING}|{_MASKED})\Z")
_TOUCHING_AFTER = re.compile(rf"{_TOUCHING}|{_MASKED}")
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
_LENGTHS = (FIRST_GENERATION_LENGTH, CODE_LENGTH)
# Where a 15-digit number's region, birth year, month and day end.
_FIELD_ENDS = frozenset({6, 8, 10, 12})


class Found(NamedTuple):
    start: int
    end: int
    number: str  # half width, ``X`` in capitals


def separated_numbers(text: str) -> Iterator[Found]:
    at = 0
    while (digits := FIFTEEN_DIGITS.search(text, at)) is not None:
        # Digits before these in their chain cannot begin a number (too few).
        chain = _CHAIN.match(text, digits.start())
        assert chain is not None
        yield from _numbers_in(text, chain)
        at = chain.end()


def _numbers_in(text: str, chain: re.Match[str]) -> Iterator[Found]:
    # The runs of digits at even places, the separators between them at odd.
    parts = _GAPS.split(chain.group())
    begin = chain.start()
    first = 0 if _TOUCHING_BEFORE.search(text, max(begin - 6, 0), begin) is None else 2
    may_end = _TOUCHING_AFTER.match(text, chain.end()) is None
    offsets: list[int] = []  # where each part starts, once a number is found
    while first < len(parts):
        found = _number_from(parts, first, may_end)
        if found is None:
            first += 2
            continue
        last, number = found
        offsets = offsets or list(itertools.accumulate(map(len, parts), initial=begin))
        yield Found(offsets[first], offsets[last + 1], number)
        first = last + 2


def _number_from(parts: list[str], first: int, may_end: bool) -> tuple[int, str] | None:
    """The longest number that begins with this run: its last run and digits."""
    found = None
    length = 0
    for last in range(first, len(parts), 2):
        length += len(parts[last])
        if length > CODE_LENGTH:
            break
        if length in _LENGTHS and (may_end or last < len(parts) - 1):
            number = "".join(parts[first : last + 1 : 2]).translate(_HALF_WIDTH)
            if is_identity_number(number) and (
                length == CODE_LENGTH or _written_as_one(parts[first : last + 1])
            ):
                found = last, number
    return found


def _written_as_one(parts: list[str]) -> bool:
    """Whether a 15-digit number's separators are as people write one: all
    alike (whitespace and format characters aside), or any between its region,
    birth year, month, day and sequence only (``[110105] 900517-007``).

    Only a birth date checks such a number, and a list of dates or amounts has
    dates: ``2022/6/15、2021/12/3`` holds ``6 15 2021 12 3`` (a person born
    1921-12-03, had it been one); the separators tell them apart."""
    gaps = parts[1::2]
    if len({"".join(c for c in gap if not _ignored(c)) for gap in gaps}) <= 1:
        return True
    ends = itertools.accumulate(len(run) for run in parts[:-1:2])
    return all(end in _FIELD_ENDS for end in ends)


def _ignored(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"
