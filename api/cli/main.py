"""The ``credit-ledger`` command line."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

# Each command's module, imported only when that command runs (or for --help):
# importing them all cost every command about a second before it began.
COMMAND_MODULES = {
    "serve": "api.cli.serve",
    "keys": "api.cli.keys",
    "replay": "api.cli.replay",
    "import": "api.cli.import_file",
    "relay": "api.cli.relay",
    "calendar": "api.cli.calendar",
    "audit": "api.cli.audit",
    "projections": "api.cli.projections",
    "project": "api.cli.project",
    "export": "api.cli.export",
    "expire": "api.cli.expire",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone."""
    parser = argparse.ArgumentParser(
        prog="credit-ledger",
        description="Event-sourced credit records for a county public-credit office. "
        "Configuration comes from CREDIT_LEDGER_* environment variables "
        "(see the README); the default store is an SQLite file under ./var/.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMAND_MODULES.items():
        if command is None or name == command:
            importlib.import_module(module).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in arguments[:1] if a in COMMAND_MODULES), None)
    args = build_parser(chosen).parse_args(arguments)
    try:
        code: int = args.func(args)
    except ValidationError as error:
        # Here only: commands that read no settings start without their imports.
        from infrastructure.settings import Settings, settings_problems  # noqa: PLC0415

        if error.title != Settings.__name__:
            raise
        print(f"error: {settings_problems(error)}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
