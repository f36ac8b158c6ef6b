"""The public views: the lists, the publicity columns and subjects' standing.

Reads are what the API and the portal pages ask; writes are what the handlers
call, one per kind of fact, each with the ``Tracking`` of its event.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date

from eventsourcing.persistence import Tracking

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
from projections.paging import NameKey, Page, PageQuery, SearchPage
from projections.rows import (
    CommitmentRow,
    CreditProfile,
    LicenceRow,
    ListingRow,
    PenaltyRow,
    RedListRow,
)
from projections.tracked_view import TrackedView


class PublicViewReads(ABC):
    """Each answer reflects one position of the ledger, which it reports."""

    @abstractmethod
    def serious_list(self, query: PageQuery) -> Page[ListingRow]: ...

    @abstractmethod
    def red_list(self, query: PageQuery) -> Page[RedListRow]: ...

    @abstractmethod
    def licences(self, query: PageQuery) -> Page[LicenceRow]: ...

    @abstractmethod
    def penalties(self, query: PageQuery) -> Page[PenaltyRow]: ...

    @abstractmethod
    def commitments(self, query: PageQuery) -> Page[CommitmentRow]: ...

    @abstractmethod
    def search_subjects(
        self, text: str, limit: int, after: NameKey | None = None
    ) -> SearchPage:
        """Legal persons by code or part of the name; natural persons only by
        their full identity number, so the search never lists private people.
        In (name, code) order, from after ``after`` (a page's ``next_key``)."""

    @abstractmethod
    def credit_profile(self, subject_code: str) -> CreditProfile | None: ...

    @abstractmethod
    def subjects_due(self, on: date) -> list[str]:
        """Codes of subjects with a record in force whose term ends by ``on``."""


class PublicViews(PublicViewReads, TrackedView):
    view_name = "public"

    @abstractmethod
    def register_subject(self, entry: SubjectEntry, tracking: Tracking) -> None: ...

    @abstractmethod
    def rename_subject(
        self,
        subject_code: str,
        name: str,
        legal_representative: str | None,
        tracking: Tracking,
    ) -> None: ...

    @abstractmethod
    def publish_licence(
        self, record: RecordEntry, row: LicenceEntry | None, tracking: Tracking
    ) -> None:
        """``row`` is None when the law forbids publishing the licence."""

    @abstractmethod
    def publish_penalty(
        self, record: RecordEntry, row: PenaltyEntry | None, tracking: Tracking
    ) -> None:
        """``row`` is None when the penalty is not to be published."""

    @abstractmethod
    def make_commitment(
        self, record: RecordEntry, row: CommitmentEntry, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def close_commitment(self, closure: CommitmentClosure, tracking: Tracking) -> None:
        """Fulfilled or breached: published in the same column."""

    @abstractmethod
    def list_subject(
        self, record: RecordEntry, row: ListingEntry, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def red_list_subject(
        self, record: RecordEntry, row: RedListEntry, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def republish_penalty(
        self, row: PenaltyEntry, corrections: int, tracking: Tracking
    ) -> None:
        """A withdrawn penalty is active and published again (its repair was
        revoked), with the corrections it had."""

    @abstractmethod
    def relist_subject(self, row: ListingEntry, tracking: Tracking) -> None:
        """A delisted listing is active and on the list again (its repair was
        revoked)."""

    @abstractmethod
    def withdraw(self, withdrawal: Withdrawal, tracking: Tracking) -> None:
        """The record leaves every list and column it was on."""

    @abstractmethod
    def correct(self, correction: Correction, tracking: Tracking) -> None:
        """Published content is replaced by the corrected content."""
