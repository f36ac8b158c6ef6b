"""The public views in SQL: tables beside the ledger's, in its database."""

from __future__ import annotations

from infrastructure.views.gram_backfill import backfill_grams
from infrastructure.views.masking_backfill import mask_stored_text
from infrastructure.views.public_reads import PublicViewQueries
from infrastructure.views.public_schema import (
    CREATE_PUBLIC_TABLES,
    PUBLIC_INDEXES,
    PUBLIC_TABLES,
)
from infrastructure.views.public_writes import PublicViewWrites
from projections.public_view import PublicViews


class SqlPublicViews(PublicViewWrites, PublicViewQueries, PublicViews):
    tables = PUBLIC_TABLES
    create_statements = CREATE_PUBLIC_TABLES
    index_statements = PUBLIC_INDEXES

    def create_table(self, *, with_indexes: bool = True) -> None:
        super().create_table(with_indexes=with_indexes)
        backfill_grams(self)
        mask_stored_text(self)
