"""`inbox db backup PATH`: a consistent copy of the database while others keep working.

SQLite: the online backup API (a consistent snapshot even with WAL and concurrent writers).
PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`), the password passed in
the environment, never on the command line. Backups are created with mode 0600.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from inbox.errors import DatabaseError


def backup(engine: Engine, target: Path) -> Path:
    target = target.expanduser()
    if target.is_dir():
        target = target / "inbox-backup.db"
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        return _sqlite(engine, target)
    if engine.dialect.name == "postgresql":
        return _postgres(engine, target)
    raise DatabaseError(f"no backup method for {engine.dialect.name}")


def _private(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _sqlite(engine: Engine, target: Path) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseError("an in-memory database cannot be backed up")
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    _private(tmp)
    source = sqlite3.connect(database)
    copy = sqlite3.connect(tmp)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    tmp.replace(target)
    return target


def _postgres(engine: Engine, target: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = [pg_dump, "--format=custom", "--no-owner", "--file", str(target)]
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args += [flag, str(value)]
    args.append(str(url.database))
    _private(target)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no message"
        raise DatabaseError(f"pg_dump failed: {detail}")
    return target
