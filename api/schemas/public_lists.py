"""The public lists: serious dishonesty (严重失信主体名单) and the red list.

``subject`` is the public form of the code: natural persons' identity numbers
are masked (``110105********002X``).
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas.pages import PagePublic, RowPublic


class SeriousListEntryPublic(RowPublic):
    subject: str
    name: str
    record_id: str
    department: str = Field(description="The listing authority")
    basis: str
    measures: list[str] = Field(description="Punishment measures (national list)")
    listed_on: date
    term_ends_on: date
    notified_on: date | None = Field(description="Prior notice given on")
    position: int


class SeriousListPublic(PagePublic):
    data: list[SeriousListEntryPublic]


class RedListEntryPublic(RowPublic):
    subject: str
    name: str
    record_id: str
    scheme: str = Field(description="a_grade_taxpayer | customs_aeo | other")
    department: str
    decided_on: date
    valid_to: date
    position: int


class RedListPublic(PagePublic):
    data: list[RedListEntryPublic]
