"""Statements of the masking of public views built before their text was
masked (``masking_backfill.py``); ``{name}`` is a table."""

from __future__ import annotations

from dataclasses import dataclass

DONE = "SELECT 1 FROM {upgrades} WHERE name = %(name)s"
RECORD_DONE = "INSERT INTO {upgrades} (name) VALUES (%(name)s) ON CONFLICT DO NOTHING"
# Name search rows of a name with a digit, among them every one of a name with
# a number (its first digit and the next character make a pair).
NAMES_WITH_DIGITS = """SELECT DISTINCT subject_code, name FROM {subject_grams}
WHERE substr(gram, 1, 1) IN ('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')"""
DROP_GRAM = """DELETE FROM {subject_grams}
WHERE gram = %(gram)s AND name = %(name)s AND subject_code = %(subject_code)s"""


@dataclass(frozen=True)
class TextColumns:
    """The columns of a table that hold free text (the others hold keys,
    dates, amounts and values of fixed sets); ``lists`` hold JSON lists."""

    table: str
    key: tuple[str, ...]
    text: tuple[str, ...]
    lists: tuple[str, ...] = ()

    def chunk(self, size: int) -> str:
        keys = ", ".join(self.key)
        after = ", ".join(f"%({k})s" for k in self.key)
        return (
            f"SELECT {keys}, {', '.join(self.text + self.lists)} "
            f"FROM {{{self.table}}} WHERE ({keys}) > ({after}) "
            f"ORDER BY {keys} LIMIT {size}"
        )

    def replace(self, column: str) -> str:
        where = " AND ".join(f"{k} = %({k})s" for k in self.key)
        return (
            f"UPDATE {{{self.table}}} SET {column} = %(shown)s "
            f"WHERE {where} AND {column} = %(found)s"
        )


SUBJECTS = TextColumns("subjects", ("subject_code",), ("name", "legal_representative"))
_RECORD = ("subject_code", "record_id")
TABLES = (
    SUBJECTS,
    TextColumns("serious_list", _RECORD, ("basis",), ("measures",)),
    TextColumns(
        "licences",
        _RECORD,
        ("decision_no", "licence_name", "licence_no", "content", "authority"),
    ),
    TextColumns(
        "penalties",
        _RECORD,
        ("decision_no", "violation_type", "facts", "basis", "content", "authority"),
    ),
    TextColumns("commitments", _RECORD, ("matter", "content", "breach_details")),
)
