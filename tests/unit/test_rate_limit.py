"""Each key gets a token bucket: a burst, then a steady rate, then 429s."""

from __future__ import annotations

from api.rate_limit import TokenBuckets


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_the_key_must_wait() -> None:
    time = FakeTime()
    buckets = TokenBuckets(rate=2, burst=3, clock=time)

    allowed = [buckets.take("k") for _ in range(3)]
    refused = buckets.take("k")

    assert allowed == [0.0, 0.0, 0.0]
    assert refused == 0.5


def test_tokens_come_back_at_the_rate_up_to_the_burst() -> None:
    time = FakeTime()
    buckets = TokenBuckets(rate=2, burst=3, clock=time)
    for _ in range(3):
        buckets.take("k")

    time.now += 0.5
    assert buckets.take("k") == 0.0
    assert buckets.take("k") > 0

    time.now += 60
    assert [buckets.take("k") for _ in range(4)][-1] > 0


def test_keys_do_not_share_a_bucket() -> None:
    buckets = TokenBuckets(rate=1, burst=1, clock=FakeTime())

    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0
    assert buckets.take("a") > 0


def test_the_number_of_buckets_kept_is_bounded() -> None:
    buckets = TokenBuckets(rate=1, burst=1, clock=FakeTime(), max_buckets=2)
    buckets.take("a")
    buckets.take("b")
    buckets.take("c")

    # "a" was forgotten, so it starts again with a full bucket.
    assert buckets.take("a") == 0.0
    assert buckets.take("c") > 0
