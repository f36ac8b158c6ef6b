"""Text refuses control characters but tab, newline and carriage return, and
every invisible format character (Unicode category Cf)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from api.schemas.plain_text import (
    RefusedCharacter,
    format_characters,
    refused_character_in,
)


def test_the_format_characters_are_all_those_of_category_cf() -> None:
    every = "".join(
        chr(point)
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) == "Cf"
    )

    assert format_characters() == every


@pytest.mark.parametrize(
    ("char", "code_point"),
    [
        ("\u200b", "U+200B"),  # zero-width space
        ("\u00ad", "U+00AD"),  # soft hyphen
        ("\u200c", "U+200C"),  # zero-width non-joiner
        ("\u200d", "U+200D"),  # zero-width joiner
        ("\u2060", "U+2060"),  # word joiner
        ("\u202a", "U+202A"),
        ("\u202e", "U+202E"),  # right-to-left override
        ("\u2066", "U+2066"),
        ("\u2069", "U+2069"),
        ("\ufeff", "U+FEFF"),  # zero-width no-break space, the byte order mark
        ("\U000e0041", "U+E0041"),  # a tag character
    ],
)
def test_an_invisible_format_character_is_refused(char: str, code_point: str) -> None:
    found = refused_character_in(f"110105{char}19900517{char}0011")

    assert found == RefusedCharacter(code_point, is_control=False)
    assert str(found) == f"the invisible format character {code_point}"


@pytest.mark.parametrize(
    ("char", "code_point"), [("\x00", "U+0000"), ("\x85", "U+0085")]
)
def test_a_control_character_is_still_named_as_one(char: str, code_point: str) -> None:
    found = refused_character_in(f"content{char}")

    assert str(found) == f"the control character {code_point}"


def test_the_first_refused_character_is_named() -> None:
    found = refused_character_in("a\u200bb\x00c")

    assert found == RefusedCharacter("U+200B", is_control=False)


@pytest.mark.parametrize(
    "text",
    [
        "稷山县市场监督管理局\u3000稷市监罚〔2024〕1号",  # ideographic space
        "第一条\n第二条\r\n\t（一）",
        "\U00020000\U0002a6d6",  # CJK extension B
        "葛\U000e0100",  # an ideographic variation sequence (Mn, not Cf)
        "no\u00a0break",
    ],
)
def test_chinese_text_and_its_spacing_are_kept(text: str) -> None:
    assert refused_character_in(text) is None
