"""Fills the name search's rows (``subject_grams``) of a public view that was
built before they existed, so an upgraded service finds every legal person by
name at once, without a rebuild.

One transaction, so a crash leaves none of them and the next start fills them
again; a row another process (a second service starting) already added is
left as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from infrastructure.views.name_grams import name_grams
from infrastructure.views.public_write_sql import ADD_GRAM
from infrastructure.views.stores import as_dict
from infrastructure.views.tracked import SqlTrackedView

log = logging.getLogger("credit_ledger.projections")
CHUNK = 5000
ANY_GRAM = "SELECT 1 FROM {subject_grams} LIMIT 1"
ANY_LEGAL_PERSON = "SELECT 1 FROM {subjects} WHERE kind = 'legal_person' LIMIT 1"
LEGAL_PERSONS_AFTER = """SELECT subject_code, name FROM {subjects}
WHERE kind = 'legal_person' AND subject_code > %(after)s
ORDER BY subject_code LIMIT %(limit)s"""


def backfill_grams(view: SqlTrackedView) -> int:
    """How many subjects' rows were added (0 when there were some already)."""
    with view.store.transaction(commit=True) as c:
        if _any(c, view.sql(ANY_GRAM)) or not _any(c, view.sql(ANY_LEGAL_PERSON)):
            return 0
        log.info(
            "%s: adding the name search rows of every legal person", view.view_name
        )
        after, subjects = "", 0
        while chunk := _legal_persons(c, view, after):
            rows = [
                {"subject_code": code, "gram": gram, "name": name}
                for code, name in chunk
                for gram in name_grams(name)
            ]
            if rows:
                c.executemany(view.sql(ADD_GRAM), rows)
            subjects += len(chunk)
            after = chunk[-1][0]
    log.info(
        "%s: name search rows added for %d legal persons", view.view_name, subjects
    )
    return subjects


def _any(cursor: Any, statement: str) -> bool:
    cursor.execute(statement)
    return cursor.fetchone() is not None


def _legal_persons(cursor: Any, view: SqlTrackedView, after: str) -> list[Any]:
    cursor.execute(view.sql(LEGAL_PERSONS_AFTER), {"after": after, "limit": CHUNK})
    return [(r["subject_code"], r["name"]) for r in map(as_dict, cursor.fetchall())]
