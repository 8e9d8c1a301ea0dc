"""queue order index: the urgent queue's first page is read in order, not sorted

The queue shows the most urgent items first and, within an urgency, the newest first
(`coalesce(created_at, updated_at, first_seen_at)`). Nothing indexed that order, so every
page of "Needs reply" read and sorted all its items (40,000 at 100,000 items), and every
search looked up each of its matches (16,000 for a place name) to sort them. With this
index `inbox.queue_walk` reads each urgency's items newest first and stops at a page.

It replaces `ix_item_status_created` (status, created_at), which no query used any more:
the queue orders by the coalesce, and the status alone is served by `ix_item_queue`. So an
ingested item still writes nine item indexes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    sa.text("status"),
    sa.text("coalesce(created_at, updated_at, first_seen_at)"),
    sa.text("id"),
    sa.text("clock_started_at"),
    sa.text("snoozed_until"),
    # SQLite (3.40) reads an indexed expression's value from the table row unless the
    # index also holds the columns it is made of: with them, a walk reads the index only.
    sa.text("created_at"),
    sa.text("updated_at"),
    sa.text("first_seen_at"),
]


def upgrade() -> None:
    op.drop_index("ix_item_status_created", table_name="item")
    op.create_index("ix_item_status_published", "item", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_item_status_published", table_name="item")
    op.create_index("ix_item_status_created", "item", ["status", "created_at"], unique=False)
