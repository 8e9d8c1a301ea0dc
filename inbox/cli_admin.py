"""`inbox db backup`, `inbox db reindex` and `inbox db vacuum`: registered on the `inbox db`
group by inbox.cli."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from inbox.cli import State, db, out, pass_state
from inbox.errors import DatabaseError


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
    """Rebuild the text search index from every item (PostgreSQL: make missing trigram
    indexes)."""
    from inbox.textindex import reindex

    engine = state.engine()
    try:
        with engine.begin() as connection:
            done = reindex(connection)
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(
            f"cannot build the search index: {str(exc.orig).strip()}. On PostgreSQL a "
            "superuser (or the database owner, pg_trgm being trusted) must allow "
            "CREATE EXTENSION pg_trgm; search scans every item until then."
        ) from None
    finally:
        engine.dispose()
    out.print(f"Indexed the text of {done:,} items for search.", markup=False)


@db.command("vacuum")
@pass_state
def db_vacuum(state: State) -> None:
    """Rewrite the database compactly (SQLite: free pages dropped, files made before 16 KB
    pages moved to them; needs the file to itself). PostgreSQL: VACUUM (ANALYZE)."""
    from inbox.vacuum import vacuum

    done = vacuum(state.engine())
    sizes = f"{done.bytes_before / 1_048_576:.1f} → {done.bytes_after / 1_048_576:.1f} MiB"
    pages = ""
    if done.page_size_before is not None and done.page_size_after is not None:
        pages = f", {done.page_size_before // 1024} → {done.page_size_after // 1024} KB pages"
    out.print(f"Vacuumed: {sizes}{pages}.", markup=False)
