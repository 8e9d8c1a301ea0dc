"""queue index: the inbox's views (needs reply, due soon, breached) read only this index

One covering index over what the queue filters and sorts on, so a view of a 100,000-item
inbox reads a narrow index instead of every row (issue #6: views switch in milliseconds).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "status",
    "clock_started_at",
    "created_at",
    "updated_at",
    "first_seen_at",
    "snoozed_until",
    "account_id",
]


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_queue", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_queue")
