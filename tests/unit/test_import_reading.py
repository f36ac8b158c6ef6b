"""An import file's lines as the README describes them."""

from __future__ import annotations

from pathlib import Path

from api.cli.import_reading import count_lines, line_chunks
from api.line_workers import NotText


def test_lines_keep_their_numbers_past_a_bom_crlf_blank_and_undecodable_lines(
    tmp_path: Path,
) -> None:
    source = tmp_path / "lines.ndjson"
    source.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n\r\n{"b": "\xff"}\r\n \t\n{"c": 3}')

    [chunk] = list(line_chunks(source, 10))

    assert chunk == [(1, '{"a": 1}'), (3, '{"b": "\\xff"}'), (5, '{"c": 3}')]
    assert [isinstance(raw, NotText) for _, raw in chunk] == [False, True, False]
    assert count_lines(source) == len(chunk)


def test_only_a_newline_ends_a_line(tmp_path: Path) -> None:
    source = tmp_path / "lines.ndjson"
    source.write_bytes('{"a":\r1, "b": "\u2028\u0085"}\n{"c": 3}\n'.encode())

    numbers = [number for chunk in line_chunks(source, 10) for number, _ in chunk]
    assert numbers == [1, 2]


def test_chunks_hold_size_lines_and_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "lines.ndjson"
    source.write_text("".join(f'{{"n": {n}}}\n' for n in range(5)))

    assert [len(chunk) for chunk in line_chunks(source, 2)] == [2, 2, 1]


def test_a_line_of_unicode_spaces_is_blank_as_the_batch_endpoint_skips_it(
    tmp_path: Path,
) -> None:
    source = tmp_path / "lines.ndjson"
    source.write_text('{"a": 1}\n\u3000\u3000\n\u00a0\r\n{"b": "\u3000"}\n', "utf-8")

    [chunk] = list(line_chunks(source, 10))

    assert [number for number, _ in chunk] == [1, 4]
    assert count_lines(source) == 2
