"""``credit-ledger replay CODE [--as-of T]``: a subject's history and rebuilt state."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from api.translate import state_public
from application.errors import SubjectNotFound
from domain.errors import InvalidSubjectCode
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings, existing_store


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "replay", help="print a subject's events and its state rebuilt from them"
    )
    parser.add_argument("code", help="unified social credit code or resident ID")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=None,
        help="RFC 3339 instant, e.g. 2024-05-01T00:00:00+08:00",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.as_of is not None and args.as_of.tzinfo is None:
        print("error: --as-of needs a time zone offset", file=sys.stderr)
        return 2
    if args.as_of is not None and args.as_of > datetime.now(UTC):
        print(
            f"error: --as-of {args.as_of.isoformat()} is later than now: a state "
            "can be rebuilt only as it was at a past moment",
            file=sys.stderr,
        )
        return 2
    services = build_services(existing_store(Settings()))
    try:
        history = services.ledger.history(args.code)
        state = services.ledger.state(args.code, as_of=args.as_of)
    except (SubjectNotFound, InvalidSubjectCode) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        services.close()
    for entry in history:
        if args.as_of is not None and entry.recorded_at > args.as_of:
            break
        print(
            f"v{entry.version:<4} #{entry.position:<8} {entry.recorded_at.isoformat()} "
            f"{entry.type:<22} {entry.department}/{entry.actor}"
        )
    print(state_public(state).model_dump_json(indent=2))
    return 0
