"""Text an event or a subject may hold: no control characters but tab, newline
and carriage return, and no invisible format characters.

PostgreSQL text cannot hold NUL: an event carrying one would be stored, then
fail every view update that writes it. The other C0 controls, DEL and the C1
controls (U+0080 to U+009F, what text decoded in the wrong encoding often
holds) are never meant in a decision's text, and are refused alike.

Format characters (Unicode category Cf: zero-width space and joiners, soft
hyphen, bidirectional controls, the byte order mark...) show as nothing: an
identity number split by them reads as one, yet is not one to the masking of
public text. Chinese text has no use for them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"


def format_characters() -> str:
    """Every character of category Cf this Python knows."""
    # Unicode assigns them in planes 0, 1 and 14 only (2 and 3 are for
    # ideographs, 15 and 16 for private use): a fifth of the scan of all planes.
    planes = (range(0x20000), range(0xE0000, 0xF0000))
    return "".join(
        chr(point)
        for plane in planes
        for point in plane
        if unicodedata.category(chr(point)) == "Cf"
    )


@cache
def _refused() -> re.Pattern[str]:
    # Made at the first text that is not all printable, not at import: finding
    # the format characters takes every process a few tens of milliseconds.
    return re.compile(f"[{_CONTROL}{format_characters()}]")


_IS_CONTROL = re.compile(f"[{_CONTROL}]")


@dataclass(frozen=True)
class RefusedCharacter:
    code_point: str
    is_control: bool

    @property
    def kind(self) -> str:
        return "control character" if self.is_control else "invisible format character"

    @property
    def error_type(self) -> str:
        return "control_character" if self.is_control else "format_character"

    def __str__(self) -> str:
        return f"the {self.kind} {self.code_point}"


def refused_character_in(text: str) -> RefusedCharacter | None:
    """The first refused character of the text, its code point as ``U+0000``."""
    # Most text is printable throughout: one pass in C, no regular expression.
    if text.isprintable():
        return None
    found = _refused().search(text)
    if found is None:
        return None
    char = found.group()
    return RefusedCharacter(f"U+{ord(char):04X}", _IS_CONTROL.match(char) is not None)


def without_refused_characters(text: str) -> str:
    found = refused_character_in(text)
    if found is not None:
        raise PydanticCustomError(
            found.error_type,
            "must not contain the {kind} {character}",
            {"kind": found.kind, "character": found.code_point},
        )
    return text


PlainText = AfterValidator(without_refused_characters)
