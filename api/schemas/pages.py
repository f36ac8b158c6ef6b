"""What every paged read-model answer carries besides its rows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PagePublic(BaseModel):
    count: int = Field(description="Rows on this page")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page"
    )
    position: int = Field(description="The ledger position this answer reflects")
