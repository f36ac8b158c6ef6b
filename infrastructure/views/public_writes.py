"""How the public views store each kind of fact."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from domain.codes import SubjectKind
from infrastructure.views.codec import params_of, to_sql
from infrastructure.views.name_grams import name_grams
from infrastructure.views.public_write_sql import (
    ADD_GRAM,
    CLOSE_COMMITMENT,
    CLOSE_RECORD,
    CORRECTABLE,
    INSERT_COMMITMENT,
    INSERT_GRAM,
    INSERT_LICENCE,
    INSERT_LISTING,
    INSERT_PENALTY,
    INSERT_RECORD,
    INSERT_RED_LISTING,
    INSERT_SUBJECT,
    RENAME_SUBJECT,
    REOPEN_RECORD,
    SET_PENALTY_CORRECTIONS,
    WITHDRAW,
    correct_statement,
)
from infrastructure.views.tracked import SqlTrackedView
from projections.entries import (
    CommitmentClosure,
    CommitmentEntry,
    Correction,
    LicenceEntry,
    ListingEntry,
    PenaltyEntry,
    RecordEntry,
    RedListEntry,
    SubjectEntry,
    Withdrawal,
)


class PublicViewWrites(SqlTrackedView):
    def register_subject(self, entry: SubjectEntry, tracking: Tracking) -> None:
        grams = (
            _grams(INSERT_GRAM, entry.subject_code, entry.name)
            if entry.kind == SubjectKind.LEGAL_PERSON
            else []
        )
        self._write(tracking, (INSERT_SUBJECT, params_of(entry)), *grams)

    def rename_subject(
        self,
        subject_code: str,
        name: str,
        legal_representative: str | None,
        tracking: Tracking,
    ) -> None:
        params = {
            "subject_code": subject_code,
            "name": name,
            "legal_representative": legal_representative,
        }
        grams = _grams(ADD_GRAM, subject_code, name)
        self._write(tracking, (RENAME_SUBJECT, params), *grams)

    def publish_licence(
        self, record: RecordEntry, row: LicenceEntry | None, tracking: Tracking
    ) -> None:
        self._publish(record, INSERT_LICENCE, row, tracking)

    def publish_penalty(
        self, record: RecordEntry, row: PenaltyEntry | None, tracking: Tracking
    ) -> None:
        self._publish(record, INSERT_PENALTY, row, tracking)

    def make_commitment(
        self, record: RecordEntry, row: CommitmentEntry, tracking: Tracking
    ) -> None:
        self._publish(record, INSERT_COMMITMENT, row, tracking)

    def list_subject(
        self, record: RecordEntry, row: ListingEntry, tracking: Tracking
    ) -> None:
        self._publish(record, INSERT_LISTING, row, tracking)

    def red_list_subject(
        self, record: RecordEntry, row: RedListEntry, tracking: Tracking
    ) -> None:
        self._publish(record, INSERT_RED_LISTING, row, tracking)

    def close_commitment(self, closure: CommitmentClosure, tracking: Tracking) -> None:
        params = params_of(closure)
        self._write(tracking, (CLOSE_COMMITMENT, params), (CLOSE_RECORD, params))

    def republish_penalty(
        self, row: PenaltyEntry, corrections: int, tracking: Tracking
    ) -> None:
        params = params_of(row, position=tracking.notification_id)
        key = {"subject_code": row.subject_code, "record_id": row.record_id}
        self._write(
            tracking,
            (REOPEN_RECORD, key),
            (INSERT_PENALTY, params),
            (SET_PENALTY_CORRECTIONS, key | {"corrections": corrections}),
        )

    def relist_subject(self, row: ListingEntry, tracking: Tracking) -> None:
        params = params_of(row, position=tracking.notification_id)
        key = {"subject_code": row.subject_code, "record_id": row.record_id}
        self._write(tracking, (REOPEN_RECORD, key), (INSERT_LISTING, params))

    def withdraw(self, withdrawal: Withdrawal, tracking: Tracking) -> None:
        params = params_of(withdrawal)
        deletes = [(statement, params) for statement in WITHDRAW]
        self._write(tracking, *deletes, (CLOSE_RECORD, params))

    def correct(self, correction: Correction, tracking: Tracking) -> None:
        params = {k: to_sql(v) for k, v in correction.changes.items()}
        params |= {"subject_code": correction.subject_code}
        params |= {"record_id": correction.record_id}
        updates = [
            (correct_statement(table, [c for c in columns if c in params]), params)
            for table, columns in CORRECTABLE.items()
        ]
        self._write(tracking, *updates)

    def _publish(
        self, record: RecordEntry, insert: str, row: Any, tracking: Tracking
    ) -> None:
        writes = [(INSERT_RECORD, params_of(record))]
        if row is not None:
            writes.append((insert, params_of(row, position=tracking.notification_id)))
        self._write(tracking, *writes)

    def _write(self, tracking: Tracking, *writes: tuple[str, dict[str, Any]]) -> None:
        with self.writing(tracking) as cursor:
            for template, params in writes:
                cursor.execute(self.sql(template), params)


def _grams(
    insert: str, subject_code: str, name: str
) -> list[tuple[str, dict[str, Any]]]:
    """The name search's rows of a legal person's name (the search never finds
    a natural person by name)."""
    return [
        (insert, {"gram": gram, "name": name, "subject_code": subject_code})
        for gram in name_grams(name)
    ]
