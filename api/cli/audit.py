"""``credit-ledger audit``: verify the store, sign a checkpoint, check a bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from api.cli import audit_offline
from api.cli.arguments import non_negative_int, positive_int
from application.audit_errors import AuditError, AuditKeyUnusable, VerifyStopped
from application.audit_findings import VerifyReport
from application.audit_ports import SignatureCheck
from application.audit_verify import StoreVerifier
from application.audit_workers import default_workers
from infrastructure.audit.event_log import event_log_pages
from infrastructure.audit.signing import (
    public_key_file,
    public_key_of_key_file,
    signature_check,
)
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings, existing_store


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "audit", help="tamper evidence: verify the store, sign checkpoints"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check every event's hash chain, the audit log and every checkpoint",
        description="Reads the whole store (it writes nothing). Exit status 1 and "
        "one line per problem, naming position, subject and version, if anything "
        "was altered, deleted, reordered or rewritten after a checkpoint.",
    )
    verify.add_argument(
        "--public-key",
        type=Path,
        default=None,
        help="PEM public key of the log (default: from CREDIT_LEDGER_SIGNING_KEY_FILE)",
    )
    verify.add_argument(
        "--checkpoint",
        dest="checkpoints",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a checkpoint published outside the store (the JSON `audit checkpoint` "
        "prints, or an evidence bundle's): the store must still hold it and "
        "match it, so deleting newer checkpoints cannot hide a rewrite. Repeatable",
    )
    verify.add_argument(
        "--workers",
        type=non_negative_int,
        default=None,
        metavar="N",
        help="processes that decode and hash events (0: none, all in this one; "
        "default: one per core for a store of 20,000 events or more)",
    )
    verify.set_defaults(func=verify_store)
    checkpoint = actions.add_parser(
        "checkpoint", help="log every new event and sign a checkpoint now"
    )
    checkpoint.set_defaults(func=sign_checkpoint)
    audit_offline.register(actions)
    access = actions.add_parser("access-log", help="print the newest access records")
    access.add_argument("--limit", type=positive_int, default=50)
    access.set_defaults(func=print_access_log)


def verify_store(args: argparse.Namespace) -> int:
    # An empty store made for a mistyped path would pass.
    settings = existing_store(Settings())
    try:
        published = [audit_offline.checkpoint_in(path) for path in args.checkpoints]
        check_signature = _signature_check(args.public_key, settings)
    except (audit_offline.Refused, AuditKeyUnusable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    services = build_services(settings)
    try:
        audit = services.audit
        total = services.ledger.head_position()
        workers = default_workers(total) if args.workers is None else args.workers
        verifier = StoreVerifier(
            services.ledger,
            audit.leaves,
            audit.checkpoints,
            check_signature,
            log=event_log_pages(services.ledger.recorder),
            workers=workers,
            published=published,
        )
        helpers = f" ({workers} worker processes)" if workers else ""
        print(f"audit verify: checking {total} positions{helpers}", file=sys.stderr)
        with tqdm(total=total, unit="event", file=sys.stderr) as progress:
            report = verifier.run(progress.update)
    except VerifyStopped as error:
        print(
            f"error: {error}; run audit verify again (--workers 0 checks in this "
            "one process)",
            file=sys.stderr,
        )
        return 2
    finally:
        services.close()
    return _print_report(report)


def sign_checkpoint(_: argparse.Namespace) -> int:
    services = build_services(existing_store(Settings()))
    try:
        checkpoint = services.audit.sign_checkpoint()
    except AuditKeyUnusable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except AuditError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(f"signed checkpoint: size {checkpoint.size}, root {checkpoint.root_hash}")
    print(checkpoint.to_json())
    return 0


def print_access_log(args: argparse.Namespace) -> int:
    services = build_services(existing_store(Settings()))
    try:
        records = services.access_log.recent(args.limit)
    finally:
        services.close()
    for r in reversed(records):
        who = f"{r.key_id or '-'} {r.department or '-'}/{r.actor or '-'}"
        print(f"{r.at.isoformat()}  {who:<40} {r.method:<6} {r.status} {r.path}")
    return 0


def _signature_check(
    public_key: Path | None, settings: Settings
) -> SignatureCheck | None:
    if public_key is not None:
        return signature_check(public_key_file(public_key))
    if settings.signing_key_file.exists():
        return signature_check(public_key_of_key_file(settings.signing_key_file))
    print(
        f"note: no key file at {settings.signing_key_file} and no --public-key: "
        "no checkpoint signature can be checked",
        file=sys.stderr,
    )
    return None


def _print_report(report: VerifyReport) -> int:
    for note in report.notes:
        print(f"note: {note}")
    for finding in report.findings:
        print(f"PROBLEM {finding}")
    summary = (
        f"{_count(report.events, 'event')} of {_count(report.subjects, 'subject')}; "
        f"{_checkpoints(report)}"
    )
    if report.unlogged:
        summary += f"; {_count(report.unlogged, 'event')} not yet in the audit log"
    if report.ok:
        print(f"OK: {summary}")
        return 0
    print(f"FAILED: {_count(len(report.findings), 'problem')} in {summary}")
    return 1


def _checkpoints(report: VerifyReport) -> str:
    bad = report.bad_signatures
    if not report.checkpoints:
        if bad:
            return f"{_count(bad, 'checkpoint')}, none signed by the log's key"
        return "no checkpoint"
    if report.signatures_checked:
        checkpoints = _count(report.checkpoints, "signed checkpoint")
    else:
        unchecked = _count(report.checkpoints, "checkpoint")
        checkpoints = f"{unchecked} (signatures not checked)"
    covering = _count(report.signed_size, "event")
    summary = f"{checkpoints}, the latest covering {covering}"
    if bad:
        summary += f", and {_count(bad, 'checkpoint')} not signed by the log's key"
    return summary


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
