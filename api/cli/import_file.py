"""``credit-ledger import FILE``: bulk-load NDJSON lines, resumable, with progress."""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from api.batch_lines import record_lines
from api.cli.import_workers import ImportWorkerFailed, Lines, load_in_workers
from api.schemas.batch import BatchLineResult
from application.commands import Actor
from application.keys import SCOPES
from application.ledger import CreditLedger
from infrastructure.ledger_setup import build_ledger
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
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="processes to import with (default 1); each subject's lines always go "
        "to the same one, in file order. More than the machine's cores gains nothing",
    )
    parser.set_defaults(func=run)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return value


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    actor = Actor(department=args.department, actor=args.actor)
    # Workers each build their own ledger; in-process, this one records.
    ledger = build_ledger(Settings()) if args.workers == 1 else None
    _collect_rarely()
    accepted = rejected = 0
    rejects = args.rejects.open("w", encoding="utf-8") if args.rejects else None
    total = sum(1 for _ in args.file.open("rb"))
    # A line's text is kept until it is answered, for the rejects file.
    raws: dict[int, str] = {}
    # Split among the workers, a chunk still gives each one CHUNK lines to store.
    chunks = _remembering(_chunks(args.file, CHUNK * args.workers), raws)
    try:
        if ledger is not None:
            answered = _in_process(ledger, chunks, actor)
        else:
            answered = load_in_workers(
                chunks, args.workers, _worker_setup, partial(_load_chunk, actor=actor)
            )
        with tqdm(total=total, unit="line", file=sys.stderr) as progress:
            for results in answered:
                for number, result in results:
                    raw = raws.pop(number, "")
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
                progress.update(len(results))
    except ImportWorkerFailed as error:
        print(f"error: {error}; run the import again to finish it", file=sys.stderr)
        return 2
    finally:
        if ledger is not None:
            ledger.close()
        if rejects is not None:
            rejects.close()
    print(f"{accepted} accepted, {rejected} rejected, {accepted + rejected} lines")
    return 0 if rejected == 0 else 1


def _in_process(
    ledger: CreditLedger, chunks: Iterator[Lines], actor: Actor
) -> Iterator[list[tuple[int, BatchLineResult]]]:
    for chunk in chunks:
        results = _load_chunk(ledger, chunk, actor)
        yield list(zip((number for number, _ in chunk), results, strict=True))


def _remembering(chunks: Iterator[Lines], raws: dict[int, str]) -> Iterator[Lines]:
    for chunk in chunks:
        raws.update(chunk)
        yield chunk


def _worker_setup() -> tuple[CreditLedger, Callable[[], None]]:
    ledger = build_ledger(Settings())
    _collect_rarely()
    return ledger, ledger.close


def _collect_rarely() -> None:
    """An import keeps the subjects it decides on, so every collection of the
    older generations scans more of them: what start-up built is set aside and
    the young are collected in larger steps (collecting took a tenth of an
    import's time; cycles are still collected, less often)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)


def _chunks(path: Path, size: int = CHUNK) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                chunk.append((number, line.rstrip("\n")))
            if len(chunk) >= size:
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
    return record_lines(ledger, lines, actor, SCOPES, with_events=False)
