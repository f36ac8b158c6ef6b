"""``credit-ledger calendar``: import a year the bundled holiday calendar lacks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infrastructure.holidays import import_operator_year, load_calendar
from infrastructure.settings import Settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "calendar", help="holiday calendars for years the bundled one lacks"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    imports = actions.add_parser(
        "import",
        help="validate a year file and add it to the operator calendar",
        description='FILE: {"year": 2027, "source": "...", "holidays": [...], '
        '"workdays": [...]} or a list of such objects. It is merged into '
        "CREDIT_LEDGER_HOLIDAY_CALENDAR (default var/holiday-calendar.json), "
        "which serve reads at start.",
    )
    imports.add_argument("file", type=Path)
    imports.add_argument(
        "--override-bundled",
        action="store_true",
        help="replace a year the bundled calendar already has (refused otherwise)",
    )
    imports.set_defaults(func=import_year)
    show = actions.add_parser("years", help="list the years with an official table")
    show.set_defaults(func=list_years)


def import_year(args: argparse.Namespace) -> int:
    target = Settings().holiday_calendar
    try:
        # A target that cannot be read is the setting's fault, not FILE's:
        # main reports it.
        table = import_operator_year(args.file, target, args.override_bundled)
    except OSError as e:
        # Reading FILE, or writing the calendar file beside which it is made.
        failed = args.file if e.filename == str(args.file) else target
        print(f"error: {failed}: {e.strerror or e}", file=sys.stderr)
        return 2
    except (ValueError, json.JSONDecodeError) as e:
        print(f"error: {args.file}: {e}", file=sys.stderr)
        return 2
    print(
        f"Imported {table.year} ({len(table.holidays)} holidays, "
        f"{len(table.adjusted_workdays)} adjusted workdays) into {target}"
    )
    return 0


def list_years(_: argparse.Namespace) -> int:
    calendar = load_calendar(Settings().holiday_calendar)
    print(year_ranges(calendar.covered_years) or "none")
    return 0


def year_ranges(years: Sequence[int]) -> str:
    """Sorted years as runs, ``2004–2027, 2030``: a year missing between two
    imported ones has no table, so its deadlines fall back to weekdays."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(
        f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs
    )
