"""Statements that read the public views; ``{name}`` is a table."""

from __future__ import annotations

from dataclasses import dataclass, fields

from projections.paging import PageQuery
from projections.rows import (
    CommitmentRow,
    LicenceRow,
    ListingRow,
    PenaltyRow,
    RecordFact,
    RedListRow,
    SubjectRow,
)

_FROM_SUBJECTS = {
    "subject": "s.public_code AS subject",
    "name": "s.name",
    "kind": "s.kind",
    "legal_representative": "s.legal_representative",
}


def _columns(row_type: type[object], joined: bool = True) -> str:
    """The row's fields, subject details taken from the joined subject."""
    from_subjects = _FROM_SUBJECTS if joined else {}
    return ", ".join(
        from_subjects.get(f.name, f"t.{f.name}")
        for f in fields(row_type)  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class ListSql:
    """How one list is selected, dated and attributed to a department, and
    the column of the day its rows stop being public (if they ever do)."""

    select: str
    on: str
    department: str
    until: str | None = None

    def page(self, query: PageQuery) -> str:
        where = ["1 = 1"]
        if self.until is not None:
            # Gone on that day, as the expiry run will record: until then (it
            # runs on a timer) the row is still in the table.
            where.append(f"({self.until} IS NULL OR {self.until} > %(today)s)")
        if query.department is not None:
            where.append(f"{self.department} = %(department)s")
        if query.since is not None:
            where.append(f"{self.on} >= %(since)s")
        if query.subject_code is not None:
            where.append("t.subject_code = %(subject_code)s")
        if query.after is not None:
            # A row value, not "on < a OR (on = a AND position < p)": both
            # databases start the index scan at the key instead of filtering
            # every newer row, so a deep page costs what the first one does.
            where.append(
                f"({self.on}, t.position) < (%(after_on)s, %(after_position)s)"
            )
        limit = "" if query.limit is None else " LIMIT %(limit)s"
        return (
            f"{self.select} WHERE {' AND '.join(where)} "
            f"ORDER BY {self.on} DESC, t.position DESC{limit}"
        )


def _list(
    row_type: type[object],
    table: str,
    on: str,
    department: str,
    until: str | None = None,
) -> ListSql:
    select = (
        f"SELECT {_columns(row_type)} FROM {{{table}}} t "
        "JOIN {subjects} s ON s.subject_code = t.subject_code"
    )
    return ListSql(
        select, f"t.{on}", f"t.{department}", None if until is None else f"t.{until}"
    )


SERIOUS_LIST = _list(
    ListingRow, "serious_list", "listed_on", "department", "term_ends_on"
)
RED_LIST = _list(RedListRow, "red_list", "decided_on", "department", "valid_to")
LICENCES = _list(LicenceRow, "licences", "decided_on", "data_source")
PENALTIES = _list(
    PenaltyRow, "penalties", "decided_on", "data_source", "publicity_until"
)
COMMITMENTS = _list(CommitmentRow, "commitments", "made_on", "data_source")

_SUBJECT = f"SELECT {_columns(SubjectRow)} FROM {{subjects}} s"
SUBJECT_BY_CODE = f"{_SUBJECT} WHERE s.subject_code = %(subject_code)s"


@dataclass(frozen=True)
class SearchSql:
    """One way the search finds subjects, in (name, code) order from a page's
    key on; ``key`` names those two columns."""

    select: str
    key: str

    def page(self, *, after: bool) -> str:
        where = ""
        if after:
            # A row value, as in the lists: the index scan starts at the key.
            where = f" AND ({self.key}) > (%(after_name)s, %(after_code)s)"
        return f"{self.select}{where} ORDER BY {self.key} LIMIT %(limit)s"


# The row's key is the subject's own code, which ``subject`` may show masked.
_FOUND = f"SELECT {_columns(SubjectRow)}, s.subject_code AS key_code"
SEARCH_BY_CODE = SearchSql(
    f"{_FOUND} FROM {{subjects}} s WHERE s.subject_code = %(subject_code)s",
    "s.name, s.subject_code",
)


@dataclass(frozen=True)
class KeysFirstSearchSql(SearchSql):
    """A search whose ``select`` yields only the page's keys, read from an index
    holding every column it names, and the page's rows joined after.

    A part matched by few names is found by passing over many rows in name
    order: read from the table, each is a page of its own, and at a million
    subjects those pages are no longer all in memory (twice the time of ten
    thousand, against the same part); read from the index, they are a few
    pages in a row."""

    def page(self, *, after: bool) -> str:
        return (
            f"{_FOUND} FROM ({super().page(after=after)}) k "
            "JOIN {subjects} s ON s.subject_code = k.subject_code "
            "ORDER BY k.name, k.subject_code"
        )


# Private people are found only by their full number (SEARCH_BY_CODE). The
# keys come from the index on (kind, name, subject_code).
SEARCH_BY_NAME = KeysFirstSearchSql(
    "SELECT s.name, s.subject_code FROM {subjects} s "
    "WHERE s.kind = 'legal_person' "
    "AND lower(s.name) LIKE lower(%(pattern)s) ESCAPE '\\'",
    "s.name, s.subject_code",
)
# The same answer from the rows of one pair of the part (name_grams.py), which
# hold only legal persons, in the same order; rows of a former name are skipped.
SEARCH_BY_GRAM = SearchSql(
    f"{_FOUND} FROM {{subject_grams}} g "
    "JOIN {subjects} s ON s.subject_code = g.subject_code AND s.name = g.name "
    "WHERE g.gram = %(gram)s "
    "AND lower(g.name) LIKE lower(%(pattern)s) ESCAPE '\\'",
    "g.name, g.subject_code",
)


def gram_counts(grams: int, cap: int) -> str:
    """How many rows each of ``grams`` pairs (``%(g0)s``, ...) has, counted up
    to ``cap``: enough to tell the rare ones, whatever the table's size."""
    return " UNION ALL ".join(
        f"SELECT {n} AS n, (SELECT count(*) FROM (SELECT 1 FROM {{subject_grams}} "
        f"WHERE gram = %(g{n})s LIMIT {cap}) r) AS found"
        for n in range(grams)
    )


def _due(t: str) -> str:
    """A record (of table alias ``t``) the expiry run would end on %(on)s: the
    view's form of ``CreditRecord.is_due``."""
    return (
        f"{t}.status = 'active' AND {t}.maximum_until IS NOT NULL "
        f"AND {t}.maximum_until <= %(on)s "
        f"AND ({t}.published OR {t}.kind IN ('listing', 'red_list'))"
    )


def record_facts(t: str) -> str:
    """The columns of a ``RecordFact`` of table alias ``t``, as of %(on)s: a
    record due by then reads as ended on its day, as the expiry run will record
    it, so the credit check and the inspection plan do not wait for its timer."""
    as_of = {
        "status": f"CASE WHEN {_due(t)} THEN CASE {t}.kind "
        "WHEN 'listing' THEN 'delisted' WHEN 'red_list' THEN 'revoked' "
        f"ELSE 'expired' END ELSE {t}.status END AS status",
        "closed_on": f"CASE WHEN {_due(t)} THEN {t}.maximum_until "
        f"ELSE {t}.closed_on END AS closed_on",
    }
    return ", ".join(as_of.get(f.name, f"{t}.{f.name}") for f in fields(RecordFact))


RECORDS_OF_SUBJECT = (
    f"SELECT {record_facts('t')} FROM {{records}} t "
    "WHERE t.subject_code = %(subject_code)s ORDER BY t.decided_on, t.record_id"
)
SUBJECTS_DUE = f"""SELECT DISTINCT t.subject_code FROM {{records}} t
WHERE {_due("t")}
ORDER BY t.subject_code"""
