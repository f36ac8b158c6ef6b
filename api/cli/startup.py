"""Building the services when several processes start at once.

Each process creates the tables it needs if they are missing, one process at a
time (``infrastructure.setup_lock``); but the database may still be starting
when they do. That passes: try again, a few times.
"""

from __future__ import annotations

import time

from eventsourcing.persistence import PersistenceError

from infrastructure.bootstrap import Services, build_services
from infrastructure.settings import Settings

ATTEMPTS = 5
PAUSE_SECONDS = 0.5


def services_when_ready(settings: Settings) -> Services:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return build_services(settings)
        except PersistenceError:
            if attempt == ATTEMPTS:
                raise
            time.sleep(PAUSE_SECONDS * attempt)
    raise AssertionError("unreachable")
