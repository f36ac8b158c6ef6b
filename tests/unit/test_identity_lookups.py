"""Keyless lookups by identity number: a bucket per address, a number already
looked up within the hour free again, one warning an hour per address."""

from __future__ import annotations

import logging

import pytest

from api.identity_lookups import WINDOW_SECONDS, IdentityLookups, client_key
from tests.factories import resident_id


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_numbers_then_one_every_refill() -> None:
    time = FakeTime()
    lookups = IdentityLookups(per_hour=10, burst=2, clock=time)

    allowed = [lookups.take("192.0.2.1", resident_id(n)) for n in range(2)]
    refused = lookups.take("192.0.2.1", resident_id(2))
    time.now += 360
    after_a_refill = lookups.take("192.0.2.1", resident_id(3))

    assert allowed == [0.0, 0.0]
    assert refused == 360
    assert after_a_refill == 0.0


def test_a_number_already_looked_up_is_free_for_the_hour() -> None:
    time = FakeTime()
    lookups = IdentityLookups(per_hour=10, burst=1, clock=time)
    lookups.take("192.0.2.1", resident_id(1))

    again = lookups.take("192.0.2.1", resident_id(1))
    by_another_address = lookups.take("192.0.2.2", resident_id(1))
    time.now += WINDOW_SECONDS
    an_hour_later = [lookups.take("192.0.2.1", resident_id(1)) for _ in range(2)]

    assert (again, by_another_address) == (0.0, 0.0)
    # A token came back meanwhile; the number costs it, then is free again.
    assert an_hour_later == [0.0, 0.0]
    assert lookups.take("192.0.2.1", resident_id(2)) > 0


def test_addresses_of_one_ipv6_subscriber_share_a_bucket() -> None:
    lookups = IdentityLookups(per_hour=10, burst=1, clock=FakeTime())
    lookups.take("2001:db8:1:2::1", resident_id(1))

    assert lookups.take("2001:db8:1:2:ffff::9", resident_id(2)) > 0
    assert lookups.take("2001:db8:1:3::1", resident_id(2)) == 0.0


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("testclient", "testclient"),
        ("", ""),
    ],
)
def test_the_address_a_client_is_counted_by(address: str, counted_as: str) -> None:
    assert client_key(address) == counted_as


def test_an_address_over_the_limit_is_logged_once_an_hour_without_the_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    lookups = IdentityLookups(per_hour=10, burst=1, clock=time)
    caplog.set_level(logging.WARNING, logger="credit_ledger.api")
    lookups.take("192.0.2.1", resident_id(1))

    for n in range(2, 6):
        lookups.take("192.0.2.1", resident_id(n))
    lookups.take("192.0.2.2", resident_id(1))
    lookups.take("192.0.2.2", resident_id(2))
    time.now += WINDOW_SECONDS
    for n in range(6, 9):
        lookups.take("192.0.2.1", resident_id(n))

    logged = [r.getMessage() for r in caplog.records]
    assert [m.split()[0] for m in logged] == ["192.0.2.1", "192.0.2.2", "192.0.2.1"]
    assert not any(resident_id(n)[6:14] in m for m in logged for n in range(9))
