"""The ``credit-ledger`` command line."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from application.errors import UnreadableHistory
from infrastructure.setting_errors import UnusableSetting

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


# As a shell reports a command stopped by SIGINT (128 + 2) or SIGPIPE (128 + 13).
INTERRUPTED = 130
READER_GONE = 141


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt:
        # Safe for every command: import skips the lines it stored (each has
        # an idempotency key), a rebuild swaps nothing in until it is complete,
        # expire emits only what is still due, verify and export only read.
        print("interrupted; running it again is safe", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # What reads the output stopped (``export ... | head``): nothing to
        # say to it, and Python's last flush of stdout must not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return READER_GONE


def _run(argv: Sequence[str] | None) -> int:
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
    except UnusableSetting as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except UnreadableHistory as error:
        # The store, not the command, is at fault; the audit names every damage.
        print(f"error: {error} (run credit-ledger audit verify)", file=sys.stderr)
        return 2
    except Exception as error:
        if not store_failure(error):
            raise
        # The driver's own words (host and port, never the password), without
        # a traceback that would only point into this program.
        reason = " ".join(str(error).split())
        print(f"error: the store failed: {reason}", file=sys.stderr)
        return 2
    return code


# The drivers' errors for a store that cannot be reached or used (a refused
# connection, a wrong password, a file that cannot be opened).
_STORE_ERRORS = (
    ("eventsourcing.persistence", "OperationalError"),
    ("eventsourcing.persistence", "InterfaceError"),
    ("psycopg", "OperationalError"),
    ("sqlite3", "OperationalError"),
)


def store_failure(error: Exception) -> bool:
    """Whether the store failed the command: a module never imported cannot
    have raised its error."""
    for module, name in _STORE_ERRORS:
        kind = getattr(sys.modules.get(module), name, None)
        if kind is not None and isinstance(error, kind):
            return True
    return False


if __name__ == "__main__":
    sys.exit(main())
