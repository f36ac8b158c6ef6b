"""Pairs of adjacent characters of legal persons' names: the name search's keys.

A name holds a searched part (``lower(name) LIKE '%part%'``) only if it holds
every pair of adjacent characters of the part, so the rows of the part's rarest
pair are the only candidates, and are read in name order. Chinese names are
searched by two characters or more, and most pairs are rare.

A pair is made of characters that ``lower()`` treats alike in every database
and locale, so a pair of the part is a pair of every name that matches it:
caseless ones (Han, digits, punctuation, spaces) as they are, and Latin letters
in lower case, but for ``i``, which Turkish locales lower differently. Other
characters break pairs; a part without any pair is searched without the keys
(as a part of one character is).
"""

from __future__ import annotations

from itertools import pairwise


def name_grams(text: str) -> list[str]:
    """Each pair once, in the order they first occur."""
    keys = [_key(char) for char in text]
    pairs = (a + b for a, b in pairwise(keys) if a is not None and b is not None)
    return list(dict.fromkeys(pairs))


def _key(char: str) -> str | None:
    lower = char.lower()
    if lower == char == char.upper():
        return char
    if len(lower) == 1 and "a" <= lower <= "z" and lower != "i":
        return lower
    return None
