"""Per-key rate limit: a token bucket for each API key, refusing with 429.

Buckets are keyed by a digest of the presented key, before the key is checked,
so a flood of made-up keys only drains buckets of its own (and the number of
buckets kept is bounded). Requests without a key are not limited here.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from api.bearer import bearer_token
from api.problems import problem

MAX_BUCKETS = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = MAX_BUCKETS,
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._max_buckets = max_buckets
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if a token was taken; else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(self._burst, now)
            bucket.tokens = min(
                self._burst, bucket.tokens + (now - bucket.at) * self._rate
            )
            bucket.at = now
            self._buckets[key] = bucket
            if len(self._buckets) > self._max_buckets:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self._rate


class RateLimit:
    def __init__(self, app: ASGIApp, per_second: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_second, burst) if per_second > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = bearer_token(scope) if scope["type"] == "http" else None
        if self.buckets is None or token is None:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(hashlib.sha256(token.encode()).hexdigest())
        if not wait:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        response = problem(
            429,
            "Too many requests",
            f"This key's rate limit is exceeded; retry after {retry_after} s",
            "rate-limited",
            {"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)
