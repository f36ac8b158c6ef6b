"""Text with its percent-encoded UTF-8 decoded, as a logged URL is read.

A query string is logged as the client sent it, and the service decodes it:
``%31`` is ``1``, ``%EF%BC%8C`` a full-width comma. What is found in the decoded
text is replaced in the text as logged, so each decoded character keeps where
it started. Bytes that are not UTF-8 decode one each to a lone surrogate, which
is neither a letter nor a digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENCODED_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNDECODABLE = range(0xDC80, 0xDD00)


@dataclass(frozen=True)
class Decoded:
    text: str
    # Where each character of ``text`` starts in the original, and its end;
    # None when nothing was encoded (the texts are the same).
    origins: list[int] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.origins is None:
            return start, end
        return self.origins[start], self.origins[end]


def percent_decoded(text: str) -> Decoded:
    if "%" not in text:
        return Decoded(text)
    pieces: list[str] = []
    origins: list[int] = []
    done = 0
    for run in _ENCODED_RUN.finditer(text):
        pieces.append(text[done : run.start()])
        origins.extend(range(done, run.start()))
        chars = bytes.fromhex(run.group().replace("%", "")).decode(
            "utf-8", "surrogateescape"
        )
        pieces.append(chars)
        at = run.start()
        for char in chars:
            origins.append(at)
            at += 3 if ord(char) in _UNDECODABLE else 3 * len(char.encode())
        done = run.end()
    if not done:
        return Decoded(text)
    pieces.append(text[done:])
    origins.extend(range(done, len(text) + 1))
    return Decoded("".join(pieces), origins)
