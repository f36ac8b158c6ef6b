"""The indicator facts in SQL, beside the ledger's tables, and their counts."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from eventsourcing.persistence import Tracking

from infrastructure.views.codec import params_of
from infrastructure.views.indicator_sql import (
    CHECKS_BY_MATTER,
    CREATE_INDICATOR_TABLES,
    DECIDE_REPAIR,
    DECIDED_REPAIRS,
    END_LISTING,
    END_RED_LISTING,
    ENTERPRISES,
    EXITS,
    INDICATOR_INDEXES,
    INDICATOR_TABLES,
    INSERT_LISTING,
    INSERT_PUBLICATION,
    INSERT_RED_LISTING,
    INSERT_REPAIR,
    INSERT_SUBJECT,
    LISTED_ENTERPRISES,
    LISTING_COUNTS,
    PUBLICATIONS,
    RED_LISTED,
    RED_LISTED_BY_SCHEME,
    REOPEN_LISTING,
    REPAIR_COUNTS,
)
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from projections.indicator_facts import (
    Ending,
    ListingFact,
    PublicationFact,
    RedListFact,
    RepairDecisionFact,
    RepairRequestFact,
    SubjectFact,
)
from projections.indicator_view import (
    IndicatorFacts,
    IndicatorPeriod,
    IndicatorView,
    PublicationCount,
)


class SqlIndicatorViews(SqlTrackedView, IndicatorView):
    tables = INDICATOR_TABLES
    create_statements = CREATE_INDICATOR_TABLES
    index_statements = INDICATOR_INDEXES

    def register_subject(self, fact: SubjectFact, tracking: Tracking) -> None:
        # UTC text compares as time does.
        registered_at = fact.registered_at.astimezone(UTC)
        self._write(
            tracking, INSERT_SUBJECT, params_of(fact, registered_at=registered_at)
        )

    def publish(self, fact: PublicationFact, tracking: Tracking) -> None:
        params = params_of(fact, position=tracking.notification_id)
        self._write(tracking, INSERT_PUBLICATION, params)

    def list_subject(self, fact: ListingFact, tracking: Tracking) -> None:
        self._write(tracking, INSERT_LISTING, params_of(fact))

    def end_listing(self, ending: Ending, tracking: Tracking) -> None:
        self._write(tracking, END_LISTING, params_of(ending))

    def reopen_listing(self, ending: Ending, tracking: Tracking) -> None:
        self._write(tracking, REOPEN_LISTING, params_of(ending))

    def red_list_subject(self, fact: RedListFact, tracking: Tracking) -> None:
        self._write(tracking, INSERT_RED_LISTING, params_of(fact))

    def end_red_listing(self, ending: Ending, tracking: Tracking) -> None:
        self._write(tracking, END_RED_LISTING, params_of(ending))

    def request_repair(self, fact: RepairRequestFact, tracking: Tracking) -> None:
        self._write(tracking, INSERT_REPAIR, params_of(fact))

    def decide_repair(self, fact: RepairDecisionFact, tracking: Tracking) -> None:
        self._write(tracking, DECIDE_REPAIR, params_of(fact))

    def indicator_facts(self, period: IndicatorPeriod) -> IndicatorFacts:
        params = params_of(
            period,
            starts_at=period.starts_at.astimezone(UTC),
            ends_at=period.ends_at.astimezone(UTC),
        )
        with self.reading() as (c, position):
            one = _Reader(self, c, params)
            listings = one.row(LISTING_COUNTS)
            repairs = one.row(REPAIR_COUNTS)
            return IndicatorFacts(
                publications=tuple(
                    PublicationCount(
                        r["column_name"],
                        r["department"],
                        int(r["on_time"]),
                        int(r["late_count"]),
                    )
                    for r in one.rows(PUBLICATIONS)
                ),
                enterprises=one.number(ENTERPRISES),
                listed_enterprises=one.number(LISTED_ENTERPRISES),
                new_listings_last_12_months=int(listings["new_last_12_months"]),
                new_listings_in_period=int(listings["new_in_period"]),
                listings_in_period=int(listings["in_period"]),
                exits_by_reason=one.counts(EXITS),
                red_listed_enterprises=one.number(RED_LISTED),
                red_listed_by_scheme=one.counts(RED_LISTED_BY_SCHEME),
                repairs_requested=int(repairs["requested"]),
                repairs_by_decision={
                    "granted": int(repairs["granted"]),
                    "rejected": int(repairs["rejected"]),
                },
                repairs_overdue=int(repairs["overdue"]),
                repairs_decided_late=int(repairs["decided_late"]),
                decided_repair_spans=tuple(
                    (
                        date.fromisoformat(r["requested_on"]),
                        date.fromisoformat(r["decided_on"]),
                    )
                    for r in one.rows(DECIDED_REPAIRS)
                ),
                checks_by_matter=one.counts(CHECKS_BY_MATTER),
                position=position,
            )

    def _write(self, tracking: Tracking, template: str, params: dict[str, Any]) -> None:
        with self.writing(tracking) as cursor:
            cursor.execute(self.sql(template), params)


class _Reader:
    """Statements of one snapshot, answered as rows, one row, counts."""

    def __init__(
        self, view: SqlTrackedView, cursor: Any, params: dict[str, Any]
    ) -> None:
        self._view, self._cursor, self._params = view, cursor, params

    def rows(self, template: str) -> list[dict[str, Any]]:
        self._cursor.execute(self._view.sql(template), self._params)
        return [as_dict(r) for r in self._cursor.fetchall()]

    def row(self, template: str) -> dict[str, Any]:
        return self.rows(template)[0]

    def number(self, template: str) -> int:
        return int(self.row(template)["n"])

    def counts(self, template: str) -> dict[str, int]:
        """A two-column answer (name, n) as a mapping."""
        return {str(next(iter(r.values()))): int(r["n"]) for r in self.rows(template)}
