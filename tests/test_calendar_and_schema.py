"""Working-time arithmetic behind due dates, and migrations that match the models."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from inbox.calendar import WorkingCalendar
from inbox.config import parse_config
from inbox.db import (
    SQLITE_PAGE_SIZE,
    create_db_engine,
    current_revision,
    head_revision,
    in_models,
    upgrade,
)

IST = ZoneInfo("Asia/Kolkata")


def calendar(**working_hours: object) -> WorkingCalendar:
    cfg = parse_config({"working_hours": {"holiday_country": None, **working_hours}}, "t")
    return WorkingCalendar.from_config(cfg.working_hours)


def ist(*args: int) -> datetime:
    return datetime(*args, tzinfo=IST)  # type: ignore[misc]


def test_friday_evening_to_monday_morning_with_a_holiday_and_split_shift() -> None:
    cal = calendar(
        days=["mon", "tue", "wed", "thu", "fri", "sat"],
        hours=["10:00-13:00", "14:00-19:00"],
        closed_dates=[date(2026, 11, 21)],  # the Saturday
    )
    # Fri 20 Nov 18:45 → Mon 23 Nov 10:30: 15 min Friday, Saturday closed, 30 min Monday
    assert cal.working_seconds(ist(2026, 11, 20, 18, 45), ist(2026, 11, 23, 10, 30)) == 45 * 60
    # the lunch break does not count
    assert cal.working_seconds(ist(2026, 11, 23, 12, 30), ist(2026, 11, 23, 14, 30)) == 3600
    # 24 working hours from Friday 18:45: 0.25 Fri + 8 Mon + 8 Tue + 7.75 Wed
    assert cal.add(ist(2026, 11, 20, 18, 45), 24 * 3600) == ist(2026, 11, 25, 18, 45)


def test_public_holidays_come_from_the_holidays_package() -> None:
    cal = calendar(holiday_country="IN", days=["mon", "tue", "wed", "thu", "fri"])
    # 2 Oct 2026 (Friday) is Gandhi Jayanti
    assert not cal.is_working_day(date(2026, 10, 2))
    assert cal.is_working_day(date(2026, 10, 1))
    assert cal.working_seconds(ist(2026, 10, 2, 9), ist(2026, 10, 2, 20)) == 0


def test_open_dates_override_closed_weekdays() -> None:
    cal = calendar(days=["mon"], open_dates=[date(2026, 11, 29)])  # a Sunday sale
    assert cal.is_working_day(date(2026, 11, 29))
    assert not cal.is_working_day(date(2026, 11, 28))


def test_each_calendar_keeps_its_own_days() -> None:
    """Days' intervals are worked out once per calendar: a calendar made from another (other
    closed dates) does not see the first one's days."""
    day = date(2026, 11, 23)
    cal = calendar(hours=["10:00-19:00"])
    assert len(cal.spans(day)) == 1
    closed = replace(cal, closed_dates=frozenset({day}))
    assert closed.spans(day) == ()
    assert cal.spans(day) == cal.spans(day) != ()
    assert closed.working_seconds(ist(2026, 11, 23, 9), ist(2026, 11, 23, 20)) == 0
    assert cal.working_seconds(ist(2026, 11, 23, 9), ist(2026, 11, 23, 20)) == 9 * 3600


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=60, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_working_time_is_additive_and_non_negative(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    cal = calendar(hours=["09:30-13:00", "14:00-18:30"])
    ab, bc = cal.working_seconds(a, b), cal.working_seconds(b, c)
    assert ab >= 0
    assert bc >= 0
    assert cal.working_seconds(a, c) == pytest.approx(ab + bc, abs=1e-3)
    assert cal.working_seconds(c, a) == 0


@settings(max_examples=60, deadline=None)
@given(start=instants, hours=st.floats(min_value=0.01, max_value=200))
def test_add_and_subtract_invert_working_seconds(start: datetime, hours: float) -> None:
    cal = calendar()
    due = cal.add(start, hours * 3600)
    assert cal.working_seconds(start, due) == pytest.approx(hours * 3600, abs=1e-3)
    back = cal.subtract(due, hours * 3600)
    assert cal.working_seconds(back, due) == pytest.approx(hours * 3600, abs=1e-3)
    # `back` may sit before `start` only across non-working time
    assert cal.working_seconds(back, start) == pytest.approx(0, abs=1e-3)


def test_zone_of_input_does_not_matter() -> None:
    cal = calendar()
    a = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    b = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    assert cal.working_seconds(a, b) == cal.working_seconds(a.astimezone(IST), b.astimezone(IST))


# SQLAlchemy cannot reflect an expression index on SQLite, so it is left out of the
# comparison there; test_author_key_index_is_created checks it instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": in_models})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_author_key_index_is_created(engine: Engine) -> None:
    """The repeated-complaint lookup (classify.metadata_reasons) reads this index."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_item_author_key'"
        else:
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_item_author_key'"
        definition = conn.exec_driver_sql(sql).scalar_one()
    assert all(word in definition.lower() for word in ("lower(", "coalesce(author_id", "author"))


def test_new_sqlite_files_get_large_pages_and_existing_files_keep_theirs(tmp_path: Path) -> None:
    def page_size(path: Path) -> int:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("PRAGMA page_size").fetchone()[0])

    new = create_db_engine(str(tmp_path / "new.db"))
    upgrade(new)
    new.dispose()
    assert page_size(tmp_path / "new.db") == SQLITE_PAGE_SIZE != 4096

    old_path = tmp_path / "old.db"
    with sqlite3.connect(old_path) as conn:  # a file made before, with SQLite's default
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE kept (x)")
    old = create_db_engine(str(old_path))
    upgrade(old)
    assert current_revision(old) == head_revision()
    old.dispose()
    assert page_size(old_path) == 4096
