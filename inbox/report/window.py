"""The window a report reads: its items and their effective themes, copied once into two
temporary tables.

A report covers its period, the period before (for comparison) and four weeks of history (for
spike baselines). Copying what it needs of those items into temporary tables costs one indexed
range scan of `item` and one grouped pass over their tags; every figure is then a GROUP BY over
the small tables instead of another scan of the big ones. One connection and one transaction,
so all figures come from one snapshot and add up. SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from inbox.models import Item, Tag, TagOrigin
from inbox.report.periods import Buckets, local_day
from inbox.sla import epoch

item_t = Item.__table__  # type: ignore[attr-defined]
tag_t = Tag.__table__  # type: ignore[attr-defined]

_names = count()


def from_epoch(seconds: Any) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(int(seconds), UTC)


@dataclass
class Window:
    """The items of [buckets.start, buckets.end) and their effective themes, as temp tables.

    `items`: id, bucket (0 = the report's period, 1 = the one before…), platform, app version,
    rating, clock start (epoch seconds) and local day (days since 1970).
    `themes`: item id, theme, score (a person's tag counts with score 1)."""

    conn: Connection
    buckets: Buckets
    zone: Any
    items: sa.Table
    themes: sa.Table

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def period(self, bucket: int = 0) -> Any:
        return self.items.c.bucket == bucket


@contextmanager
def open_window(engine: Engine, buckets: Buckets, zone: Any) -> Iterator[Window]:
    """Fill the two temporary tables on one connection; dropped when the block ends."""
    suffix = f"{next(_names)}"
    meta = sa.MetaData()
    items = sa.Table(
        f"report_item_{suffix}",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("app_version", sa.String(100)),
        sa.Column("rating", sa.Integer),
        sa.Column("started_s", sa.BigInteger, nullable=False),
        sa.Column("day", sa.BigInteger, nullable=False),
        prefixes=["TEMPORARY"],
    )
    themes = sa.Table(
        f"report_theme_{suffix}",
        meta,
        sa.Column("item_id", sa.Integer, primary_key=True),
        sa.Column("theme", sa.String(100), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        prefixes=["TEMPORARY"],
    )
    with engine.connect() as conn:
        try:
            meta.create_all(conn)
            _fill(conn, items, themes, buckets, zone)
            yield Window(conn, buckets, zone, items, themes)
            meta.drop_all(conn)
            conn.commit()
        finally:
            # On an error the tables go with the rolled-back transaction that created them.
            conn.rollback()


def _fill(conn: Connection, items: sa.Table, themes: sa.Table, buckets: Buckets, zone: Any) -> None:
    started = item_t.c.clock_started_at
    seconds = epoch(started, conn.dialect.name)
    conn.execute(
        items.insert().from_select(
            ["id", "bucket", "platform", "app_version", "rating", "started_s", "day"],
            sa.select(
                item_t.c.id,
                buckets.expression(started),
                item_t.c.platform,
                item_t.c.app_version,
                item_t.c.rating,
                seconds,
                local_day(seconds, zone, buckets.start, buckets.end),
            ).where(started >= buckets.start, started < buckets.end),
        )
    )
    # Effective themes in one grouped pass over each item's tags: a person's row decides when
    # there is one (active: the theme is on, inactive: removed), else the model's rows do.
    human = tag_t.c.origin == TagOrigin.HUMAN
    has_human = sa.func.max(sa.case((human, 1), else_=0))
    human_on = sa.func.max(sa.case((sa.and_(human, tag_t.c.active.is_(True)), 1), else_=0))
    model_score = sa.func.max(
        sa.case(
            (sa.and_(~human, tag_t.c.active.is_(True)), sa.func.coalesce(tag_t.c.score, 1.0)),
            else_=None,
        )
    )
    grouped = (
        sa.select(
            tag_t.c.item_id,
            tag_t.c.theme,
            sa.case((has_human == 1, 1.0), else_=model_score).label("score"),
        )
        # `+ 0`: SQLite's planner would rather scan every tag in the database in index order
        # (to skip sorting for the GROUP BY); an expression on this side makes it walk the
        # window's items and look up their tags, which scales with the window instead.
        .select_from(items.join(tag_t, tag_t.c.item_id == items.c.id + 0))
        .group_by(tag_t.c.item_id, tag_t.c.theme)
        .having(
            sa.or_(
                sa.and_(has_human == 1, human_on == 1),
                sa.and_(has_human == 0, model_score.is_not(None)),
            )
        )
    )
    conn.execute(themes.insert().from_select(["item_id", "theme", "score"], grouped))
