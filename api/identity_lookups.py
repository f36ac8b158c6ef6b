"""How many natural persons a client without a key may look up by full number.

Public answers mask an identity number's birth date only, and a lookup by full
number (the search, the ``subject`` filter, the portal) tells whether a guess
is right: about 1,700 guesses recover a number. Each address gets a token
bucket; a number it looked up within the hour costs nothing again (the portal's
search redirects to the page of the number found, and pages of one search go on
with the same ``q``). IPv6 addresses are counted by their /64, the block one
subscriber is given, not one address of it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from api.rate_limit import MAX_BUCKETS, TokenBuckets
from infrastructure.settings import Settings

WINDOW_SECONDS = 3600.0
MAX_REMEMBERED = 100_000
IPV6_SUBSCRIBER_PREFIX = 64
log = logging.getLogger("credit_ledger.api")
K = TypeVar("K")


class IdentityLookups:
    def __init__(
        self,
        per_hour: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_hour = per_hour
        self._burst = burst
        self._buckets = TokenBuckets(per_hour / WINDOW_SECONDS, burst, clock)
        self._clock = clock
        self._remembered: OrderedDict[bytes, float] = OrderedDict()
        self._warned: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, address: str, number: str) -> float:
        """0 if ``address`` may look ``number`` up now; else the seconds until
        it may look up another."""
        client = client_key(address)
        seen = hashlib.sha256(f"{client}\0{number}".encode()).digest()
        now = self._clock()
        with self._lock:
            if _within_window(self._remembered.get(seen), now):
                return 0.0
        wait = self._buckets.take(client)
        with self._lock:
            if wait:
                self._warn(client, now)
            else:
                _remember(self._remembered, seen, now, MAX_REMEMBERED)
        return wait

    def _warn(self, client: str, now: float) -> None:
        if _within_window(self._warned.get(client), now):
            return
        _remember(self._warned, client, now, MAX_BUCKETS)
        log.warning(
            "%s looked up more natural persons by full identity number without "
            "a key than its limit allows (%d at once, then %g an hour); its "
            "further lookups are refused",
            client,
            self._burst,
            self._per_hour,
        )


def _within_window(at: float | None, now: float) -> bool:
    return at is not None and now - at < WINDOW_SECONDS


def _remember(kept: OrderedDict[K, float], key: K, now: float, most: int) -> None:
    kept.pop(key, None)
    kept[key] = now
    if len(kept) > most:
        kept.popitem(last=False)


def client_key(address: str) -> str:
    """The address a client is counted by: an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_SUBSCRIBER_PREFIX), strict=False))
    return str(ip)


def identity_lookups_for(
    settings: Settings, clock: Callable[[], float] = time.monotonic
) -> IdentityLookups | None:
    """The limit the settings ask for; None when it is off (0 an hour)."""
    per_hour = settings.public_id_lookups_per_hour
    if per_hour == 0:
        return None
    return IdentityLookups(per_hour, settings.public_id_lookup_burst, clock)
