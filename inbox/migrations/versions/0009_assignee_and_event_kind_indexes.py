"""view indexes: "Mine" and "Replied today" stop reading every item; two unused indexes go

"Mine" (items waiting for a reply that are assigned to me) had no index on the assignee, so
SQLite read every waiting item (66 ms a page at 100,000 items). A partial index holds the
assigned items only: ingest, which assigns nobody, writes nothing to it.

"Replied today" looks up replied events since midnight; with an index on the kind alone,
SQLite read every `replied` event (60,000) to check its time (37 ms). `(kind, at, item_id)`
serves the kind, the time and the item from the index alone, and everything the kind index
served (it is its prefix), so it replaces it.

Two indexes no query used go: `ix_item_created_at` (the queue and the reports order and
filter by coalesce(created_at, updated_at, first_seen_at), which `ix_item_status_published`
holds) and `ix_event_at` (events are read by item or by kind and time). No SQLite plan chose
either in the test suite (an EXPLAIN QUERY PLAN of every statement of the service, SLA,
report, export, search, ingest, team and CLI tests), and every ingested item wrote both.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSIGNED = sa.text("assignee IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_item_assignee",
        "item",
        ["assignee"],
        unique=False,
        sqlite_where=ASSIGNED,
        postgresql_where=ASSIGNED,
    )
    op.drop_index("ix_event_kind", table_name="event")
    op.create_index("ix_event_kind_at", "event", ["kind", "at", "item_id"], unique=False)
    op.drop_index("ix_item_created_at", table_name="item")
    op.drop_index("ix_event_at", table_name="event")


def downgrade() -> None:
    op.create_index("ix_event_at", "event", ["at"], unique=False)
    op.create_index("ix_item_created_at", "item", ["created_at"], unique=False)
    op.drop_index("ix_event_kind_at", table_name="event")
    op.create_index("ix_event_kind", "event", ["kind"], unique=False)
    op.drop_index("ix_item_assignee", table_name="item")
