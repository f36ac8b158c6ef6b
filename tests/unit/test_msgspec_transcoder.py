"""The ledger's transcoder writes and reads what the library's JSONTranscoder does."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import JSONTranscoder, Transcoding
from hypothesis import given
from hypothesis import strategies as st

from application.commands import Actor, RecordCommand
from application.ledger import CreditLedger
from application.msgspec_transcoder import MsgspecJSONTranscoder
from application.results import CommandResult
from application.transcodings import DateAsISO
from domain.records import CreditRecord, RecordKind
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, fields_of, penalty, uscc


@pytest.fixture(scope="module")
def ledger() -> CreditLedger:
    return build_services(Settings(database_url="memory://"), FixedClock()).ledger


@pytest.fixture(scope="module")
def library(ledger: CreditLedger) -> JSONTranscoder:
    transcoder = JSONTranscoder()
    ledger.register_transcodings(transcoder)
    return transcoder


def stored_penalty_state(ledger: CreditLedger) -> dict[str, Any]:
    officer = Actor(department="market-regulation", actor="wang")
    ledger.register_subject(uscc(7), "企业\n“引号”", officer)
    body = penalty("P1", content='quote " backslash \\ \x01 \u2028 😀')
    outcome = ledger.record(
        RecordCommand(uscc(7), "PenaltyPublished", fields_of(body), officer, "k")
    )
    assert isinstance(outcome, CommandResult)
    event = list(ledger.events.get(ledger.load(uscc(7)).id))[-1]
    state = dict(vars(event))
    del state["originator_id"], state["originator_version"]
    return state


def test_the_ledger_stores_events_with_the_fast_transcoder(
    ledger: CreditLedger,
) -> None:
    assert type(ledger.mapper.transcoder) is MsgspecJSONTranscoder


def test_an_event_is_written_byte_for_byte_as_the_library_writes_it(
    ledger: CreditLedger, library: JSONTranscoder
) -> None:
    state = stored_penalty_state(ledger)
    fast = ledger.mapper.transcoder

    written = fast.encode(state)

    assert written == library.encode(state)
    assert fast.decode(written) == library.decode(written) == state


plain = st.none() | st.booleans() | st.integers() | st.text()
typed = (
    st.floats()
    | st.dates()
    | st.datetimes(timezones=st.just(UTC))
    | st.uuids()
    | st.decimals(allow_nan=False)
)
values = st.recursive(
    plain | typed,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself (it is written as NaN and read back)."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


@given(state=st.dictionaries(st.text(max_size=8), values, max_size=8))
def test_any_state_reads_back_as_the_library_reads_it(
    ledger: CreditLedger, library: JSONTranscoder, state: dict[str, Any]
) -> None:
    fast = ledger.mapper.transcoder

    expected = library.decode(library.encode(state))

    assert same(fast.decode(fast.encode(state)), expected)
    assert same(fast.decode(library.encode(state)), expected)
    assert same(library.decode(fast.encode(state)), expected)


def test_state_objects_and_enums_go_through_the_library_path(
    ledger: CreditLedger, library: JSONTranscoder
) -> None:
    record = CreditRecord(
        record_id="R1",
        kind=RecordKind.PENALTY,
        department="d",
        decided_on=date(2024, 1, 2),
        content={"when": datetime(2024, 1, 2, 3, tzinfo=UTC), "n": Decimal("1.5")},
    )
    fast = ledger.mapper.transcoder
    state = {"record": record, "kind": RecordKind.PENALTY, "id": UUID(int=7)}

    written = fast.encode(state)

    assert written == library.encode(state)
    assert fast.decode(written) == {
        "record": record,
        "kind": "penalty",
        "id": UUID(int=7),
    }


class DateAsOrdinal(Transcoding):
    type = date
    name = "date_ordinal"

    def encode(self, obj: date) -> int:
        return obj.toordinal()

    def decode(self, data: int) -> date:
        return date.fromordinal(data)


def test_a_date_transcoding_registered_later_is_the_one_used() -> None:
    fast, library = MsgspecJSONTranscoder(), JSONTranscoder()
    for transcoder in (fast, library):
        transcoder.register(DateAsISO())
        transcoder.register(DateAsOrdinal())
    state = {"on": date(2024, 1, 2)}

    written = fast.encode(state)

    assert (
        written
        == library.encode(state)
        == b'{"on":{"_type_":"date_ordinal","_data_":738887}}'
    )
    assert fast.decode(written) == state
