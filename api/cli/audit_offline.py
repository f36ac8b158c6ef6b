"""``credit-ledger audit verify-subject``: check an evidence bundle with no database.

It reads only the files it is given and uses only the Merkle, canonical-form
and checkpoint-signature code, so an auditor can run it anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from domain.codes import parse_subject_code
from domain.errors import InvalidSubjectCode
from domain.evidence import (
    BundleReport,
    TrustedCheckpoint,
    TrustedRoot,
    verify_bundle,
)
from infrastructure.audit.checkpoints import Checkpoint, verify_checkpoint


class Refused(Exception):
    """A file that cannot be used as asked; the message names it and why."""


def register(actions: Any) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "verify-subject",
        help="check a subject's evidence bundle against a published checkpoint",
        description="Offline: no database is opened. FILEs are the answers of GET "
        "/v1/audit/subjects/{code}/bundle?size=N and GET /v1/audit/checkpoint (or a "
        "bare checkpoint JSON with --public-key).",
    )
    parser.add_argument("code", help="the subject's code")
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument(
        "--public-key",
        type=Path,
        default=None,
        help="PEM public key obtained independently (default: the one in the "
        "checkpoint file)",
    )
    parser.set_defaults(func=verify_subject)


def verify_subject(args: argparse.Namespace) -> int:
    """0 when the bundle passes, 1 for a finding (a signature that does not
    verify among them), 2 for input that cannot be used at all."""
    try:
        code = parse_subject_code(args.code).value
        checkpoint, public_key = _checkpoint_and_key(args.checkpoint, args.public_key)
        signed = _signed(checkpoint, public_key)
        bundle = _read_json(args.bundle)
    except (Refused, InvalidSubjectCode) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not signed:
        return _print_unsigned(code, args.checkpoint, checkpoint, args.public_key)
    report = verify_bundle(
        bundle,
        code,
        TrustedCheckpoint.of(json.loads(checkpoint.to_json())),
        _later_root(bundle, public_key),
    )
    return _print(report, checkpoint)


def checkpoint_in(path: Path) -> Checkpoint:
    """The checkpoint a file holds: the JSON ``audit checkpoint`` prints, or an
    answer of GET /v1/audit/checkpoint (or a bundle) that carries one."""
    return _checkpoint_of(path, _read_json(path))


def _checkpoint_of(path: Path, data: dict[str, Any]) -> Checkpoint:
    document = data.get("checkpoint", data)
    try:
        return Checkpoint.from_json(json.dumps(document))
    except ValueError as error:
        raise Refused(f"{path}: not a checkpoint: {error}") from None


def _checkpoint_and_key(path: Path, key_file: Path | None) -> tuple[Checkpoint, bytes]:
    data = _read_json(path)
    checkpoint = _checkpoint_of(path, data)
    if key_file is not None:
        try:
            return checkpoint, key_file.read_bytes()
        except OSError as error:
            raise Refused(f"{key_file}: {error}") from None
    if isinstance(data.get("public_key"), str):
        return checkpoint, data["public_key"].encode()
    raise Refused(f"{path} carries no public key: pass --public-key")


def _signed(checkpoint: Checkpoint, public_key: bytes) -> bool:
    try:
        return verify_checkpoint(checkpoint, public_key)
    except ValueError as error:
        raise Refused(f"the public key is not an Ed25519 key: {error}") from None


def _later_root(bundle: dict[str, Any], public_key: bytes) -> TrustedRoot | None:
    """The root of the later checkpoint the bundle cites, if its signature holds."""
    next_event = bundle.get("next_event")
    if not isinstance(next_event, dict):
        return None
    try:
        later = Checkpoint.from_json(json.dumps(next_event.get("checkpoint")))
    except ValueError:
        return None
    if not verify_checkpoint(later, public_key):
        return None
    return TrustedRoot(later.size, later.root_hash)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise Refused(f"{path}: not a JSON object")
    return data


def _print_unsigned(
    code: str, path: Path, checkpoint: Checkpoint, key_file: Path | None
) -> int:
    key = f"the key in {key_file}" if key_file else "the public key it carries"
    print(
        f"PROBLEM bad checkpoint signature: {path}: checkpoint of size "
        f"{checkpoint.size} at {checkpoint.timestamp} (key {checkpoint.key_id}) "
        f"is not signed by {key}"
    )
    print(f"FAILED: subject {code}: no bundle can be checked against that checkpoint")
    return 1


def _print(report: BundleReport, checkpoint: Checkpoint) -> int:
    signed = (
        f"checkpoint size {checkpoint.size}, root {checkpoint.root_hash[:16]}..., "
        f"signed {checkpoint.timestamp} by key {checkpoint.key_id}"
    )
    for problem in report.problems:
        print(f"PROBLEM {problem}")
    if not report.ok:
        print(f"FAILED: subject {report.subject} against {signed}")
        return 1
    print(
        f"OK: subject {report.subject}: versions 1..{report.versions} are in the "
        f"{signed}, each chained to the one before"
    )
    if report.tail_proven:
        print(
            f"complete: version {report.versions + 1} is proven to lie after the "
            "checkpoint, so no later version of the subject is inside it"
        )
    else:
        print(
            f"tail: the service states version {report.versions} is the subject's "
            "last inside the checkpoint; no later signed event proves it yet"
        )
    return 0
