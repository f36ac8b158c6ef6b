"""Argument types the commands share: each refuses what the command cannot use,
so argparse answers with the usage and exit status 2 before anything is done."""

from __future__ import annotations

import argparse

MAX_PORT = 65535


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return value


def non_negative_int(text: str) -> int:
    """A count where 0 means none, as worker processes where 0 is this one alone."""
    value = _whole_number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"not a whole number of 0 or more: {text}")
    return value


def port_number(text: str) -> int:
    """A TCP port; 0 lets the system pick a free one (uvicorn logs which)."""
    value = _whole_number(text)
    if value is None or not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"not a port (0-{MAX_PORT}): {text}")
    return value


def name_text(text: str) -> str:
    """A department or actor as recorded on every event: not blank."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("must not be blank")
    return name


def _whole_number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
