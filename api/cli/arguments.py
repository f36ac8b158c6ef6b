"""Argument types the commands share: each refuses what the command cannot use,
so argparse answers with the usage and exit status 2 before anything is done."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return value


def name_text(text: str) -> str:
    """A department or actor as recorded on every event: not blank."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("must not be blank")
    return name
