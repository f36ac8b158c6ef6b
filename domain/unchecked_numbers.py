"""Identity numbers masked as they were before numbers were checked, whatever
their check character and birth date (a mistyped number is still a person's):
17 digits and a digit or X, each raw, full width or percent-encoded (written
half width once masked), also when separators split it as a code may be
written: any whitespace ``str.split`` drops (tabs, the full-width space of
Chinese input, no-break spaces...), raw, URL-quoted in UTF-8 (hex in either
case) or form-encoded, any number of them; or hyphens, dashes, dots, slashes
or underscores between its parts, raw or URL-quoted.
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
# Hyphens, dashes, dots, slashes and underscores, as a number is also written:
# between its region, birth year, month and day and the rest only
# (110105-19900517-002X, 110105/1990/0517/002X), each with spaces around it or
# not, so that dates and amounts, which have them too, need not be looked at
# digit by digit. Chinese input writes some of them full width.
_PUNCTUATION = [
    "-",
    "－",
    "‐",
    "‑",
    "–",
    "—",
    "―",
    "−",
    ".",
    "．",
    "·",
    "/",
    "／",
    "_",
    "＿",
]
_MARK_CLASS = "[{}]".format("".join(map(re.escape, _PUNCTUATION)))
_PUNCTUATION_MARK = "(?:{})".format(
    "|".join(
        [*(re.escape(c) for c in _PUNCTUATION), *map(_percent_encoded, _PUNCTUATION)]
    )
)
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
_PART_MARK = f"(?:{_SEPARATOR}{_PUNCTUATION_MARK}{_SEPARATOR})?"
_PUNCTUATED_NUMBER = re.compile(
    rf"(?<![0-9０-９]){_DIGIT}{{6}}{_PART_MARK}{_DIGIT}{{4}}{_PART_MARK}"
    rf"{_DIGIT}{{4}}{_PART_MARK}{_DIGIT}{{3}}{_CHECK}(?!{_CHECK})",
    re.IGNORECASE,
)
_ANY_SEPARATOR = re.compile(f"{_SEPARATORS.pattern}|{_PUNCTUATION_MARK}", re.IGNORECASE)
# Most text has no number, and is passed over without the patterns, which are
# slow on text full of dates and amounts (every view row's text goes through
# here): a number whole or split by whitespace has 17 digits in a row or a
# separator after a digit; one with hyphens or dots has one between runs of four
# digits (a date's or an amount's have shorter runs on one side).
_MAYBE_A_NUMBER = re.compile(
    rf"[0-9０-９](?:[0-9０-９]{{16}}|[\s+%]|[0-9０-９]{{3}}\s*{_MARK_CLASS}\s*[0-9０-９]{{4}})"
)
_MAYBE_PUNCTUATED = re.compile(rf"[0-9０-９]{{4}}\s*{_MARK_CLASS}\s*[0-9０-９]{{4}}")
# Unless percent-encoded, a number whole or split by whitespace is 17 digits and
# whitespace in a row; a text with dates and amounts seldom has a run as long.
_MAYBE_WHITESPACED = re.compile(r"[0-9０-９][\s+0-9０-９]{16}")


def mask_unchecked_numbers(text: str) -> str:
    if _MAYBE_A_NUMBER.search(text) is None:
        return text
    if "%" in text or _MAYBE_WHITESPACED.search(text) is not None:
        text = _IDENTITY_NUMBER.sub(_masked, text)
    # A mark percent-encoded is found as a logged query has it.
    if "%" in text or _MAYBE_PUNCTUATED.search(text) is not None:
        text = _PUNCTUATED_NUMBER.sub(_masked, text)
    return text


def _masked(match: re.Match[str]) -> str:
    code = unquote(_ANY_SEPARATOR.sub("", match.group()))
    return mask_identity_number(code.translate(_HALF_WIDTH))
