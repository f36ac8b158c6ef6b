"""Resident identity numbers found anywhere in a text, masked as a natural
person's code is on public pages (first 6 and last 4 characters kept).

A number is 17 digits and a digit or X, each raw, full width or percent-encoded
(written half width once masked), also when separators split it as a code may
be written: any whitespace ``str.split`` drops (tabs, the full-width space of
Chinese input, no-break spaces...), raw, URL-quoted in UTF-8 (hex in either
case) or form-encoded, any number of them.
The one rule serves public text and log lines alike. A unified social credit
code made only of digits looks like an identity number and is masked too: a
harmless mistake, unlike the opposite one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from domain.codes import mask_identity_number


def _percent_encoded(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode())


_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_SEPARATORS = re.compile(
    "|".join([r"\s", r"\+", *(_percent_encoded(c) for c in _WHITESPACE)]),
    re.IGNORECASE,
)
_SEPARATOR = f"(?:{_SEPARATORS.pattern})*"
# A query string is logged as the client sent it, and the service decodes
# "%31" as "1": each character of the number may be raw or percent-encoded.
# Chinese input methods also write digits full width (１ for 1).
_DIGIT = "(?:[0-9０-９]|%3[0-9])"
_CHECK = "(?:[0-9X０-９Ｘｘ]|%3[0-9]|%58|%78)"
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
# Aligned on the end of a digit run, so "%20" before a number cannot shift it.
_IDENTITY_NUMBER = re.compile(
    rf"{_DIGIT}(?:{_SEPARATOR}{_DIGIT}){{16}}{_SEPARATOR}{_CHECK}(?!{_CHECK})",
    re.IGNORECASE,
)
# A number has 17 digits in a row or a separator after one of its digits. Most
# text has neither, and is passed over without the pattern, which is slow on
# text full of dates and amounts (every view row's text goes through here).
_MAYBE_A_NUMBER = re.compile(r"[0-9０-９](?:[0-9０-９]{16}|[\s+%])")


def mask_identity_numbers(text: str) -> str:
    if _MAYBE_A_NUMBER.search(text) is None:
        return text
    return _IDENTITY_NUMBER.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    code = unquote(_SEPARATORS.sub("", match.group()))
    return mask_identity_number(code.translate(_HALF_WIDTH))
