"""Whole-batch inserts without SQLAlchemy's per-row parameter handling on SQLite.

SQLAlchemy builds and converts every parameter of every row of an executemany in Python;
at 100,000 rows that costs more than SQLite's own work. On SQLite the same conversions (each
column's own bind processor) run here once per column, values repeated by identity (the
batch's `now`, a shared event payload) are converted once, and the driver's executemany
gets plain tuples. Other databases take the ordinary Core path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect

from inbox.models import UTCDateTime


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
        _insert_core(connection, table, rows, json_text)
        return
    columns = [[row[name] for row in rows] for name in names]
    _insert_sqlite(connection, table, names, columns, json_text)


def insert_tuples(
    connection: Connection,
    table: sa.Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    json_text: Collection[str] = (),
) -> None:
    """`insert_rows` for rows given as tuples of values in `names` order: no dict per row."""
    if not rows:
        return
    if any(len(row) != len(names) for row in rows):
        raise ValueError(f"rows for {table.name} do not all have {len(names)} values")
    if connection.dialect.name != "sqlite":
        _insert_core(
            connection, table, [dict(zip(names, row, strict=True)) for row in rows], json_text
        )
        return
    _insert_sqlite(connection, table, tuple(names), list(zip(*rows, strict=True)), json_text)


def _insert_core(
    connection: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    json_text: Collection[str],
) -> None:
    statement = sa.insert(table)
    if json_text:
        statement = statement.values(
            {
                name: sa.cast(sa.bindparam(name, type_=sa.Text), table.c[name].type)
                for name in json_text
            }
        )
    connection.execute(statement, list(rows))


def _insert_sqlite(
    connection: Connection,
    table: sa.Table,
    names: tuple[str, ...],
    columns: Sequence[Sequence[Any]],
    json_text: Collection[str],
) -> None:
    # Python-side defaults are filled by Core, not here: a missing one would be a NULL.
    missing = [c.name for c in table.c if c.default is not None and c.name not in names]
    if missing:
        raise ValueError(f"rows for {table.name} lack columns with defaults: {missing}")
    converted: list[Sequence[Any]] = []
    done: dict[tuple[int, int], Any] = {}  # shared: `now` fills several columns of a row
    for name, values in zip(names, columns, strict=True):
        convert = None if name in json_text else _processor(table, name, connection.dialect)
        converted.append(values if convert is None else _converted(values, convert, done))
    connection.exec_driver_sql(_sqlite_insert(table, names), list(zip(*converted, strict=True)))


def _converted(
    values: Sequence[Any], convert: Callable[[Any], Any], done: dict[tuple[int, int], Any]
) -> list[Any]:
    """`values` converted, each distinct object once (by identity: every value stays alive
    while this runs)."""
    kind = id(convert)
    out = []
    for value in values:
        key = (kind, id(value))
        if key not in done:
            done[key] = convert(value)
        out.append(done[key])
    return out


def _processor(table: sa.Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    column_type = table.c[name].type
    if isinstance(column_type, UTCDateTime):
        return sqlite_utc_text  # the same text as its processor chain, in one C call
    processor: Callable[[Any], Any] | None = column_type._cached_bind_processor(dialect)
    return processor


_UTC_TEXT = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def sqlite_bound_value(connection: Connection, table: sa.Table, name: str, value: Any) -> Any:
    """`value` as SQLite's driver receives it for `table.name` from `insert_rows`, for
    statements that take a column's value as a parameter of their own."""
    convert = _processor(table, name, connection.dialect)
    return value if convert is None else convert(value)


def sqlite_utc_text(value: datetime | None) -> str | None:
    """What SQLAlchemy stores on SQLite for a `UTCDateTime` value (tests prove it the same)."""
    if value is None:
        return None
    if value.tzinfo is UTC:  # most values: isoformat's text, without its costly offset
        return _UTC_TEXT % (
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
        )
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} given to a UTC column")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@lru_cache(maxsize=64)
def _sqlite_insert(table: sa.Table, names: tuple[str, ...]) -> str:
    quote = sqlite.dialect().identifier_preparer.quote
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
