"""author key index: the repeated-complaint check finds an author's other items by index

`classify.metadata_reasons` looks up each batch's authors by lower(coalesce(author_id,
author)); without an index on that expression every batch read the whole item table, so
classifying N items cost N² (issue #8).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_item_author_key",
        "item",
        [sa.text("lower(coalesce(author_id, author))")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_item_author_key", table_name="item")
