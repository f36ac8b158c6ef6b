"""Maps application results to response schemas."""

from __future__ import annotations

import msgspec
from msgspec import structs

from api.schemas.inspection import InspectionTermsPublic
from api.schemas.subjects import (
    CommandResultPublic,
    RecordedEventPublic,
    RecordPublic,
    RepairPublic,
    SubjectStatePublic,
)
from application.results import CommandResult, SubjectState


def command_result(result: CommandResult) -> CommandResultPublic:
    events = [
        RecordedEventPublic.model_validate(e, from_attributes=True)
        for e in result.events
    ]
    return CommandResultPublic(
        **structs.asdict(result.primary), replayed=result.replayed, events=events
    )


def command_result_json(result: CommandResult) -> bytes:
    """What ``command_result(result)`` serializes to, written by msgspec from
    the result's own structs (in an eighth of the pydantic models' time).
    The primary event's fields are those of its entry in ``events`` when it
    has one: each event is encoded once, and the first's text used twice."""
    events = [_encoder.encode(event) for event in result.events]
    primary = events[0] if events else _encoder.encode(result.primary)
    return b'{%b,"replayed":%b,"events":[%b]}' % (
        primary[1:-1],
        b"true" if result.replayed else b"false",
        b",".join(events),
    )


_encoder = msgspec.json.Encoder()


def command_headers(result: CommandResult) -> dict[str, str]:
    """A write's answer headers: the subject's version as its ETag (the next
    write's If-Match), and whether the answer is a replay."""
    headers = {"ETag": f'"{result.version}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return headers


def state_public(state: SubjectState) -> SubjectStatePublic:
    records = [
        RecordPublic.model_validate(r, from_attributes=True) for r in state.records
    ]
    repairs = [
        RepairPublic.model_validate(r, from_attributes=True) for r in state.repairs
    ]

    in_force = [
        public
        for public, record in zip(records, state.records, strict=True)
        if record.in_force
    ]

    def active(kind: str) -> list[RecordPublic]:
        return [r for r in in_force if r.kind == kind]

    return SubjectStatePublic(
        subject=state.subject,
        kind=state.kind,
        name=state.name,
        legal_representative=state.legal_representative,
        version=state.version,
        as_of=state.as_of,
        grade=state.grade,
        grade_reasons=state.grade_reasons,
        active_listings=active("listing"),
        active_penalties=active("penalty"),
        commitments=[r for r in records if r.kind == "commitment"],
        red_list=active("red_list"),
        licences=active("licence"),
        information=[r for r in records if r.kind == "information"],
        open_repairs=[r for r in repairs if r.status == "pending"],
        records=records,
        repairs=repairs,
        inspection=None
        if state.inspection is None
        else InspectionTermsPublic.model_validate(state.inspection),
    )
