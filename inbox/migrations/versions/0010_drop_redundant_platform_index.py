"""drop ix_item_platform: the unique key (platform, account_id, external_id) begins with it

Every item wrote both indexes, and any query on the platform can read the unique key's
prefix instead: the per-platform views of 100,000 items (bench/bench_tui.py's database)
read in the same 10–18 ms without it, and ingest writes one b-tree fewer per item.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_item_platform", table_name="item")


def downgrade() -> None:
    op.create_index("ix_item_platform", "item", ["platform"], unique=False)
