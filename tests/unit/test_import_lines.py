"""An import chunk's lines: each stored, or refused with the reason."""

from __future__ import annotations

import json

from api.cli.import_loading import load_chunk
from application.commands import Actor
from infrastructure.bootstrap import build_services
from infrastructure.settings import Settings
from tests.factories import FixedClock, as_json, information, uscc

OFFICER = Actor(department="tax", actor="import")


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

    answers = load_chunk(ledger, chunk, OFFICER)

    assert answers[0] is None and answers[4] is None
    malformed, too_large, not_object = answers[1], answers[2], answers[3]
    assert malformed is not None and malformed["status"] == 422
    assert malformed["detail"].startswith("malformed JSON: Expecting value")
    assert too_large is not None and too_large["status"] == 422
    assert [e["field"] for e in too_large["errors"]] == ["InformationRecorded.extra"]
    assert not_object is not None and not_object["detail"] == (
        "Each line must be an object"
    )
    assert [e.type for e in ledger.history(uscc(1))] == [
        "SubjectRegistered",
        "InformationRecorded",
    ]
