"""``credit-ledger export LIST --format csv|json``: a whole public list.

The views are first brought up to the ledger's head, then read in one
snapshot; the position it reflects is printed on stderr (and is in the JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from api.csv_export import csv_text
from api.schemas.public_lists import RedListEntryPublic, SeriousListEntryPublic
from api.schemas.publicity import (
    CommitmentEntryPublic,
    LicenceEntryPublic,
    PenaltyEntryPublic,
)
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from projections.paging import Page, PageQuery, PublicList
from projections.public_view import PublicViewReads

Reader = Callable[[PublicViewReads, PageQuery], Page[Any]]
EXPORTS: dict[PublicList, tuple[Reader, type[BaseModel]]] = {
    PublicList.SERIOUS_DISHONESTY: (
        lambda views, q: views.serious_list(q),
        SeriousListEntryPublic,
    ),
    PublicList.RED: (lambda views, q: views.red_list(q), RedListEntryPublic),
    PublicList.LICENCES: (lambda views, q: views.licences(q), LicenceEntryPublic),
    PublicList.PENALTIES: (lambda views, q: views.penalties(q), PenaltyEntryPublic),
    PublicList.COMMITMENTS: (
        lambda views, q: views.commitments(q),
        CommitmentEntryPublic,
    ),
}


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "export", help="write a public list or column as CSV (UTF-8, BOM) or JSON"
    )
    parser.add_argument("list", choices=[str(name) for name in EXPORTS])
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument(
        "--output", type=Path, default=None, help="file to write (default: stdout)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    services = build_services(Settings())
    try:
        services.read_models.catch_up()
        read, model = EXPORTS[PublicList(args.list)]
        page = read(services.read_models.public, PageQuery(limit=None))
    finally:
        services.close()
    rows = [model.model_validate(row, from_attributes=True) for row in page.rows]
    if args.format == "csv":
        text = csv_text(model, rows)
    else:
        document = {
            "list": args.list,
            "position": page.position,
            "count": len(rows),
            "data": [row.model_dump(mode="json") for row in rows],
        }
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        args.output.write_text(text, encoding="utf-8")
    print(f"{args.list}: {len(rows)} rows at position {page.position}", file=sys.stderr)
    return 0
