"""Resident identity numbers found anywhere in a text, masked as a natural
person's code is on public pages: an 18-character number keeps its first 6 and
last 4 characters, a 15-digit (first-generation) one its first 6 and last 3
(``identity_numbers.py``). The one rule serves public text and log lines alike.

A number whose digits (half or full width, raw or percent-encoded) any
separators split anywhere (punctuation, symbols, whitespace, format characters
such as zero-width spaces) is masked if it reads as one: a valid check character
and birth date (``separated_numbers.py``). The forms masked before numbers were
checked stay masked whatever their check character (``unchecked_numbers.py``):
18 characters whole, split by whitespace, or by hyphens, dashes, dots, slashes
or underscores between region, year, month, day and the rest. A unified social
credit code made only of digits looks like an identity number there and is
masked too: a harmless mistake, unlike the opposite one.
"""

from __future__ import annotations

from urllib.parse import unquote

from domain.identity_numbers import masked_identity_number
from domain.percent_decoding import percent_decoded
from domain.separated_numbers import FIFTEEN_DIGITS, separated_numbers
from domain.unchecked_numbers import mask_unchecked_numbers


def mask_identity_numbers(text: str) -> str:
    # A number of either kind has 15 digits, once decoded.
    if FIFTEEN_DIGITS.search(text) is None and (
        "%" not in text or FIFTEEN_DIGITS.search(unquote(text)) is None
    ):
        return text
    # Checked numbers first: a 15-digit number with digits after a space is
    # masked as what it is, not as part of 18 digits the older rule would see.
    return mask_unchecked_numbers(_mask_separated(text))


def _mask_separated(text: str) -> str:
    decoded = percent_decoded(text)
    pieces = []
    done = 0
    for found in separated_numbers(decoded.text):
        start, end = decoded.original_span(found.start, found.end)
        pieces += [text[done:start], masked_identity_number(found.number)]
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
