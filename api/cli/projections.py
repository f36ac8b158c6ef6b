"""``credit-ledger projections rebuild [NAME]``: rebuild read models from 0."""

from __future__ import annotations

import argparse
from typing import Any

from tqdm import tqdm

from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import rebuild


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "projections", help="manage the read models (lists, columns, repairs)"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuilding = actions.add_parser(
        "rebuild",
        help="rebuild from position 0 into new tables while the old ones keep "
        "serving, then swap them in",
    )
    rebuilding.add_argument(
        "name", nargs="?", choices=sorted(PROJECTIONS), help="default: all"
    )
    rebuilding.add_argument("--batch-size", type=int, default=2000)
    rebuilding.set_defaults(func=run_rebuild)


def run_rebuild(args: argparse.Namespace) -> int:
    services = build_services(Settings())
    read_models = services.read_models
    ledger = services.ledger
    try:
        for name in [args.name] if args.name else sorted(PROJECTIONS):
            with tqdm(
                total=ledger.head_position(), unit="event", desc=name
            ) as progress:
                position = rebuild(
                    ledger,
                    read_models.views[name],
                    PROJECTIONS[name].projection,
                    progress=progress.update,
                    batch_size=args.batch_size,
                )
            print(f"{name}: rebuilt and swapped in at position {position}")
    finally:
        services.close()
    return 0
