"""exports: batches per channel, and which escalations each holds (exactly once per channel)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_batch",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("export_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_batch_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_batch_state"), ["state"], unique=False)
    op.create_table(
        "export_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("covered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["export_batch.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "escalation_id", name="uq_export_item_channel"),
    )
    with op.batch_alter_table("export_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_item_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_export_item_escalation_id"), ["escalation_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("export_item")
    op.drop_table("export_batch")
