"""``credit-ledger serve``: the API, the portal and in-process projections."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

import uvicorn

from api.app import create_app
from api.cli.arguments import port_number
from api.cli.logs import logging_to_stderr
from application.audit_errors import AuditKeyUnusable
from infrastructure.bootstrap import Services
from infrastructure.settings import Settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve", help="run the HTTP API (and portal) with uvicorn"
    )
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument(
        "--port",
        type=port_number,
        default=8000,
        help="default 8000; 0: a free port the system picks",
    )
    parser.add_argument(
        "--http-log",
        action="store_true",
        help="also print uvicorn's per-request lines (the access log table "
        "records every write and audit read either way)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    app = create_app(Settings())
    services: Services = app.state.services
    try:
        services.audit.load_signer()
    except AuditKeyUnusable as error:
        app.state.committer.stop()
        services.close()
        print(f"error: {error}", file=sys.stderr)
        return 2
    # What startup built lives as long as the process: out of the collector's
    # sight, a full collection scans only what requests left behind (it took
    # over 100 ms with everything in view, a stall felt by every waiting request).
    gc.collect()
    gc.freeze()
    # uvicorn's log configuration names its own loggers only: the service's
    # lines go through this handler, masked.
    with logging_to_stderr():
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="info",
            access_log=args.http_log,
        )
    return 0
