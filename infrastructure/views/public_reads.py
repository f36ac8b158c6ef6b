"""How the public views answer: one snapshot per answer, with its position."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from domain.codes import parse_subject_code
from domain.errors import InvalidSubjectCode
from infrastructure.views.codec import from_row, to_sql
from infrastructure.views.name_grams import name_grams
from infrastructure.views.public_read_sql import (
    COMMITMENTS,
    LICENCES,
    PENALTIES,
    RECORDS_OF_SUBJECT,
    RED_LIST,
    SEARCH_BY_CODE,
    SEARCH_BY_GRAM,
    SEARCH_BY_NAME,
    SERIOUS_LIST,
    SUBJECT_BY_CODE,
    SUBJECTS_DUE,
    ListSql,
    gram_counts,
)
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView
from projections.paging import NameKey, Page, PageKey, PageQuery, SearchPage
from projections.rows import (
    CommitmentRow,
    CreditProfile,
    LicenceRow,
    ListingRow,
    PenaltyRow,
    RecordFact,
    RedListRow,
    SubjectRow,
)

R = TypeVar("R")
# A part of a name is looked up by its rarest pair of characters; a longer part
# has enough pairs in its first ones, and counting stops where "common" starts.
MAX_COUNTED_GRAMS = 12
GRAM_COUNT_CAP = 200


class PublicViewQueries(SqlTrackedView):
    # The county's date, by which rows past their last public day are left out
    # (ReadModels sets the ledger's); without it, nothing is left out by date.
    today: Callable[[], date] | None = None

    def serious_list(self, query: PageQuery) -> Page[ListingRow]:
        return self._page(SERIOUS_LIST, ListingRow, query)

    def red_list(self, query: PageQuery) -> Page[RedListRow]:
        return self._page(RED_LIST, RedListRow, query)

    def licences(self, query: PageQuery) -> Page[LicenceRow]:
        return self._page(LICENCES, LicenceRow, query)

    def penalties(self, query: PageQuery) -> Page[PenaltyRow]:
        return self._page(PENALTIES, PenaltyRow, query)

    def commitments(self, query: PageQuery) -> Page[CommitmentRow]:
        return self._page(COMMITMENTS, CommitmentRow, query)

    def search_subjects(
        self, text: str, limit: int, after: NameKey | None = None
    ) -> SearchPage:
        part = text.strip()
        params = _search_params(text, part, limit, after)
        with self.reading() as (c, position):
            if params["subject_code"] is not None:
                search = SEARCH_BY_CODE
            elif gram := self._rarest_gram(c, part):
                search, params["gram"] = SEARCH_BY_GRAM, gram
            else:
                search = SEARCH_BY_NAME
            c.execute(self.sql(search.page(after=after is not None)), params)
            found = [as_dict(r) for r in c.fetchall()]
        return _search_page(found, limit, position)

    def _rarest_gram(self, cursor: Any, part: str) -> str | None:
        """The pair of ``part`` with the fewest rows, if it has any pair.

        Counting stops at a cap, so it costs the same at any size. A pair past
        the cap is still read in name order, not the whole table: a part whose
        pairs are all that common (有限公司) matches many of their rows, and the
        first page fills fast."""
        grams = name_grams(part)[:MAX_COUNTED_GRAMS]
        if not grams:
            return None
        cursor.execute(
            self.sql(gram_counts(len(grams), GRAM_COUNT_CAP)),
            {f"g{n}": gram for n, gram in enumerate(grams)},
        )
        found = [as_dict(r) for r in cursor.fetchall()]
        counts = {int(r["n"]): int(r["found"]) for r in found}
        return grams[min(counts, key=lambda n: (counts[n], n))]

    def credit_profile(self, subject_code: str) -> CreditProfile | None:
        params = {"subject_code": subject_code, "on": self.today_text()}
        in_force = PageQuery(limit=None, subject_code=subject_code)
        with self.reading() as (c, position):
            c.execute(self.sql(SUBJECT_BY_CODE), params)
            found = c.fetchone()
            if found is None:
                return None
            c.execute(self.sql(RECORDS_OF_SUBJECT), params)
            records = [from_row(RecordFact, as_dict(r)) for r in c.fetchall()]
            listings = self._rows(c, SERIOUS_LIST, ListingRow, in_force)
            red_list = self._rows(c, RED_LIST, RedListRow, in_force)
        return CreditProfile(
            subject=from_row(SubjectRow, as_dict(found)),
            records=tuple(records),
            listings=tuple(listings),
            red_list=tuple(red_list),
            position=position,
        )

    def subjects_due(self, on: date) -> list[str]:
        with self.reading() as (c, _):
            c.execute(self.sql(SUBJECTS_DUE), {"on": on.isoformat()})
            return [str(as_dict(r)["subject_code"]) for r in c.fetchall()]

    def today_text(self) -> str:
        """The date rows are read as of (see ``today``), as the SQL compares it."""
        return (date.min if self.today is None else self.today()).isoformat()

    def _page(self, list_sql: ListSql, row_type: type[R], query: PageQuery) -> Page[R]:
        with self.reading() as (c, position):
            rows = self._rows(c, list_sql, row_type, query)
        if query.limit is None or len(rows) <= query.limit:
            return Page(rows, None, position)
        rows = rows[: query.limit]
        last: Any = rows[-1]
        on = getattr(last, list_sql.on.removeprefix("t."))
        return Page(rows, PageKey(on, last.position), position)

    def _rows(
        self, cursor: Any, list_sql: ListSql, row_type: type[R], query: PageQuery
    ) -> list[R]:
        after = query.after
        params = {
            "department": query.department,
            "since": to_sql(query.since),
            "subject_code": query.subject_code,
            "after_on": None if after is None else after.on.isoformat(),
            "after_position": None if after is None else after.position,
            # One row more than asked tells whether another page follows.
            "limit": None if query.limit is None else query.limit + 1,
            "today": self.today_text(),
        }
        cursor.execute(self.sql(list_sql.page(query)), params)
        return [from_row(row_type, as_dict(r)) for r in cursor.fetchall()]


def _search_params(
    text: str, part: str, limit: int, after: NameKey | None
) -> dict[str, str | int | None]:
    escaped = part.replace("\\", "\\\\").replace("%", r"\%")
    return {
        "subject_code": _as_code(text),
        "pattern": "%" + escaped.replace("_", r"\_") + "%",
        "after_name": None if after is None else after.name,
        "after_code": None if after is None else after.subject_code,
        # One row more than asked tells whether another page follows.
        "limit": limit + 1,
    }


def _as_code(text: str) -> str | None:
    """The subject code ``text`` is, if it is one (then only it is looked up)."""
    try:
        return parse_subject_code(text).value
    except InvalidSubjectCode:
        return None


def _search_page(found: list[dict[str, Any]], limit: int, position: int) -> SearchPage:
    rows = [from_row(SubjectRow, r) for r in found[:limit]]
    if len(found) <= limit:
        return SearchPage(rows, None, position)
    last = found[limit - 1]
    return SearchPage(rows, NameKey(last["name"], last["key_code"]), position)
