"""The credit ledger: the service layer over the event-sourced subjects."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
)
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    InfrastructureFactory,
    IntegrityError,
    JSONTranscoder,
    PersistenceError,
    Recording,
    Transcoder,
)
from eventsourcing.utils import EnvType
from msgspec import structs

from application.clock import Clock, business_date
from application.commands import Actor, DetailsChange, RecordCommand
from application.dispatch import DECIDERS, Decider
from application.entries import history_entry, recorded_event, registration
from application.errors import (
    ApplicationError,
    ConcurrentWriteConflict,
    SubjectNotFound,
    UnknownEventType,
    UnreadableHistory,
    VersionMismatch,
)
from application.msgspec_transcoder import MsgspecJSONTranscoder
from application.positions import (
    PositionIndex,
    PositionIndexFactory,
    ScanningPositionIndex,
)
from application.results import (
    CommandResult,
    HistoryEntry,
    RecordedEvent,
    RegistrationResult,
    SubjectState,
)
from application.snapshot_store import SnapshotMapper
from application.stored_events import first_missing_version, history_damage
from application.subject_cache import SubjectCache
from application.transcodings import STATE_CLASSES, DataclassAsDict, DateAsISO
from application.views import subject_state
from domain import events as ev
from domain.codes import (
    SubjectKind,
    parse_subject_code,
    reads_as_mistyped_resident_number,
    ric_check_char,
)
from domain.errors import (
    DomainError,
    InvalidSubjectCode,
    SubjectAlreadyRegistered,
)
from domain.rules import CreditRules, Provenance
from domain.subject import CreditSubject, SubjectSnapshot, subject_id

MAX_CONFLICT_RETRIES = 8
SnapshotRecorderFactory = Callable[[InfrastructureFactory], AggregateRecorder]
SNAPSHOT_INTERVAL = 100
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Replay:
    """A request answered before: its events, stored or stored in this batch."""

    subject_id: UUID
    first_version: int
    last_version: int
    in_batch: bool


# Raised reading a subject, these say nothing of its stored events: a refusal,
# a store that failed.
_NOT_DAMAGE = (ApplicationError, DomainError, PersistenceError, AggregateNotFoundError)

# What deciding one command gave: new events, an earlier result, or a refusal.
Decision = list[ev.SubjectEvent] | _Replay | Exception
# Events read from the store for a batch, by subject and version, with positions.
_ReadEvents = dict[tuple[UUID, int], tuple[ev.SubjectEvent, int]]
# Why the stored history of a subject cannot be read, by its code.
_Damaged = dict[str, str]


def _crosses_interval(first_new_version: int, subject: CreditSubject) -> bool:
    """Whether the subject's new events, from ``first_new_version`` to its
    version, reach a multiple of the snapshot interval."""
    return (first_new_version - 1) // SNAPSHOT_INTERVAL < (
        subject.version // SNAPSHOT_INTERVAL
    )


def _counted(decision: Decision) -> CommandResult | Exception:
    if isinstance(decision, Exception):
        return decision
    return CommandResult([], replayed=isinstance(decision, _Replay))


def _generated_key() -> str:
    """The request key of a request that came without one."""
    return f"auto:{uuid.uuid4()}"


def _not_before_last(provenance: Provenance, subject: CreditSubject) -> Provenance:
    """Stamped no earlier than the subject's last event, however far behind
    this process's clock (or its reading of it) is: as_of finds a version by
    its time. The county date stays the clock's."""
    if provenance.recorded_at < subject.modified_on:
        return replace(provenance, recorded_at=subject.modified_on)
    return provenance


def _check_registered_as_asked(
    subject: CreditSubject,
    name: str,
    legal_representative: str | None,
    kind: SubjectKind | None,
) -> None:
    """Refuses registering a registered subject again with other details (its
    kind only if the request says one), saying which differ."""
    compared = [
        ("name", subject.name, name),
        ("legal_representative", subject.legal_representative, legal_representative),
    ]
    if kind is not None:
        compared.append(("kind", subject.kind.value, kind.value))
    differing = [(field, has, asked) for field, has, asked in compared if has != asked]
    if not differing:
        return
    fields = tuple(field for field, _, _ in differing)
    differences = "; ".join(
        f"its {field.replace('_', ' ')} is {_shown(has)}, not {_shown(asked)}"
        for field, has, asked in differing
    )
    remedy = (
        "a subject's kind cannot be changed"
        if fields == ("kind",)
        else "use PATCH to change its name or legal representative"
    )
    msg = (
        f"{subject.code} is already registered as {subject.name!r} "
        f"({subject.kind.value}) with other details: {differences}; {remedy}"
    )
    raise SubjectAlreadyRegistered(msg, fields)


def _shown(detail: str | None) -> str:
    return "none" if detail is None else repr(detail)


class CreditLedger(Application[UUID]):
    name = "CreditLedger"
    env: ClassVar[dict[str, str]] = {}
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        CreditSubject: SNAPSHOT_INTERVAL
    }

    def __init__(
        self,
        rules: CreditRules,
        clock: Clock,
        timezone: ZoneInfo,
        env: EnvType | None = None,
        position_index: PositionIndexFactory = ScanningPositionIndex,
        snapshot_recorder: SnapshotRecorderFactory | None = None,
        subject_cache: SubjectCache | None = None,
    ) -> None:
        # Read while the library's constructor builds the snapshot store.
        self._snapshot_recorder = snapshot_recorder
        super().__init__(env)
        self.rules = rules
        self.clock = clock
        self.timezone = timezone
        self.positions: PositionIndex = position_index(self.recorder, self.mapper)
        self._decided = subject_cache or SubjectCache()
        # Called with the new head position after every commit (wakes projections).
        self.commit_listeners: list[Callable[[int], None]] = []

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        if kwargs or not all(isinstance(o, CreditSubject) for o in objs):
            recordings = super().save(*objs, **kwargs)
        else:
            recordings = self._save_subjects(objs)
        if recordings:
            self._committed(recordings[-1].notification.id)
        return recordings

    def stored_elsewhere(self) -> None:
        """Another process stored events for this one (batch workers): what
        follows this ledger's commits is told, as after its own."""
        self._committed(self.head_position())

    def _committed(self, head: int) -> None:
        for listener in self.commit_listeners:
            listener(head)

    def construct_snapshot_store(self) -> EventStore[UUID]:
        recorder = (
            self._snapshot_recorder(self.factory)
            if self._snapshot_recorder is not None
            else self.factory.aggregate_recorder(purpose="snapshots")
        )
        return self.factory.event_store(
            mapper=SnapshotMapper(transcoder=self.mapper.transcoder),
            recorder=recorder,
        )

    def _save_subjects(
        self, subjects: Sequence[CreditSubject]
    ) -> list[Recording[UUID]]:
        """What the library's save does, without its checks of each object
        against runtime protocols (a noticeable share of a bulk import)."""
        processing = ProcessingEvent[UUID]()
        crossed = []
        for subject in subjects:
            events = subject.collect_events()
            processing.events.extend(events)
            processing.aggregates[subject.id] = subject
            if events and _crosses_interval(events[0].originator_version, subject):
                crossed.append(subject)
        recordings = self._record(processing)
        self._notify(recordings)
        self._snapshot(crossed)
        return recordings

    def _snapshot(self, subjects: Sequence[CreditSubject]) -> None:
        """Snapshots of the subjects whose new events crossed a multiple of the
        interval, taken from memory at their stored version.

        The library would load each one again from the store at that exact
        version (a read of up to an interval of events inside the commit); and a
        snapshot is only a shortcut, so failing to write one must not turn events
        already committed into an error for their callers.
        """
        due = [SubjectSnapshot.take(subject) for subject in subjects]
        if not due or self.snapshots is None:
            return
        try:
            self.snapshots.put(due)
        except Exception:
            logger.exception("snapshots of %d subjects not written", len(due))

    def construct_transcoder(self) -> Transcoder:
        transcoder = MsgspecJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        for state_class in STATE_CLASSES:
            transcoder.register(DataclassAsDict(state_class))

    # Commands --------------------------------------------------------------

    def register_subject(
        self,
        raw_code: str,
        name: str,
        actor: Actor,
        kind: str | None = None,
        legal_representative: str | None = None,
    ) -> RegistrationResult:
        code = parse_subject_code(raw_code)
        if kind is not None:
            code = code.as_kind(SubjectKind(kind))
        for _ in range(MAX_CONFLICT_RETRIES):
            existing = self._find(code.value)
            if existing is not None:
                _check_registered_as_asked(
                    existing,
                    name,
                    legal_representative,
                    code.kind if kind is not None else None,
                )
                # Where it was registered: a position to read the views at.
                [registered] = self._stored_events(existing, 1, 1)
                return registration(
                    existing, created=False, position=registered.position
                )
            if code.ambiguous:
                msg = (
                    f"{code.value} is valid both as a unified social credit code "
                    "and as a resident identity number: say which it is (kind)"
                )
                raise InvalidSubjectCode(msg)
            if kind is None and reads_as_mistyped_resident_number(code, self.today()):
                msg = (
                    f"{code.value} reads as a resident identity number whose check "
                    f"digit should be {ric_check_char(code.value[:17])!r}: if it is "
                    "an organisation's unified social credit code, say kind "
                    "legal_person"
                )
                raise InvalidSubjectCode(msg)
            subject = CreditSubject.register(
                code, name, legal_representative, self.provenance(actor, None, "")
            )
            try:
                recordings = self.save(subject)
            except IntegrityError:
                continue
            return registration(
                subject, created=True, position=recordings[0].notification.id
            )
        raise ConcurrentWriteConflict(code.value)

    def change_details(self, change: DetailsChange) -> CommandResult:
        """Stores the change, answers a retry of one stored (its key and body)
        from the store, and a change to details as they are with where the
        subject stands, storing nothing."""
        code = parse_subject_code(change.subject_code).value
        # One key for every try, as record_many gives a keyless command.
        key = change.request_key or _generated_key()
        digest = change.digest
        for _ in range(MAX_CONFLICT_RETRIES):
            # Decided on the stored subject; a kept copy could be behind.
            self._decided.take(code)
            subject = self._get(code)
            provenance = _not_before_last(
                self.provenance(change.actor, key, digest), subject
            )
            receipt = subject.receipt_for(provenance)
            if receipt is not None:
                # A retry, or a try of this call whose answer was lost.
                return self._stored_result(
                    subject, receipt.first_version, receipt.last_version
                )
            self._check_version(subject, change.expected_version)
            subject.change_details(provenance, change.changes)
            if not subject.pending_events:
                self.check_in(subject)
                return self._unchanged(subject)
            try:
                recordings = self.save(subject)
            except IntegrityError:
                continue  # another writer moved the subject: decide again
            self.check_in(subject)
            return CommandResult(self.recorded(recordings))
        raise ConcurrentWriteConflict(code)

    def _stored_result(
        self, subject: CreditSubject, first: int, last: int
    ) -> CommandResult:
        """The answer of a request stored before: its events, read back."""
        return CommandResult(self._stored_events(subject, first, last), replayed=True)

    def _unchanged(self, subject: CreditSubject) -> CommandResult:
        """The answer of a command that stored nothing: no events, and the
        subject's last one, whose version and position are current."""
        [last] = self._stored_events(subject, subject.version, subject.version)
        return CommandResult([], current=last)

    def _stored_events(
        self, subject: CreditSubject, first: int, last: int
    ) -> list[RecordedEvent]:
        answers = self._stored_answers([_Replay(subject.id, first, last, False)], {})
        return [answers[(subject.id, v)] for v in range(first, last + 1)]

    def record(self, command: RecordCommand) -> CommandResult:
        outcome = self.record_many([command])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def record_many(
        self, commands: Sequence[RecordCommand], with_events: bool = True
    ) -> list[CommandResult | Exception]:
        """Decide every command, then store all that succeeded in one transaction.

        A rule broken by one command never fails the others; a concurrent writer
        makes the whole batch decide again on fresh state (where an If-Match
        version then no longer matches, that command alone is refused), and
        writers that keep at it make each subject's commands go on their own
        (``_subject_by_subject``). Without
        ``with_events``, for callers that only count what was stored, a result
        says whether it was a replay but lists no events (none are read back).
        """
        # A command without a key gets one now, not at each try: if a commit
        # went through but its answer was lost (the library retries the insert,
        # which then conflicts with itself), deciding again finds it stored and
        # answers it as a replay rather than recording it twice.
        commands = [
            c if c.request_key else structs.replace(c, request_key=_generated_key())
            for c in commands
        ]
        for _ in range(MAX_CONFLICT_RETRIES):
            try:
                return self._decide_and_store(commands, with_events)
            except IntegrityError:
                continue
        return self._subject_by_subject(commands, with_events)

    def _subject_by_subject(
        self, commands: Sequence[RecordCommand], with_events: bool
    ) -> list[CommandResult | Exception]:
        """Other writers keep moving some of these subjects: each subject's
        commands in a transaction of their own (in their order), so a busy
        subject holds up only its own, and each is answered on its own (a 409
        for those that still found their subject moved every time)."""
        groups: dict[str, list[int]] = {}
        for index, command in enumerate(commands):
            groups.setdefault(self._group_of(command), []).append(index)
        outcomes: dict[int, CommandResult | Exception] = {}
        for indexes in groups.values():
            group = [commands[i] for i in indexes]
            answered: list[CommandResult | Exception] = [
                ConcurrentWriteConflict("too many concurrent writers") for _ in group
            ]
            for _ in range(MAX_CONFLICT_RETRIES):
                try:
                    answered = self._decide_and_store(group, with_events)
                    break
                except IntegrityError:
                    continue
            outcomes.update(zip(indexes, answered, strict=True))
        return [outcomes[i] for i in range(len(commands))]

    def _group_of(self, command: RecordCommand) -> str:
        try:
            return self._code(command)
        except DomainError:
            return command.subject_code  # refused alone, when decided

    def _decide_and_store(
        self, commands: Sequence[RecordCommand], with_events: bool
    ) -> list[CommandResult | Exception]:
        loaded, fresh, read, damaged = self._check_out_all(commands)
        # One instant for the transaction's events: they are stored at once, so
        # no moment (as_of) sees some of them without the others.
        now = self.clock.now()
        outcomes: list[Decision] = []
        for command in commands:
            try:
                outcomes.append(self._decide(command, loaded, fresh, now, damaged))
            except (
                DomainError,
                SubjectNotFound,
                UnknownEventType,
                UnreadableHistory,
                VersionMismatch,
            ) as e:
                outcomes.append(e)
        touched = [s for s in loaded.values() if s.pending_events]
        recordings = self.save(*touched) if touched else []
        self._decided.put_back(list(loaded.values()))
        if not with_events:
            return [_counted(decision) for decision in outcomes]
        recorded = {
            (r.domain_event.originator_id, r.domain_event.originator_version): (
                recorded_event(r.domain_event, r.notification.id)  # type: ignore[arg-type]
            )
            for r in recordings
        }
        recorded.update(
            self._stored_answers(
                [d for d in outcomes if isinstance(d, _Replay) and not d.in_batch],
                read,
            )
        )

        def result(decision: Decision) -> CommandResult | Exception:
            if isinstance(decision, list):
                keys = [(e.originator_id, e.originator_version) for e in decision]
                return CommandResult([recorded[k] for k in keys])
            if isinstance(decision, _Replay):
                versions = range(decision.first_version, decision.last_version + 1)
                stored = [recorded[(decision.subject_id, v)] for v in versions]
                return CommandResult(stored, replayed=True)
            return decision

        return [result(decision) for decision in outcomes]

    def _check_out_all(
        self, commands: Sequence[RecordCommand]
    ) -> tuple[dict[str, CreditSubject], set[str], _ReadEvents, _Damaged]:
        """The subjects the commands decide on: kept ones, and the rest read from
        the store together (so ``fresh``, and their events are at hand to answer
        replays); and those whose history cannot be read, with why. Unknown ones
        are left to ``_decide``."""
        loaded: dict[str, CreditSubject] = {}
        missing: set[str] = set()
        for command in commands:
            if command.event_type not in DECIDERS:
                continue
            try:
                code = self._code(command)
            except DomainError:
                continue
            if code in loaded or code in missing:
                continue
            kept = self._decided.take(code)
            if kept is not None:
                loaded[code] = kept
            else:
                missing.add(code)
        damaged: _Damaged = {}
        try:
            stored, read = self._get_many(missing) if missing else ({}, {})
        except _NOT_DAMAGE:
            raise
        except Exception:
            # One damaged history fails the read of them all: read each alone,
            # so that only its own commands are refused.
            stored, read, damaged = self._get_each(missing)
        loaded.update(stored)
        return loaded, set(stored), read, damaged

    def _stored_answers(
        self, replays: list[_Replay], read: _ReadEvents
    ) -> dict[tuple[UUID, int], RecordedEvent]:
        """The stored events of earlier requests: those read for this batch
        already, the rest read together."""
        ranges: dict[UUID, tuple[int, int]] = {}
        for r in replays:
            low, high = ranges.get(r.subject_id, (r.first_version, r.last_version))
            ranges[r.subject_id] = (
                min(low, r.first_version),
                max(high, r.last_version),
            )
        answers: dict[tuple[UUID, int], RecordedEvent] = {}
        unread: dict[UUID, tuple[int, int]] = {}
        for originator_id, (first, last) in ranges.items():
            keys = [(originator_id, v) for v in range(first, last + 1)]
            if all(key in read for key in keys):
                answers.update((key, recorded_event(*read[key])) for key in keys)
            else:
                unread[originator_id] = (first, last)
        if unread:
            for stored, position in self.positions.stored_in_ranges(unread):
                event: Any = self.mapper.to_domain_event(stored)
                answers[(event.originator_id, event.originator_version)] = (
                    recorded_event(event, position)
                )
        return answers

    def _decide(
        self,
        command: RecordCommand,
        loaded: dict[str, CreditSubject],
        fresh: set[str],
        now: datetime,
        damaged: _Damaged,
    ) -> Decision:
        decider = DECIDERS.get(command.event_type)
        if decider is None:
            msg = f"{command.event_type!r} is not an event type that can be recorded"
            raise UnknownEventType(msg)
        code = self._code(command)
        subject = loaded.get(code) or self._decided.take(code)
        if subject is None:
            if code in damaged:
                raise UnreadableHistory(code, damaged[code])
            subject = self._get(code)
            fresh.add(code)
        loaded[code] = subject
        try:
            return self._decide_on(subject, command, decider, now)
        except (DomainError, VersionMismatch):
            if code in fresh or subject.pending_events or not self._is_stale(subject):
                raise
            # Refused on a kept copy that another process has since moved past:
            # decide again on the stored subject before answering no.
            loaded[code] = subject = self._get(code)
            fresh.add(code)
            return self._decide_on(subject, command, decider, now)

    def _is_stale(self, subject: CreditSubject) -> bool:
        newer = self.recorder.select_events(subject.id, gt=subject.version, limit=1)
        return bool(newer)

    def _decide_on(
        self,
        subject: CreditSubject,
        command: RecordCommand,
        decider: Decider,
        now: datetime,
    ) -> Decision:
        earlier = subject.receipts.get(command.request_key or "")
        provenance = _not_before_last(
            self.provenance(
                command.actor,
                command.request_key,
                command.digest_as(earlier.digest if earlier is not None else None),
                now,
            ),
            subject,
        )
        receipt = subject.receipt_for(provenance)
        if receipt is not None:
            stored_version = subject.version - len(subject.pending_events)
            # The same request twice in one batch is answered with one result.
            in_batch = receipt.first_version > stored_version
            return _Replay(
                subject.id, receipt.first_version, receipt.last_version, in_batch
            )
        self._check_version(subject, command.expected_version)
        already_pending = len(subject.pending_events)
        decider(subject, provenance, self.rules, dict(command.fields))
        return list(subject.pending_events[already_pending:])  # type: ignore[arg-type]

    # Queries ---------------------------------------------------------------

    def state(self, raw_code: str, as_of: datetime | None = None) -> SubjectState:
        """The subject rebuilt from its events, as it was at ``as_of`` if given."""
        subject = self.load(raw_code, as_of)
        today = business_date(as_of or self.clock.now(), self.timezone)
        return subject_state(
            subject, today, as_of, self.rules.grading, self.rules.inspection
        )

    def load(self, raw_code: str, as_of: datetime | None = None) -> CreditSubject:
        code = parse_subject_code(raw_code).value
        if as_of is None:
            return self._get(code)
        with self._reading_history_of(code):
            return self._load_as_of(code, as_of)

    def _load_as_of(self, code: str, as_of: datetime) -> CreditSubject:
        # Only the recorded times are read to find the version; the repository
        # then starts from the nearest snapshot.
        version = next(
            (
                v
                for v, recorded_at in self.positions.recorded_times(subject_id(code))
                if recorded_at <= as_of
            ),
            None,
        )
        if version is None:
            msg = f"Subject {code} was not registered at {as_of.isoformat()}"
            raise SubjectNotFound(msg)
        subject: CreditSubject = self.repository.get(subject_id(code), version=version)
        return subject

    def history(self, raw_code: str) -> list[HistoryEntry]:
        code = parse_subject_code(raw_code).value
        originator_id = subject_id(code)
        with self._reading_history_of(code):
            events = list(self.events.get(originator_id))
            # Listing them rebuilds nothing, so a gap would go unnoticed here.
            missing = first_missing_version(e.originator_version for e in events)
            if missing is not None:
                raise UnreadableHistory(code, f"version {missing} is missing")
            if not events:
                msg = f"Subject {code} is not registered"
                raise SubjectNotFound(msg)
            positions = self.positions.positions_of(originator_id)
            return [history_entry(e, positions[e.originator_version]) for e in events]  # type: ignore[arg-type]

    def check_out(self, raw_code: str) -> CreditSubject:
        """The stored subject, to decide on outside the command path (the
        expiry): taken from the decided subjects, so no stale copy of it stays
        behind."""
        code = parse_subject_code(raw_code).value
        kept = self._decided.take(code)
        # A kept copy that another process has moved past may decide nothing
        # (its store never refuses it then), so it would be put back as it is
        # and never learn of what is due.
        if kept is not None and not self._is_stale(kept):
            return kept
        return self._get(code)

    def check_in(self, subject: CreditSubject) -> None:
        """Back after its events were stored (or when it decided nothing)."""
        self._decided.put_back([subject])

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def subject_at(self, position: int) -> str | None:
        """The code of the subject whose event is at this position of the log."""
        if position < 1:
            return None
        found = self.recorder.select_notifications(position, 1, stop=position)
        event = self.mapper.to_domain_event(found[0]) if found else None
        return event.subject_code if isinstance(event, ev.SubjectEvent) else None

    def today(self) -> date:
        return business_date(self.clock.now(), self.timezone)

    # Helpers ---------------------------------------------------------------

    def provenance(
        self,
        actor: Actor,
        request_key: str | None = None,
        digest: str = "",
        now: datetime | None = None,
    ) -> Provenance:
        """Who records, under which request, at ``now`` (the clock's if not given)."""
        now = now or self.clock.now()
        return Provenance(
            department=actor.department,
            actor=actor.actor,
            request_key=request_key or _generated_key(),
            request_digest=digest,
            recorded_at=now,
            today=business_date(now, self.timezone),
        )

    @staticmethod
    def _code(command: RecordCommand) -> str:
        return parse_subject_code(command.subject_code).value

    def _find(self, code: str) -> CreditSubject | None:
        try:
            with self._reading_history_of(code):
                subject: CreditSubject = self.repository.get(subject_id(code))
        except AggregateNotFoundError:
            return None
        return subject

    @contextmanager
    def _reading_history_of(self, code: str) -> Iterator[None]:
        """A failure to read the subject becomes ``UnreadableHistory`` when its
        stored events are found damaged (a version missing, one that does not
        decode), as ``audit verify`` would find them."""
        try:
            yield
        except _NOT_DAMAGE:
            raise
        except Exception as error:
            # Damaged bytes fail in any layer (JSON, topic, an event missing
            # fields, the library's version check, the first event gone): the
            # stored events, not the kind of error, tell whether they are damaged.
            stored = self.recorder.select_events(subject_id(code))
            damage = history_damage(self.mapper, stored)
            if damage is None:
                raise
            raise UnreadableHistory(code, damage) from error

    def _get(self, code: str) -> CreditSubject:
        subject = self._find(code)
        if subject is None:
            msg = f"Subject {code} is not registered"
            raise SubjectNotFound(msg)
        return subject

    def _get_many(
        self, codes: set[str]
    ) -> tuple[dict[str, CreditSubject], _ReadEvents]:
        """The stored subjects among ``codes``, read in one go rather than one
        by one as the repository would, and the events read to rebuild them."""
        ids = {subject_id(code): code for code in codes}
        snapshots = self.snapshots
        stored = self.positions.stored_subjects(
            list(ids), snapshots.recorder if snapshots is not None else None
        )
        subjects: dict[str, CreditSubject] = {}
        read: _ReadEvents = {}
        for originator_id, (snapshot, events) in stored.items():
            subject: Any = None
            if snapshot is not None and snapshots is not None:
                start: Any = snapshots.mapper.to_domain_event(snapshot)
                subject = start.mutate(None)
            # As the repository's projector, without its runtime protocol check
            # of every event (a noticeable share of loading).
            for stored_event, position in events:
                event: Any = self.mapper.to_domain_event(stored_event)
                subject = event.mutate(subject)
                read[(originator_id, stored_event.originator_version)] = (
                    event,
                    position,
                )
            if isinstance(subject, CreditSubject):
                subjects[ids[originator_id]] = subject
        return subjects, read

    def _get_each(
        self, codes: set[str]
    ) -> tuple[dict[str, CreditSubject], _ReadEvents, _Damaged]:
        """What ``_get_many`` reads, read subject by subject: the stored subjects,
        their events, and those whose stored history cannot be read, with why."""
        subjects: dict[str, CreditSubject] = {}
        read: _ReadEvents = {}
        damaged: _Damaged = {}
        for code in codes:
            try:
                with self._reading_history_of(code):
                    found, events = self._get_many({code})
            except UnreadableHistory as error:
                damaged[code] = error.reason
                continue
            subjects.update(found)
            read.update(events)
        return subjects, read, damaged

    @staticmethod
    def _check_version(subject: CreditSubject, expected: int | None) -> None:
        if expected is not None and expected != subject.version:
            msg = f"Subject is at version {subject.version}, not {expected}"
            raise VersionMismatch(msg, subject.version)

    @staticmethod
    def recorded(recordings: Sequence[Recording[UUID]]) -> list[RecordedEvent]:
        return [
            recorded_event(r.domain_event, r.notification.id)  # type: ignore[arg-type]
            for r in recordings
        ]
