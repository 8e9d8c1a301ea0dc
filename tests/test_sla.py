"""The response SLA: the worked examples of docs/sla.md, the SQL working-time function against
the Python calendar (hypothesis), and the figures on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from inbox.calendar import WorkingCalendar
from inbox.config import Config, parse_config
from inbox.db import create_db_engine, ensure_schema, session_scope
from inbox.ingest import ensure_account, ingest
from inbox.models import Item, Reply, ReplyOrigin, ReplyState, Tag, TagOrigin
from inbox.service import InboxService
from inbox.sla import Dimension, SlaCalculator, _load_calendar, interval_rows, parse_period, worked
from sources.base import Platform, PlatformReply, Review

IST = ZoneInfo("Asia/Kolkata")


def config(**working: Any) -> Config:
    hours = {"timezone": "Asia/Kolkata", "hours": ["10:00-19:00"], "holiday_country": None}
    hours.update(working)
    return parse_config({"working_hours": hours, "sla": {"target_hours": 24}}, "test")


def ist(*args: int) -> datetime:
    return datetime(*args, tzinfo=IST)  # type: ignore[misc]


def sql_hours(engine: Engine, cal: WorkingCalendar, a: datetime, b: datetime) -> float:
    """Working hours between a and b, computed by the SQL function the figures use."""
    first = (min(a, b) - timedelta(days=2)).astimezone(cal.zone).date()
    last = (max(a, b) + timedelta(days=2)).astimezone(cal.zone).date()
    with engine.begin() as conn:
        _load_calendar(conn, interval_rows(cal, first, last))
        value = conn.execute(
            sa.select(
                worked(sa.literal(int(b.timestamp()))) - worked(sa.literal(int(a.timestamp())))
            )
        ).scalar_one()
    return max(0, int(value)) / 3600


@pytest.fixture(scope="module")
def memory() -> Engine:
    engine = create_db_engine("sqlite://")
    return engine


# ----- the worked examples of docs/sla.md ---------------------------------------------------
def test_friday_evening_to_monday_morning(memory: Engine) -> None:
    cal = WorkingCalendar.from_config(config().working_hours)
    friday, monday = ist(2026, 10, 16, 18, 45), ist(2026, 10, 19, 10, 30)
    # Fri 18:45–19:00, all of Saturday 10:00–19:00, Mon 10:00–10:30
    assert sql_hours(memory, cal, friday, monday) == pytest.approx(0.25 + 9 + 0.5)
    assert cal.working_seconds(friday, monday) / 3600 == pytest.approx(9.75)


def test_a_holiday_in_between_does_not_count(memory: Engine) -> None:
    cal = WorkingCalendar.from_config(config(closed_dates=[date(2026, 10, 17)]).working_hours)
    friday, monday = ist(2026, 10, 16, 18, 45), ist(2026, 10, 19, 10, 30)
    assert sql_hours(memory, cal, friday, monday) == pytest.approx(0.25 + 0.5)
    # A public holiday from the `holidays` package: Gandhi Jayanti, Friday 2 Oct 2026.
    india = WorkingCalendar.from_config(config(holiday_country="IN").working_hours)
    thursday, saturday = ist(2026, 10, 1, 18, 0), ist(2026, 10, 3, 11, 0)
    assert sql_hours(memory, india, thursday, saturday) == pytest.approx(1 + 1)


def test_split_shift_skips_the_lunch_break(memory: Engine) -> None:
    cal = WorkingCalendar.from_config(config(hours=["10:00-13:00", "14:00-19:00"]).working_hours)
    assert sql_hours(memory, cal, ist(2026, 10, 14, 12, 30), ist(2026, 10, 14, 14, 30)) == 1.0
    # Entirely inside the lunch break, or on a Sunday: nothing.
    assert sql_hours(memory, cal, ist(2026, 10, 14, 13, 5), ist(2026, 10, 14, 13, 55)) == 0
    assert sql_hours(memory, cal, ist(2026, 10, 18, 10, 0), ist(2026, 10, 18, 18, 0)) == 0


# ----- properties: the SQL function agrees with the calendar --------------------------------
instants = st.datetimes(
    min_value=datetime(2026, 9, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
zones = st.sampled_from(["Asia/Kolkata", "UTC", "America/New_York", "Asia/Tokyo"])
CAL = WorkingCalendar.from_config(
    config(hours=["09:30-13:00", "14:00-18:30"], holiday_country="IN").working_hours
)


@settings(max_examples=60, deadline=None)
@given(instants, instants, instants)
def test_sql_working_time_is_the_calendars_and_additive(
    memory: Engine, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    ab, bc, ac = (sql_hours(memory, CAL, x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert ab >= 0 and bc >= 0
    assert ab == pytest.approx(CAL.working_seconds(a, b) / 3600, abs=1 / 3600)
    assert ac == pytest.approx(ab + bc, abs=1 / 3600)  # additive over adjacent intervals


@settings(max_examples=40, deadline=None)
@given(instants, instants, zones)
def test_the_zone_of_the_inputs_does_not_matter(
    memory: Engine, a: datetime, b: datetime, zone: str
) -> None:
    a, b = sorted((a, b))
    moved = (a.astimezone(ZoneInfo(zone)), b.astimezone(ZoneInfo(zone)))
    assert sql_hours(memory, CAL, a, b) == sql_hours(memory, CAL, *moved)


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=date(2026, 9, 1), max_value=date(2026, 12, 31)), st.integers(0, 28))
def test_nothing_counts_outside_working_time(memory: Engine, day: date, minute: int) -> None:
    evening = datetime.combine(day, datetime.min.time(), IST).replace(hour=18, minute=31 + minute)
    night = evening + timedelta(hours=14)  # 08:31–08:59 next morning
    assert sql_hours(memory, CAL, evening, night) == 0


# ----- figures ---------------------------------------------------------------------------
NOW = ist(2026, 10, 30, 12, 0)  # Friday


def review(ext: str, created: datetime, **kw: Any) -> Review:
    return Review(
        platform=kw.pop("platform", Platform.GOOGLE_PLAY),
        external_id=ext,
        body=f"text {ext}",
        raw={"id": ext},
        created_at=created,
        **kw,
    )


def add_reply(engine: Engine, ext: str, at: datetime, agent: str, **kw: Any) -> None:
    with session_scope(engine) as s:
        item = s.execute(sa.select(Item).where(Item.external_id == ext)).scalar_one()
        s.add(
            Reply(
                item_id=item.id or 0,
                body="thanks",
                origin=ReplyOrigin.TOOL,
                state=kw.pop("state", ReplyState.SENT),
                idempotency_key=f"k-{ext}-{at.timestamp()}",
                agent=agent,
                sent_at=at,
                **kw,
            )
        )


@pytest.fixture
def month(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        play = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        store = ensure_account(s, "appstore", Platform.APP_STORE, "1589034512")
        ingest(
            s,
            play,
            [
                review("fast", ist(2026, 10, 12, 11, 0)),  # answered after 2 h
                review("slow", ist(2026, 10, 13, 11, 0)),  # answered after 30 working h
                review("open-late", ist(2026, 10, 20, 11, 0)),  # never answered: breached
                review("open-new", ist(2026, 10, 30, 11, 0)),  # 1 h old: pending, not late
                review("skip", ist(2026, 10, 14, 11, 0)),  # marked no reply needed
                review("september", ist(2026, 9, 28, 11, 0)),  # outside the period
                review(
                    "replied-elsewhere",
                    ist(2026, 10, 15, 11, 0),
                    reply=PlatformReply("hi", ist(2026, 10, 15, 15, 0)),  # 4 h, on the platform
                ),
            ],
            now=NOW,
        )
        ingest(
            s,
            store,
            [review("asc", ist(2026, 10, 21, 11, 0), platform=Platform.APP_STORE)],
            now=NOW,
        )
    add_reply(engine, "fast", ist(2026, 10, 12, 13, 0), "asha")
    add_reply(engine, "slow", ist(2026, 10, 16, 14, 0), "ravi")  # Tue 11:00 → Fri 14:00
    # Accepted Wed 12:00 (1 h), live on the App Store only Thu 12:00 (10 h).
    add_reply(
        engine,
        "asc",
        ist(2026, 10, 21, 12, 0),
        "asha",
        platform_state="PUBLISHED",
        published_at=ist(2026, 10, 22, 12, 0),
    )
    with session_scope(engine) as s:
        skip = s.execute(sa.select(Item).where(Item.external_id == "skip")).scalar_one()
        s.add(Tag(item_id=skip.id or 0, theme="spam", origin=TagOrigin.MODEL, score=0.9))
        fast = s.execute(sa.select(Item).where(Item.external_id == "fast")).scalar_one()
        s.add(Tag(item_id=fast.id or 0, theme="payment", origin=TagOrigin.MODEL, score=0.8))
        s.add(Tag(item_id=fast.id or 0, theme="praise", origin=TagOrigin.MODEL, score=0.7))
        s.add(Tag(item_id=fast.id or 0, theme="praise", origin=TagOrigin.HUMAN, active=False))
        skip_id = skip.id or 0
    InboxService(engine, config()).set_status(skip_id, "no_reply_needed")
    return engine


def test_month_figures(month: Engine) -> None:
    calc = SlaCalculator(month, config(), clock=lambda: NOW)
    period = parse_period("2026-10", zone=IST, now=NOW)
    report = calc.report(period)
    f = report.overall
    assert (f.items, f.responded, f.no_reply_needed) == (6, 4, 1)
    assert (f.within_target, f.late, f.open_breached, f.open_pending) == (3, 1, 1, 1)
    assert f.percent_within_target == pytest.approx(100 * 3 / 5)
    assert f.response_rate == pytest.approx(4 / 6)
    # Response times 1, 2, 4 and 30 working hours.
    assert f.mean_hours == pytest.approx((1 + 2 + 4 + 30) / 4)
    assert (f.median_hours, f.p90_hours) == (2.0, 30.0)


def test_figures_by_platform_agent_and_theme(month: Engine) -> None:
    calc = SlaCalculator(month, config(), clock=lambda: NOW)
    period = parse_period("2026-10", zone=IST, now=NOW)
    by_platform = {g.group: g for g in calc.report(period, Dimension.PLATFORM).groups}
    assert by_platform["app_store"].responded == 1
    assert by_platform["google_play"].items == 5
    agents = {g.group: g.responded for g in calc.report(period, Dimension.AGENT).groups}
    assert agents == {"asha": 2, "ravi": 1, "(on the platform)": 1, "(nobody yet)": 0}
    themes = {g.group: g for g in calc.report(period, Dimension.THEME).groups}
    assert set(themes) == {"payment", "spam"}  # praise was removed by a person
    assert themes["spam"].no_reply_needed == 1 and themes["spam"].items == 0


def test_app_store_clock_can_stop_when_the_reply_goes_live(month: Engine) -> None:
    data = config().model_dump(mode="json")
    data["sources"] = [
        {
            "name": "appstore",
            "platform": "app_store",
            "account": "1589034512",
            "kind": "public",
            "sla_clock_stops": "published",
        }
    ]
    calc = SlaCalculator(month, Config.model_validate(data), clock=lambda: NOW)
    period = parse_period("2026-10", zone=IST, now=NOW)
    store = {g.group: g for g in calc.report(period, Dimension.PLATFORM).groups}["app_store"]
    assert store.mean_hours == pytest.approx(10.0)


def test_changing_the_calendar_recomputes_history(month: Engine) -> None:
    period = parse_period("2026-10", zone=IST, now=NOW)
    normal = SlaCalculator(month, config(), clock=lambda: NOW).report(period).overall
    # With Wed 14 – Fri 16 Oct closed, "slow" (Tue 11:00 → Fri 14:00) took 8 + 4 hours.
    closed = [date(2026, 10, 14), date(2026, 10, 15), date(2026, 10, 16)]
    shorter = SlaCalculator(month, config(closed_dates=closed), clock=lambda: NOW)
    again = shorter.report(period).overall
    assert normal.late == 1 and again.late == 0
    assert again.p90_hours == pytest.approx(8 + 0)  # Tue 11–19 = 8 h, Fri closed


def test_periods() -> None:
    now = ist(2026, 11, 25, 12, 0)
    oct_ = parse_period("2026-10", zone=IST, now=now)
    assert oct_.start == ist(2026, 10, 1) and oct_.end == ist(2026, 11, 1)
    week = parse_period(None, zone=IST, now=now, week=True)
    assert week.start == ist(2026, 11, 23) and week.end == ist(2026, 11, 30)
    iso = parse_period("2026-W43", zone=IST, now=now)
    assert iso.start == ist(2026, 10, 19)
    span = parse_period(None, zone=IST, now=now, start=date(2026, 10, 5), end=date(2026, 10, 6))
    assert span.end - span.start == timedelta(days=2)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period("October", zone=IST, now=now)


def test_schema_in_a_file_database(tmp_path: Any) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    ensure_schema(engine)
    period = parse_period("2026-10", zone=IST, now=NOW)
    empty = SlaCalculator(engine, config(), clock=lambda: NOW).report(period).overall
    assert (empty.items, empty.percent_within_target, empty.median_hours) == (0, None, None)
