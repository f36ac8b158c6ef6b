"""Text an event or a subject may hold: no control characters but tab, newline
and carriage return.

PostgreSQL text cannot hold NUL: an event carrying one would be stored, then
fail every view update that writes it. The other C0 controls, DEL and the C1
controls (U+0080 to U+009F, what text decoded in the wrong encoding often
holds) are never meant in a decision's text, and are refused alike.
"""

from __future__ import annotations

import re

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_in(text: str) -> str | None:
    """The first refused control character of the text, as ``U+0000``."""
    # Most text is printable throughout: one pass in C, no regular expression.
    if text.isprintable():
        return None
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def without_control_characters(text: str) -> str:
    found = control_character_in(text)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "must not contain the control character {character}",
            {"character": found},
        )
    return text


PlainText = AfterValidator(without_control_characters)
