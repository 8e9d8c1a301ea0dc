"""outbox: when a send was attempted, and which sent reply an edit replaces

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempted_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_reply_replaces_id_reply", "reply", ["replaces_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_constraint("fk_reply_replaces_id_reply", type_="foreignkey")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("attempted_by")
        batch_op.drop_column("attempted_at")
