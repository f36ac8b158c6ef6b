"""``credit-ledger import FILE``: bulk-load NDJSON lines, resumable, with progress."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from api.cli.arguments import name_text, positive_int
from api.cli.import_reading import count_lines, line_chunks
from api.line_workers import (
    Answers,
    InModule,
    Lines,
    LineWorkerFailed,
    LineWorkers,
    LoadLines,
    load_in_workers,
)
from application.cores import usable_cores

# Where the lines are recorded; imported by the worker processes' server (or
# here, with one worker), never by the process that hands lines to workers.
LOADING = "api.cli.import_loading"
CHUNK = 500
# Below this many lines, starting worker processes costs more than it saves.
MIN_LINES_FOR_WORKERS = 10_000


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="load an NDJSON file of events; rerunning it never duplicates",
        description="Each line is {subject, idempotency_key?, department?, actor?, "
        "type, ...fields}. Lines without an idempotency_key get one derived from "
        "their content, so an interrupted import can simply be run again.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--department",
        type=name_text,
        default=None,
        help="recorded on each event; without it, each line names its own "
        "department; with it, a line naming another is refused",
    )
    parser.add_argument(
        "--actor",
        default="import",
        type=name_text,
        help="recorded on each event whose line names no actor (default: import)",
    )
    parser.add_argument(
        "--rejects", type=Path, default=None, help="write rejected lines here (NDJSON)"
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="processes to import with (default: one per core and one more, "
        "which uses the time a worker waits on the database, for a file of "
        f"{MIN_LINES_FOR_WORKERS:,} lines or more, else 1); each subject's lines "
        "always go to the same one, in file order. More than that rarely helps",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    # Both files are tried before anything is recorded.
    try:
        total = count_lines(args.file)
    except OSError as error:
        return _cannot(f"read {args.file}", error)
    if args.rejects is not None and _same_file(args.rejects, args.file):
        print(f"error: --rejects {args.rejects} is the file imported", file=sys.stderr)
        return 2
    try:
        rejects = args.rejects.open("w", encoding="utf-8") if args.rejects else None
    except OSError as error:
        return _cannot(f"write --rejects {args.rejects}", error)
    large = total >= MIN_LINES_FOR_WORKERS
    workers = args.workers or (usable_cores() + 1 if large else 1)
    # Started before anything else here: the workers' fork server imports what
    # records lines (half a second) while this process imports the rest.
    pool = _pool(workers)
    try:
        return _import(args, total, pool, rejects)
    finally:
        if pool is not None:
            pool.close()
        if rejects is not None:
            # Whatever closing could not write was reported already.
            with contextlib.suppress(OSError):
                rejects.close()


def _cannot(what: str, error: OSError) -> int:
    print(f"error: cannot {what}: {error.strerror or error}", file=sys.stderr)
    return 2


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except OSError:
        return False


def _pool(workers: int) -> LineWorkers | None:
    if workers == 1:
        return None
    setup = partial(InModule(LOADING, "open_ledger"), dict(os.environ))
    return LineWorkers(workers, setup, [LOADING])


def _import(
    args: argparse.Namespace,
    total: int,
    pool: LineWorkers | None,
    rejects: TextIO | None,
) -> int:
    # Imported here, once the workers are starting (see run), rather than
    # before: together a tenth of a second.
    from tqdm import tqdm  # noqa: PLC0415

    accepted = rejected = 0
    workers = pool.count if pool is not None else 1
    # A line's text is kept until it is answered, for the rejects file.
    raws: dict[int, str] = {}
    # Split among the workers, a chunk still gives each one CHUNK lines to store.
    chunks = _remembering(_read(args.file, CHUNK * workers), raws)
    with _answering(pool, args.department, args.actor) as answered:
        processes = f"{workers} worker processes" if workers > 1 else "this process"
        print(f"importing {total:,} lines with {processes}", file=sys.stderr)
        try:
            with tqdm(total=total, unit="line", file=sys.stderr) as progress:
                for answers in answered(chunks):
                    for number, refusal in answers:
                        raw = raws.pop(number, "")
                        if refusal is None:
                            accepted += 1
                            continue
                        rejected += 1
                        if rejects is not None:
                            _write_reject(rejects, args.rejects, number, refusal, raw)
                    progress.update(len(answers))
            if rejects is not None:
                _flushed(rejects, args.rejects)
        except (LineWorkerFailed, ImportStopped) as error:
            print(f"error: {error}; run the import again to finish it", file=sys.stderr)
            return 2
    print(f"{accepted} accepted, {rejected} rejected, {accepted + rejected} lines")
    return 0 if rejected == 0 else 1


Answering = Callable[[Iterator[Lines]], Iterator[Answers]]


@contextmanager
def _answering(
    pool: LineWorkers | None, department: str | None, actor: str
) -> Iterator[Answering]:
    """What answers the chunks, once the ledger is open (in every worker, if
    any): a store that cannot be opened stops the import before any line is
    handed out, and is raised as itself, for main to answer as for any command
    (there is nothing to finish by running it again)."""
    load_chunk = partial(
        InModule(LOADING, "load_chunk"), department=department, actor=actor
    )
    if pool is not None:
        pool.start()
        yield partial(load_in_workers, pool=pool, load=load_chunk)
        return
    ledger, close = InModule(LOADING, "open_ledger")()
    try:
        yield partial(_answered_here, ledger, load_chunk)
    finally:
        close()


def _answered_here(
    ledger: Any, load_chunk: LoadLines, chunks: Iterator[Lines]
) -> Iterator[Answers]:
    for chunk in chunks:
        try:
            refusals = load_chunk(ledger, chunk)
        except Exception as error:
            # Reported as when a worker fails: exit status 2, run it again.
            raise LineWorkerFailed.of(error) from None
        yield list(zip((number for number, _ in chunk), refusals, strict=True))


class ImportStopped(Exception):
    """The file could not be read, or the rejects written, part-way: what was
    stored stays stored, and running the import again finishes it."""

    @classmethod
    def cannot(cls, what: str, error: OSError) -> ImportStopped:
        return cls(f"cannot {what}: {error.strerror or error}")


@contextmanager
def _stopping_if_cannot(what: str) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise ImportStopped.cannot(what, error) from None


def _read(path: Path, size: int) -> Iterator[Lines]:
    with _stopping_if_cannot(f"read {path}"):
        yield from line_chunks(path, size)


def _write_reject(
    rejects: TextIO, path: Path, number: int, refusal: dict[str, Any], raw: str
) -> None:
    answer = {"line": number, "error": refusal, "raw": raw}
    with _stopping_if_cannot(f"write --rejects {path}"):
        rejects.write(json.dumps(answer, ensure_ascii=False) + "\n")


def _flushed(rejects: TextIO, path: Path) -> None:
    # Else a full disk would only show when the file is closed, as a traceback.
    with _stopping_if_cannot(f"write --rejects {path}"):
        rejects.flush()


def _remembering(chunks: Iterator[Lines], raws: dict[int, str]) -> Iterator[Lines]:
    for chunk in chunks:
        raws.update(chunk)
        yield chunk
