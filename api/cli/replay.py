"""``credit-ledger replay CODE [--as-of T]``: a subject's history and rebuilt state."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from api.translate import state_public
from application.errors import SubjectNotFound
from application.history_chain import chain_break
from application.results import HistoryEntry
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
        # The store's head as read, as the API's answer names it: every event
        # up to it was there to rebuild the state from.
        position = services.ledger.head_position()
        history = services.ledger.history(args.code)
        state = services.ledger.state(args.code, as_of=args.as_of)
    except (SubjectNotFound, InvalidSubjectCode) as e:
        # The command could not do its job (a typo, a subject not there then):
        # not a finding, which status 1 is, as a broken chain is.
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        services.close()
    _print_history(history, args.as_of)
    shown = state_public(state).model_copy(update={"position": position})
    print(shown.model_dump_json(indent=2))
    return _chain_finding(state.subject, history)


def _print_history(history: list[HistoryEntry], as_of: datetime | None) -> None:
    for entry in history:
        if as_of is not None and entry.recorded_at > as_of:
            break
        print(
            f"v{entry.version:<4} #{entry.position:<8} {entry.recorded_at.isoformat()} "
            f"{entry.type:<22} {entry.department}/{entry.actor}"
        )


def _chain_finding(code: str, history: list[HistoryEntry]) -> int:
    """Status 1 and a warning if the chain breaks (a finding, as ``audit
    verify``'s are): what was printed may not be what was recorded."""
    version = chain_break(code, history)
    if version is None:
        return 0
    print(
        f"warning: the hash chain of {code} breaks at version {version}: an event "
        "was altered, removed or reordered (run credit-ledger audit verify)",
        file=sys.stderr,
    )
    return 1
