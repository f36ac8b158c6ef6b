"""``credit-ledger import FILE``: bulk-load NDJSON lines, resumable, with progress."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from api.batch_lines import record_lines
from api.schemas.batch import BatchLineResult
from application.commands import Actor
from application.keys import SCOPES
from application.ledger import CreditLedger
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings

CHUNK = 500


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="load an NDJSON file of events; rerunning it never duplicates",
        description="Each line is {subject, idempotency_key?, type, ...fields}. "
        "Lines without an idempotency_key get one derived from their content, so an "
        "interrupted import can simply be run again.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--department", required=True, help="recorded on each event")
    parser.add_argument("--actor", default="import", help="recorded on each event")
    parser.add_argument(
        "--rejects", type=Path, default=None, help="write rejected lines here (NDJSON)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    actor = Actor(department=args.department, actor=args.actor)
    services = build_services(Settings())
    accepted = rejected = 0
    rejects = args.rejects.open("w", encoding="utf-8") if args.rejects else None
    total = sum(1 for _ in args.file.open("rb"))
    try:
        with tqdm(total=total, unit="line", file=sys.stderr) as progress:
            for chunk in _chunks(args.file):
                results = _load_chunk(services.ledger, chunk, actor)
                for (number, raw), result in zip(chunk, results, strict=True):
                    if result.status < 300:
                        accepted += 1
                        continue
                    rejected += 1
                    if rejects is not None:
                        answer = {
                            "line": number,
                            "error": result.model_dump(),
                            "raw": raw,
                        }
                        rejects.write(json.dumps(answer, ensure_ascii=False) + "\n")
                progress.update(len(chunk))
    finally:
        services.close()
        if rejects is not None:
            rejects.close()
    print(f"{accepted} accepted, {rejected} rejected, {accepted + rejected} lines")
    return 0 if rejected == 0 else 1


def _chunks(path: Path) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                chunk.append((number, line.rstrip("\n")))
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _load_chunk(
    ledger: CreditLedger, chunk: list[tuple[int, str]], actor: Actor
) -> list[BatchLineResult]:
    lines: list[tuple[int, Any]] = []
    for number, raw in chunk:
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as e:
            item = f"malformed JSON: {e}"
        if isinstance(item, dict) and "idempotency_key" not in item:
            digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
            item["idempotency_key"] = f"import:{digest}"
        lines.append((number, item))
    return record_lines(ledger, lines, actor, SCOPES)
