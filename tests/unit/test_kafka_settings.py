"""The Kafka settings that are taken as written (their refusals are with the
other settings', in test_setting_bounds); a blank broker list is no Kafka."""

from __future__ import annotations

import pytest

from infrastructure.settings import Settings


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("kafka1:9092, kafka2:9093", "kafka1:9092, kafka2:9093"),
        ("localhost", "localhost"),
        ("[::1]:9092,10.0.0.7:9092", "[::1]:9092,10.0.0.7:9092"),
        (" ", None),
    ],
)
def test_broker_addresses_are_taken_and_a_blank_one_is_no_kafka(
    value: str, read: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_KAFKA_BOOTSTRAP", value)

    assert Settings().kafka_bootstrap == read


def test_a_topic_of_every_allowed_character_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_TOPIC", "County_1.credit-ledger")

    assert Settings().topic == "County_1.credit-ledger"


def test_the_topic_is_made_with_one_replica_unless_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().topic_replication_factor == 1

    monkeypatch.setenv("CREDIT_LEDGER_TOPIC_REPLICATION_FACTOR", "3")

    assert Settings().topic_replication_factor == 3
