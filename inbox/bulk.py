"""Whole-batch inserts without SQLAlchemy's per-row parameter handling on SQLite.

SQLAlchemy builds and converts every parameter of every row of an executemany in Python;
at 100,000 rows that costs more than SQLite's own work. On SQLite the same conversions (each
column's own bind processor) run here once per column, values repeated by identity (the
batch's `now`, a shared event payload) are converted once, and the driver's executemany
gets plain tuples. Other databases take the ordinary Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect


def insert_rows(
    connection: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    json_text: Collection[str] = (),
) -> None:
    """Insert `rows` (all with the same keys) in one executemany.

    `json_text` names JSON columns whose values are already serialized JSON text: they are
    stored as given, not serialized again.
    """
    if not rows:
        return
    names = tuple(rows[0])
    if any(len(row) != len(names) for row in rows):
        raise ValueError(f"rows for {table.name} do not all have the same columns")
    if connection.dialect.name != "sqlite":
        statement = sa.insert(table)
        if json_text:
            statement = statement.values(
                {
                    name: sa.cast(sa.bindparam(name, type_=sa.Text), table.c[name].type)
                    for name in json_text
                }
            )
        connection.execute(statement, list(rows))
        return
    # Python-side defaults are filled by Core, not here: a missing one would be a NULL.
    missing = [c.name for c in table.c if c.default is not None and c.name not in names]
    if missing:
        raise ValueError(f"rows for {table.name} lack columns with defaults: {missing}")
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        convert = None if name in json_text else _processor(table, name, connection.dialect)
        columns.append(values if convert is None else _converted(values, convert))
    connection.exec_driver_sql(_sqlite_insert(table, names), list(zip(*columns, strict=True)))


def _converted(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    done: dict[int, Any] = {}  # by identity: every value stays alive while this runs
    out = []
    for value in values:
        key = id(value)
        if key not in done:
            done[key] = convert(value)
        out.append(done[key])
    return out


def _processor(table: sa.Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    processor: Callable[[Any], Any] | None = table.c[name].type._cached_bind_processor(dialect)
    return processor


@lru_cache(maxsize=64)
def _sqlite_insert(table: sa.Table, names: tuple[str, ...]) -> str:
    quote = sqlite.dialect().identifier_preparer.quote
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
