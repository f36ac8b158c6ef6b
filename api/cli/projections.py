"""``credit-ledger projections rebuild [NAME]``: rebuild read models from 0."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tqdm import tqdm

from api.cli.arguments import positive_int
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings, existing_store
from infrastructure.views.read_models import PROJECTIONS
from infrastructure.views.rebuild import (
    DEFAULT_BATCH_SIZE,
    RebuildTarget,
    rebuild_all,
)
from infrastructure.views.rebuild_workers import (
    RebuildWorkerFailed,
    worker_processes_for,
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "projections", help="manage the read models (lists, columns, repairs)"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuilding = actions.add_parser(
        "rebuild",
        help="rebuild from position 0 into new tables while the old ones keep "
        "serving, then swap them in; all views in one pass over the log",
    )
    rebuilding.add_argument(
        "name", nargs="?", choices=sorted(PROJECTIONS), help="default: all"
    )
    rebuilding.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        help="events per transaction of each view",
    )
    rebuilding.add_argument(
        "--workers",
        type=positive_int,
        help="processes sharing the views out, each reading the log once "
        "(default: 2 on PostgreSQL with 2 cores or more, 1 on SQLite)",
    )
    rebuilding.set_defaults(func=run_rebuild)


def run_rebuild(args: argparse.Namespace) -> int:
    settings = existing_store(Settings())
    services = build_services(settings)
    read_models = services.read_models
    ledger = services.ledger
    names = [args.name] if args.name else sorted(PROJECTIONS)
    targets = [
        RebuildTarget(read_models.views[name], PROJECTIONS[name].projection)
        for name in names
    ]
    split = worker_processes_for(settings, args.workers)
    try:
        with tqdm(
            total=ledger.head_position(),
            unit="event",
            unit_scale=True,
            desc=f"rebuilding {', '.join(names)}",
        ) as progress:
            position = rebuild_all(
                ledger, targets, progress.update, args.batch_size, split
            )
        for name in names:
            print(f"{name}: rebuilt and swapped in at position {position}")
    except RebuildWorkerFailed as error:
        # Nothing was swapped in: the live views are as they were.
        print(
            f"error: the rebuild stopped: a worker process failed: {error.which}; "
            "the live views are untouched, running it again is safe",
            file=sys.stderr,
        )
        return 2
    finally:
        services.close()
    return 0
