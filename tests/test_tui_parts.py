"""The inbox window's parts without a window: text safety, formatting, views, the service
methods it reads, the CLI that opens it, and a start-up path free of scikit-learn."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rich.text import Text
from sqlalchemy.engine import Engine
from tui_support import EVIL_BODY, NOW, build_inbox, config, review

import inbox.cli as cli
from inbox.db import session_scope
from inbox.ingest import ensure_account, ingest
from inbox.models import NEEDS_REPLY, Event, EventKind
from inbox.service import InboxService, ItemFilter, SlaState
from inbox.tui.detail import DetailContext, render_detail
from inbox.tui.format import Palette, first_line, short_span, sla_text, stars
from inbox.tui.safe import clean, one_line, plain
from inbox.tui.views import FilterChoice, apply_choice, main_views, parse_day
from sources.base import Platform, PlatformReply


@pytest.fixture
def inbox(sqlite_engine: Engine) -> tuple[Engine, dict[str, int]]:
    return sqlite_engine, build_inbox(sqlite_engine)


def service(engine: Engine, now: datetime = NOW) -> InboxService:
    return InboxService(engine, config(), clock=lambda: now, agent="tester")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain [bold] text", "plain [bold] text"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;new title\x07after", "after"),
        ("bell\x07 back\x08space", "bell backspace"),
        ("\x9b31mC1 csi", "C1 csi"),
        ("tab\there", "tab    here"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("evil\u202eoverride", "eviloverride"),
        ("हिंदी 😡 emoji", "हिंदी 😡 emoji"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_removes_terminal_controls_and_keeps_text(raw: str | None, expected: str) -> None:
    assert clean(raw) == expected


def test_plain_never_parses_markup() -> None:
    text = plain(EVIL_BODY)
    assert isinstance(text, Text)
    assert text.spans == []
    assert text.plain.startswith("[bold]not bold[/bold] [@click=app.quit]click me[/]")
    assert one_line("\n\n  first   line  \nsecond") == "first line"


def test_formatting() -> None:
    assert [short_span(timedelta(seconds=s)) for s in (5, 120, 7200, 3 * 86400, 20 * 86400)] == [
        "5s",
        "2m",
        "2h",
        "3d",
        "2w",
    ]
    assert (stars(2), stars(None)) == ("★★☆☆☆", "")
    palette = Palette()
    late = sla_text("new", NOW - timedelta(hours=3), NOW, timedelta(hours=4), palette)
    soon = sla_text("new", NOW + timedelta(hours=3), NOW, timedelta(hours=4), palette)
    later = sla_text("new", NOW + timedelta(days=2), NOW, timedelta(hours=4), palette)
    assert (late.plain, soon.plain, later.plain) == ("late 3h", "due 3h", "due 2d")
    assert late.style == palette.error and soon.style == palette.warning
    assert sla_text("replied", None, NOW, timedelta(hours=4), palette).plain == "replied"


def test_views_and_filter_choice() -> None:
    zone = ZoneInfo("Asia/Kolkata")
    needs = main_views()[0].build(InboxService.__new__(InboxService))
    choice = FilterChoice(platform="gbp", rating="low", status="replied", text=" otp ")
    f = apply_choice(needs, choice, zone)
    assert (f.platforms, f.min_rating, f.max_rating, f.statuses, f.text) == (
        ("gbp",),
        1,
        2,
        ("replied",),
        "otp",
    )
    days = apply_choice(ItemFilter(), FilterChoice(since=parse_day("2026-11-01")), zone)
    assert days.since == datetime(2026, 11, 1, tzinfo=zone)
    assert choice.describe() == 'platform gbp · rating 1–2★ · status replied · " otp "'
    with pytest.raises(ValueError, match="2026-11-03"):
        parse_day("3 Nov")


def test_count_many_agrees_with_count_items(inbox) -> None:
    engine, _ids = inbox
    svc = service(engine)
    filters = {
        "needs": ItemFilter(statuses=tuple(s.value for s in NEEDS_REPLY)),
        "breached": ItemFilter(sla=SlaState.BREACHED),
        "due": ItemFilter(sla=SlaState.DUE_SOON),
        "payment": ItemFilter(themes=("payment",)),
        "gbp": ItemFilter(accounts=("gbp-koramangala",)),
        "all": ItemFilter(include_snoozed=True),
    }
    counts = svc.count_many(filters)
    assert counts == {name: svc.count_items(f) for name, f in filters.items()}
    assert counts == {"needs": 6, "breached": 1, "due": 1, "payment": 2, "gbp": 1, "all": 7}


def test_week_sla_counts_first_responses_of_the_week(inbox) -> None:
    engine, ids = inbox
    svc = service(engine)
    before = svc.week_sla()
    # gp-3 was answered last week: not this week's figure
    assert (before.responded, before.within_target, before.percent) == (0, 0, None)
    assert (before.breached_open, before.due_soon_open) == (1, 1)
    assert before.week_start == datetime(2026, 11, 23, tzinfo=ZoneInfo("Asia/Kolkata"))
    with session_scope(engine) as session:
        play = ensure_account(session, "play", Platform.GOOGLE_PLAY)
        gp1 = review(Platform.GOOGLE_PLAY, "gp-1", "", timedelta(days=6), rating=1)
        gp2 = review(Platform.GOOGLE_PLAY, "gp-2", "", timedelta(hours=2), rating=5)
        # same text as stored, now with a reply seen on the platform
        for rec, body in (
            (gp1, "Quote 14k tha, pickup pe 9k bola. Worst experience, never again"),
            (gp2, "Smooth pickup, money in 10 min. Recommended!"),
        ):
            rec.body = body
            rec.author = "Rahul Sharma" if rec is gp1 else "Priya"
            rec.app_version, rec.device = ("5.6.0", "Redmi Note 10") if rec is gp1 else (None, None)
            rec.reply = PlatformReply("Thanks!", NOW - timedelta(minutes=30))
        ingest(session, play, [gp1, gp2], now=NOW)
    after = svc.week_sla()
    assert (after.responded, after.within_target, after.breached_open) == (2, 1, 0)
    assert after.percent == 50.0
    assert svc.count_items(ItemFilter(replied_since=svc.today_start())) == 2
    assert ids["gp-1"] in {
        r.id for r in svc.list_items(ItemFilter(replied_since=NOW - timedelta(hours=1)))
    }
    # gp-3 answered again this week: its first answer is still last week's
    with session_scope(engine) as session:
        session.add(
            Event(
                item_id=ids["gp-3"],
                kind=EventKind.REPLIED,
                actor="platform",
                at=NOW - timedelta(minutes=10),
            )
        )
    again = svc.week_sla()
    assert (again.responded, again.within_target) == (2, 1)


def test_mark_viewed_marker_and_reply_states(inbox) -> None:
    engine, ids = inbox
    svc = service(engine)
    marker = svc.change_marker()
    assert svc.mark_viewed(ids["gp-2"]) is not None
    assert svc.mark_viewed(ids["gp-2"]) is None  # already open: no second event
    assert svc.get_item(ids["gp-2"]).item.status == "open"
    assert svc.change_marker() != marker
    assert [e.kind for e in svc.get_item(ids["gp-2"]).events] == ["received", "viewed"]
    from inbox.outbox import Outbox

    reply = Outbox(engine, config(), clock=lambda: NOW, agent="tester").queue(
        ids["gp-2"], "Thanks!"
    )
    assert svc.reply_states([ids["gp-2"], ids["gp-1"]]) == {ids["gp-2"]: "queued"}
    assert svc.change_marker()[2] == 1
    assert reply.id is not None
    assert svc.unexported_escalations() == 1
    assert svc.languages() == ["en"]


def test_detail_text_for_an_instagram_comment(inbox) -> None:
    engine, ids = inbox
    detail = service(engine).get_item(ids["ig-1"])
    ctx = DetailContext(NOW, ZoneInfo("Asia/Kolkata"), Palette(), "tester")
    text = render_detail(detail, ctx).plain
    head = f"Instagram · @resello.in · new · due in 2d (28 Nov 2026 11:30)  #{ids['ig-1']}"
    assert text.splitlines()[0] == head
    assert "On the post\nDiwali offer: 10% extra on every phone you sell this week!" in text
    assert "payment 0.66 model" in text
    [row] = service(engine).list_items(ItemFilter(text="12 din"))
    assert first_line(row).plain == "mera bhi same. 12 din ho gaye"


def test_starting_the_inbox_does_not_load_scikit_learn() -> None:
    code = (
        "import sys, inbox.cli, inbox.tui, inbox.tui.app;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'skops'));"
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_headless_modules_never_import_textual() -> None:
    code = (
        "import sys, inbox.cli, inbox.service, inbox.outbox, inbox.sender, inbox.poll;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_bare_inbox_opens_the_window_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Any, ...]] = []
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "open_inbox", lambda *args: opened.append(args))
    db = tmp_path / "real.db"
    result = CliRunner().invoke(cli.app, ["--db", str(db)])
    assert result.exit_code == 0, result.output
    [(engine, _cfg, sources)] = opened
    assert str(engine.url).endswith("real.db")
    assert sources is None  # no source that can reply: nothing to send from this window
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        '[[sources]]\nname = "play"\nplatform = "google_play"\naccount = "in.resello.app"\n'
        'credentials_file = "/nonexistent/sa.json"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.app, ["--db", str(db), "--config", str(config_file)])
    assert result.exit_code == 0, result.output
    sources = opened[-1][2]
    assert sources is not None and [s.name for s in sources.config.sources] == ["play"]


def test_bare_inbox_without_a_terminal_prints_help(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0
    assert "Commands:" in result.output


def test_demo_opens_the_window_with_the_sandbox_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_open(engine: Engine, cfg: Any, sources: Any) -> None:
        url = urlparse(sources.config.sources[0].base_url)
        with socket.create_connection((url.hostname, url.port), timeout=2):
            seen["reachable"] = True
        seen.update(brand=cfg.brand.name, url=url, count=InboxService(engine).count_items())

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "_classifier", lambda _state: None)
    monkeypatch.setattr(cli, "open_inbox", fake_open)
    result = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "demo.db"), "demo"])
    assert result.exit_code == 0, result.output
    assert seen["reachable"] and seen["brand"] == "Resello" and seen["count"] > 300
    assert seen["url"].hostname == "127.0.0.1"
    with pytest.raises(OSError):  # the sandbox stops with the window
        socket.create_connection((seen["url"].hostname, seen["url"].port), timeout=1).close()


def test_demo_without_a_terminal_loads_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_classifier", lambda _state: None)
    monkeypatch.setattr(cli, "open_inbox", lambda *a: pytest.fail("no window without a terminal"))
    result = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "demo.db"), "demo"])
    assert result.exit_code == 0, result.output
    assert "No terminal here" in result.output


@pytest.mark.parametrize(
    "f",
    [
        ItemFilter(),
        ItemFilter(statuses=tuple(s.value for s in NEEDS_REPLY), text="money"),
        ItemFilter(text="PAYMENT"),
        ItemFilter(accounts=("play",), text="o"),
        ItemFilter(sla=SlaState.BREACHED),
        ItemFilter(escalated=True, include_snoozed=True),
        ItemFilter(themes=("pickup",), min_rating=4),
    ],
)
def test_queue_page_and_count_agree_with_list_and_count(inbox, f: ItemFilter) -> None:
    engine, _ids = inbox
    svc = service(engine)
    assert svc.queue_page(f, limit=3) == svc.list_items(f, limit=3)
    assert svc.queue_page(f, limit=3, offset=2) == svc.list_items(f, limit=3, offset=2)
    assert svc.count_queue(f) == svc.count_items(f)
