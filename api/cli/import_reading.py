"""An import file's lines, read as the README describes: only a newline ends a
line, a CRLF ending and a byte-order mark at the start are no part of one, and
blank lines are skipped but keep their numbers. A line that is not UTF-8 is
handed on as ``NotText``, to be refused alone."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from api.line_workers import Lines, NotText

# Read in large steps: with the default buffer, reading took a third longer.
BUFFER_BYTES = 1 << 20


def count_lines(path: Path) -> int:
    """How many lines ``line_chunks`` hands out."""
    with _opened(path) as lines:
        return sum(1 for line in lines if not _blank(line))


def line_chunks(path: Path, size: int) -> Iterator[Lines]:
    """The lines, numbered from 1, ``size`` at a time."""
    chunk: Lines = []
    with _opened(path) as lines:
        for number, line in enumerate(lines, start=1):
            if _blank(line):
                continue
            # Decoded line by line, so that one bad line stops no other.
            try:
                chunk.append((number, line.rstrip(b"\r\n").decode()))
            except UnicodeDecodeError:
                chunk.append((number, NotText.of(line.rstrip(b"\r\n"))))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _blank(line: bytes) -> bool:
    """Whether the line holds only whitespace, as ``str.strip`` sees it (the
    batch endpoint's test): the full-width space of Chinese input too."""
    visible = line.strip()
    if not visible:
        return True
    # A line of JSON starts with a visible ASCII character: no decoding needed.
    if visible[0] < 0x80:
        return False
    return not visible.decode(errors="replace").strip()


def _opened(path: Path) -> BinaryIO:
    lines = path.open("rb", buffering=BUFFER_BYTES)
    try:
        if lines.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            lines.seek(0)
    except BaseException:
        lines.close()
        raise
    return lines
