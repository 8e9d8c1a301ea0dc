"""`inbox db backup` and `inbox db reindex`: registered on the `inbox db` group by inbox.cli."""

from __future__ import annotations

from pathlib import Path

import click

from inbox.cli import State, db, out, pass_state


@db.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@pass_state
def db_backup(state: State, path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite: the backup API, safe while
    others write; PostgreSQL: pg_dump custom format, restore with pg_restore)."""
    from inbox.backup import backup

    written = backup(state.engine(), path)
    size = written.stat().st_size
    out.print(f"Backed up to {written} ({size / 1_048_576:.1f} MiB).", markup=False)


@db.command("reindex")
@pass_state
def db_reindex(state: State) -> None:
    """Rebuild the text search index from every item (SQLite; PostgreSQL keeps its own)."""
    from inbox.textindex import reindex

    engine = state.engine()
    with engine.begin() as connection:
        done = reindex(connection)
    if engine.dialect.name != "sqlite":
        out.print("PostgreSQL keeps its trigram indexes itself: nothing to rebuild.")
    else:
        out.print(f"Indexed the text of {done:,} items for search.", markup=False)
