"""``credit-ledger keys``: create, revoke and list department API keys."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.cli.arguments import name_text
from application.clock import SystemClock
from application.keys import (
    SCOPES,
    BlankOwner,
    KeyService,
    UnknownKey,
    UnknownScope,
)
from infrastructure.bootstrap import build_key_store
from infrastructure.settings import Settings, existing_store


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "keys", help="manage department API keys (only hashes are stored)"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create a key; the key is printed once, on the last line"
    )
    create.add_argument(
        "--department", required=True, type=name_text, help="e.g. market-regulation"
    )
    create.add_argument(
        "--actor",
        default=None,
        type=name_text,
        help="who uses the key (default: the department)",
    )
    create.add_argument(
        "--scope",
        dest="scopes",
        action="extend",
        nargs="+",
        required=True,
        choices=sorted(SCOPES),
        help="one or more scopes (--scope record audit, or --scope repeated)",
    )
    create.set_defaults(func=create_key)
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=revoke_key)
    rotate = actions.add_parser(
        "rotate",
        help="replace a key: a new secret with the same department and scopes; "
        "the old key is revoked. The new key is printed once, on the last line",
    )
    rotate.add_argument("key_id")
    rotate.set_defaults(func=rotate_key)
    listing = actions.add_parser("list", help="list keys (ids and scopes, no secrets)")
    listing.set_defaults(func=list_keys)


def _service() -> KeyService:
    return KeyService(build_key_store(existing_store(Settings())))


def create_key(args: argparse.Namespace) -> int:
    # The first key may come before the service's first start.
    service = KeyService(build_key_store(Settings()))
    try:
        record, key = service.create(
            args.department,
            args.actor or args.department,
            set(args.scopes),
            SystemClock().now(),
        )
    except (UnknownScope, BlankOwner) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(
        f"Created key {record.key_id} for {record.department} "
        f"({' '.join(sorted(record.scopes))}). Store it now: it is not shown again."
    )
    print(key)
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    service = _service()
    if service.revoke(args.key_id, SystemClock().now()):
        print(f"Revoked key {args.key_id}")
        return 0
    print(f"error: No active key {args.key_id}", file=sys.stderr)
    return 1


def rotate_key(args: argparse.Namespace) -> int:
    try:
        record, key = _service().rotate(args.key_id, SystemClock().now())
    except UnknownKey as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(
        f"Rotated key {args.key_id}: it is revoked; new key {record.key_id} for "
        f"{record.department} ({' '.join(sorted(record.scopes))}). "
        "Store it now: it is not shown again."
    )
    print(key)
    return 0


def list_keys(_: argparse.Namespace) -> int:
    service = _service()
    for record in service.list():
        state = (
            f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
        )
        print(
            f"{record.key_id}  {record.department:<24} {record.actor:<16} "
            f"{' '.join(sorted(record.scopes)):<24} {state}"
        )
    return 0
