"""An import chunk's lines: each stored, or refused with the reason."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from api.batch_lines import accepted_json, command_from_line, event_adapter
from api.cli.import_loading import load_chunk
from api.schemas.batch import BatchLineResult
from api.translate import command_result, command_result_json
from application.commands import Actor, RecordCommand
from application.keys import SCOPES
from application.results import CommandResult
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import (
    Body,
    FixedClock,
    as_json,
    breach,
    commitment,
    correction,
    delisting,
    expiry,
    fulfilment,
    information,
    licence,
    listing,
    penalty,
    red_list_revocation,
    red_listing,
    repair_grant,
    repair_rejection,
    repair_request,
    resident_id,
    revocation,
    uscc,
)

OFFICER = Actor(department="tax", actor="import")
EVERY_TYPE = [
    factory()
    for factory in (
        licence,
        penalty,
        information,
        commitment,
        fulfilment,
        breach,
        listing,
        delisting,
        red_listing,
        red_list_revocation,
        expiry,
        repair_request,
        repair_grant,
        repair_rejection,
        correction,
        revocation,
    )
]


def test_each_line_is_stored_or_refused_with_its_reason() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    good = {"subject": uscc(1), **as_json(information("I1"))}
    # Too large for msgspec, read by Python's json: then refused by the schema.
    huge = {**good, "record_id": "I2", "extra": 10**30}
    chunk = [
        (1, json.dumps(good)),
        (2, '{"subject": "' + uscc(1) + '", "type": '),
        (3, json.dumps(huge)),
        (4, "[1, 2]"),
        (5, json.dumps(good)),
    ]

    answers = load_chunk(ledger, chunk, OFFICER.department, OFFICER.actor)

    assert answers[0] is None and answers[4] is None
    malformed, too_large, not_object = answers[1], answers[2], answers[3]
    assert malformed is not None and malformed["status"] == 422
    assert malformed["detail"].startswith("malformed JSON: Expecting value")
    assert too_large is not None and too_large["status"] == 422
    assert [e["field"] for e in too_large["errors"]] == ["extra"]
    assert not_object is not None and not_object["detail"] == (
        "Each line must be an object"
    )
    assert [e.type for e in ledger.history(uscc(1))] == [
        "SubjectRegistered",
        "InformationRecorded",
    ]


def test_a_line_may_name_who_records_it_and_must_when_no_department_is_given() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)

    def line(record_id: str, **who: object) -> str:
        return json.dumps(
            {"subject": uscc(1), **who, **as_json(information(record_id))}
        )

    chunk = [
        (1, line("I1", department="tax", actor="wang")),
        (2, line("I2", department="market-regulation")),
        (3, line("I3")),
        (4, line("I4", department=" ")),
        (5, line("I5", department="tax", actor=7)),
    ]

    answers = load_chunk(ledger, chunk, None, "import")

    assert answers[:2] == [None, None]
    assert [a and (a["status"], a["detail"]) for a in answers[2:]] == [
        (422, "the line names no department: give it one, or import with --department"),
        (422, "department must be text that is not blank"),
        (422, "actor must be text that is not blank"),
    ]
    recorded = [(e.department, e.actor) for e in ledger.history(uscc(1))[1:]]
    assert recorded == [("tax", "wang"), ("market-regulation", "import")]


def test_a_line_naming_who_records_it_with_a_control_character_is_refused() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    chunk = [
        (n, json.dumps({"subject": uscc(1), **who, **as_json(information(f"I{n}"))}))
        for n, who in enumerate(
            [{"department": "tax\x00"}, {"department": "tax", "actor": "wang\x1f"}], 1
        )
    ]

    answers = load_chunk(ledger, chunk, None, "import")

    assert [a and (a["status"], a["detail"]) for a in answers] == [
        (422, "department must not contain the control character U+0000"),
        (422, "actor must not contain the control character U+001F"),
    ]
    assert len(ledger.history(uscc(1))) == 1


def test_a_line_naming_who_records_it_with_a_format_character_is_refused() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    line = {"subject": uscc(1), "department": "tax\u200b", **as_json(information())}

    [answer] = load_chunk(ledger, [(1, json.dumps(line))], None, "import")

    assert answer is not None
    assert (answer["status"], answer["detail"]) == (
        422,
        "department must not contain the invisible format character U+200B",
    )
    assert len(ledger.history(uscc(1))) == 1


def test_a_line_whose_record_id_holds_an_identity_number_is_refused() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    person = resident_id(7)
    line = {"subject": uscc(1), **as_json(information(f"I-{person}"))}

    [answer] = load_chunk(ledger, [(1, json.dumps(line))], "tax", "import")

    assert answer is not None and answer["status"] == 422
    assert answer["errors"][0]["field"] == "record_id"
    assert "record_id is published as written" in answer["detail"]
    assert len(ledger.history(uscc(1))) == 1


def test_with_a_department_given_a_line_naming_another_is_refused() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    same = {"subject": uscc(1), "department": "tax", **as_json(information("I1"))}
    other = {**same, "department": "customs", "record_id": "I2"}

    answers = load_chunk(
        ledger, [(1, json.dumps(same)), (2, json.dumps(other))], "tax", "import"
    )

    assert answers[0] is None
    assert answers[1] is not None and (answers[1]["line"], answers[1]["detail"]) == (
        2,
        "the line names department 'customs'; this import records for 'tax'",
    )
    assert [e.department for e in ledger.history(uscc(1))] == ["tax", "tax"]


def test_an_accepted_lines_json_is_that_of_its_pydantic_models() -> None:
    clock = FixedClock()
    ledger = build_services(Settings(database_url="memory://"), clock).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    clock.advance(timedelta(microseconds=123_456))
    ledger.record(command(red_listing("R1")))
    # Listing revokes the red listing in the same command: two events.
    listed = command(listing("S1"))
    results = [ledger.record(listed), ledger.record(listed)]

    for number, result in enumerate(results, 1):
        model = BatchLineResult(line=number, status=201, event=command_result(result))
        assert accepted_json(number, result) == model.model_dump_json().encode()
    assert [len(r.events) for r in results] == [2, 2]
    assert [r.replayed for r in results] == [False, True]
    # A command that stored nothing answers with where the subject stands.
    unchanged = CommandResult([], current=results[0].events[-1])
    for result in [*results, unchanged]:
        expected = command_result(result).model_dump_json().encode()
        assert command_result_json(result) == expected


def command(body: Body) -> RecordCommand:
    line = {
        "subject": uscc(1),
        "idempotency_key": str(body["record_id"]),
        **as_json(body),
    }
    made = command_from_line(line, OFFICER, SCOPES)
    assert isinstance(made, RecordCommand)
    return made


@pytest.mark.parametrize("body", EVERY_TYPE, ids=lambda b: str(b["type"]))
def test_a_lines_fields_are_its_validated_values_as_model_dump_gives_them(
    body: Body,
) -> None:
    line = {"subject": uscc(1), **as_json(body)}

    command = command_from_line(line, OFFICER, SCOPES)

    assert isinstance(command, RecordCommand)
    dumped = event_adapter.validate_python(as_json(body)).model_dump()
    del dumped["type"]
    assert command.fields == dumped
    assert kinds(command.fields) == kinds(dumped)


def kinds(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: kinds(v) for k, v in value.items()}
    if isinstance(value, list):
        return [kinds(v) for v in value]
    return type(value)


def test_a_line_nested_too_deeply_is_refused_alone() -> None:
    ledger = build_services(Settings(database_url="memory://"), FixedClock()).ledger
    ledger.register_subject(uscc(1), "Import Co.", OFFICER)
    good = json.dumps({"subject": uscc(1), **as_json(information("I1"))})
    chunk = [(1, "[" * 100_000 + "]" * 100_000), (2, good)]

    answers = load_chunk(ledger, chunk, OFFICER.department, OFFICER.actor)

    assert answers[0] is not None
    assert (answers[0]["status"], answers[0]["detail"]) == (
        422,
        "malformed JSON: nested too deeply",
    )
    assert answers[1] is None
