"""The ``credit-ledger`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.cli import (
    audit,
    calendar,
    expire,
    export,
    import_file,
    keys,
    project,
    projections,
    relay,
    replay,
    serve,
)

COMMAND_MODULES = [
    serve,
    keys,
    replay,
    import_file,
    relay,
    calendar,
    audit,
    projections,
    project,
    export,
    expire,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-ledger",
        description="Event-sourced credit records for a county public-credit office. "
        "Configuration comes from CREDIT_LEDGER_* environment variables "
        "(see the README); the default store is an SQLite file under ./var/.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
