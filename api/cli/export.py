"""``credit-ledger export LIST --format csv|json``: a whole public list.

The views are first brought up to the ledger's head, then read in one
snapshot; the position it reflects is printed on stderr (and is in the JSON).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel

from api.csv_export import csv_text
from api.schemas.public_lists import RedListEntryPublic, SeriousListEntryPublic
from api.schemas.publicity import (
    CommitmentEntryPublic,
    LicenceEntryPublic,
    PenaltyEntryPublic,
)
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings, existing_store
from infrastructure.whole_files import FileReplacement
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
    output: FileReplacement | None = None
    if args.output is not None:
        try:
            # Before the list is read: a file that cannot be written fails now.
            output = FileReplacement(args.output)
        except OSError as error:
            return _not_written(args.output, error)
    with output or contextlib.nullcontext():
        data, summary = _exported(args)
        if output is None:
            _write_all(sys.stdout.buffer, data)
            sys.stdout.flush()
        else:
            try:
                output.complete(data)
            except OSError as error:
                return _not_written(args.output, error)
    print(summary, file=sys.stderr)
    return 0


def _exported(args: argparse.Namespace) -> tuple[bytes, str]:
    """The list as the format asks, and what it holds."""
    services = build_services(existing_store(Settings()))
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
    summary = f"{args.list}: {len(rows)} rows at position {page.position}"
    return text.encode("utf-8"), summary


def _write_all(stream: BinaryIO, data: bytes) -> None:
    """All of ``data``: an unbuffered stdout (``python -u``) takes what a pipe
    holds when its reader goes away mid-write, and only writing the rest
    raises the BrokenPipeError that ends the command quietly."""
    rest = memoryview(data)
    while rest:
        rest = rest[stream.write(rest) :]


def _not_written(path: Path, error: OSError) -> int:
    """One line: the file stays as it was (or absent)."""
    reason = error.strerror or str(error)
    print(f"error: cannot write {path}: {reason}", file=sys.stderr)
    return 2
