"""Every enterprise of the public view with its credit facts, in one snapshot:
what the 双随机 inspection plan grades."""

from __future__ import annotations

from collections import defaultdict

from application.inspection_plan import GradingCandidate, GradingPopulation
from infrastructure.views.codec import from_row
from infrastructure.views.public_read_sql import record_facts
from infrastructure.views.public_views import SqlPublicViews
from infrastructure.views.stores import as_dict
from projections.rows import RecordFact

ENTERPRISES = """SELECT subject_code, name FROM {subjects}
WHERE kind = 'legal_person' ORDER BY subject_code"""
FACTS_OF_ENTERPRISES = f"""SELECT t.subject_code, {record_facts("t")}
FROM {{records}} t JOIN {{subjects}} s ON s.subject_code = t.subject_code
WHERE s.kind = 'legal_person' ORDER BY t.subject_code, t.decided_on, t.record_id"""


class SqlGradingPopulation:
    def __init__(self, views: SqlPublicViews) -> None:
        self._views = views

    def grading_population(self) -> GradingPopulation:
        facts: dict[str, list[RecordFact]] = defaultdict(list)
        with self._views.reading() as (c, position):
            c.execute(self._views.sql(ENTERPRISES))
            enterprises = [as_dict(r) for r in c.fetchall()]
            c.execute(
                self._views.sql(FACTS_OF_ENTERPRISES), {"on": self._views.today_text()}
            )
            for raw in c.fetchall():
                row = as_dict(raw)
                facts[row["subject_code"]].append(from_row(RecordFact, row))
        return GradingPopulation(
            tuple(
                GradingCandidate(
                    e["subject_code"], e["name"], tuple(facts[e["subject_code"]])
                )
                for e in enterprises
            ),
            position,
        )
