"""``credit-ledger expire``: emit once what time has made due (``serve`` also
does this on a timer). A second run, or a run racing ``serve``'s, emits nothing
twice: each subject decides, and a concurrent write makes it decide again."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from application.ledger import CreditLedger
from application.results import RecordedEvent
from infrastructure.bootstrap import build_services
from infrastructure.expiry_scheduler import expire_caught_up
from infrastructure.log_masking import mask_sensitive
from infrastructure.settings import Settings, existing_store

# Each event type names its record and the day it took effect by these fields.
DAY_FIELDS = ("expired_on", "decided_on")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "expire",
        help="emit the due PublicityExpired / Delisted / RedListRevoked events once",
    )
    parser.set_defaults(func=run)


def run(_: argparse.Namespace) -> int:
    services = build_services(existing_store(Settings()))
    try:
        # The views are brought to the head here, in case no serve is running.
        services.read_models.catch_up()
        emitted = expire_caught_up(services.ledger, services.read_models)
        lines = describe(services.ledger, emitted)
        today = services.ledger.today()
        head = services.ledger.head_position()
    finally:
        services.close()
    for line in lines:
        print(line)
    kinds = Counter(e.type for e in emitted)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    subjects = len({e.subject for e in emitted})
    print(
        f"Emitted {len(emitted)} events"
        + (f" ({summary}) for {subjects} subjects" if emitted else "")
        + f" due on or before {today}; store head at position {head}"
    )
    return 0


def describe(ledger: CreditLedger, emitted: list[RecordedEvent]) -> list[str]:
    """One line per event, with the record it ends (read back from the history)."""
    data: dict[int, dict[str, Any]] = {}
    for code in dict.fromkeys(e.subject for e in emitted):
        positions = {e.position for e in emitted if e.subject == code}
        for entry in ledger.history(code):
            if entry.position in positions:
                data[entry.position] = entry.data
    lines = []
    for event in emitted:
        fields = data.get(event.position, {})
        day = next((fields[f] for f in DAY_FIELDS if f in fields), "?")
        reason = f" ({fields['reason']})" if "reason" in fields else ""
        # Masked as in the service's log, where its timer reports the same events.
        subject = mask_sensitive(event.subject)
        lines.append(
            f"{event.type:<17} {subject}  record {fields.get('record_id', '?')}"
            f"{reason} on {day}  (v{event.version}, position {event.position})"
        )
    return lines
