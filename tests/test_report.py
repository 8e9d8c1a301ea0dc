"""Monthly and weekly reports: figures checked against the service and SQL, injection-proof
HTML and Markdown, and the HTML opened in headless Chromium with nothing loaded from outside."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from inbox import cli_report  # noqa: F401  (registers `inbox report` on the CLI)
from inbox.cli import app
from inbox.config import Config
from inbox.db import create_db_engine, session_scope, upgrade
from inbox.demo import load_demo
from inbox.ingest import ingest
from inbox.models import Escalation, Item, Reply, SourceAccount, Tag
from inbox.report import Options, Report, Thresholds, build_report, write_report
from inbox.report import queries as q
from inbox.report.model import Ratings, ThemeRow, Volume
from inbox.report.observations import VersionFacts, observe
from inbox.report.periods import Buckets, day_number, local_day, month_period, utc_offsets
from inbox.report.spikes import find_spikes
from inbox.report.text import csv_cell, md_escape, safe_url, short_author
from inbox.report.window import open_window
from inbox.service import InboxService, ItemFilter
from inbox.sla import Dimension, SlaCalculator, epoch
from sources.base import Platform, Review

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
IST = ZoneInfo("Asia/Kolkata")
MONTH, WEEK = "2026-10", "2026-W46"
EVIL_BODY = (
    "Payment never came <script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[click here](https://evil.example.com/x) **now** or visit www.evil.in # not a header"
)
EVIL_TITLE = "<b>bold</b> title"
EVIL_AUTHOR = "<img src=x onerror=alert(3)> Evil"
EVIL_VERSION = "<b>9.9</b>"
EVIL_REASON = "<script>alert(5)</script> typed by a person"
PROBE_THEME = "xss_probe"  # only the evil review has it, so it is always quoted


@dataclass
class Demo:
    engine: Engine
    folder: Path
    evil_ids: list[int]
    monthly: Report
    weekly: Report
    monthly_paths: list[Path]
    weekly_paths: list[Path]


def _local(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=IST).astimezone(UTC)


def _evil_reviews() -> list[Review]:
    """The same hostile review in October (monthly) and on the last day of week 46 (weekly)."""
    return [
        Review(
            platform=Platform.GOOGLE_PLAY,
            external_id=f"evil-{n}",
            body=EVIL_BODY,
            title=EVIL_TITLE,
            raw={"n": n},
            created_at=when,
            updated_at=when,
            author=EVIL_AUTHOR,
            rating=1,
            app_version=EVIL_VERSION,
            permalink="javascript:alert(4)",
        )
        for n, when in enumerate(
            (_local(2026, 10, 15), _local(2026, 11, 15, 23) + timedelta(minutes=58))
        )
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, seed_model_path: Path) -> Iterator[Demo]:
    """The demo (classified by the seed model), a hostile review, a person's retags, an
    escalation typed by a person and replies sent by two agents; both reports written."""
    from classifier.predict import Classifier
    from classifier.store import load_model
    from classifier.taxonomy import load_taxonomy

    folder = tmp_path_factory.mktemp("report")
    engine = create_db_engine(str(folder / "demo.db"))
    upgrade(engine)
    load_demo(engine, NOW, classifier=Classifier(load_taxonomy(), load_model(seed_model_path)))
    with session_scope(engine) as session:
        play = session.exec(select(SourceAccount).where(SourceAccount.name == "play")).one()
        ingest(session, play, _evil_reviews(), now=NOW)
    with Session(engine) as session:
        evil_ids = list(
            session.exec(
                select(Item.id)
                .where(Item.external_id.startswith("evil-"))  # type: ignore[attr-defined]
                .order_by(Item.id)
            )
        )
    service = InboxService(engine, clock=lambda: NOW, agent="tester")
    for item_id in evil_ids:
        service.add_tag(item_id, PROBE_THEME)
        service.escalate(item_id, [EVIL_REASON], severity="high")
    _retag_and_reply(engine, service)
    options = Options(quoted_themes=20)
    monthly = build_report(engine, Config(), "monthly", MONTH, clock=lambda: NOW, options=options)
    weekly = build_report(engine, Config(), "weekly", WEEK, clock=lambda: NOW, options=options)
    yield Demo(
        engine,
        folder,
        evil_ids,
        monthly,
        weekly,
        write_report(monthly, folder / "monthly"),
        write_report(weekly, folder / "weekly"),
    )
    engine.dispose()


def _october_items(engine: Engine) -> list[int]:
    start, end = _local(2026, 10, 1, 0), _local(2026, 11, 1, 0)
    with Session(engine) as session:
        rows = session.exec(
            select(Item.id)
            .where(Item.clock_started_at >= start, Item.clock_started_at < end)  # type: ignore[operator]
            .order_by(Item.id)
        )
        return list(rows)  # type: ignore[arg-type]


def _retag_and_reply(engine: Engine, service: InboxService) -> None:
    """A person removes a model theme from one October item and adds one to another; agents
    reply to five October items (plus replies that must not count: queued, made on the
    platform, sent in November)."""
    october = _october_items(engine)
    with Session(engine) as session:
        tagged = session.exec(
            select(Tag)
            .where(Tag.item_id.in_(october), Tag.origin == "model")  # type: ignore[attr-defined]
            .order_by(Tag.id)
        ).first()
        assert tagged is not None
    service.remove_tag(tagged.item_id, tagged.theme)
    service.add_tag(october[1], "feature_request")
    sent = _local(2026, 10, 20)
    rows = [
        (october[2], "asha", "tool", "sent", sent),
        (october[3], "asha", "tool", "sent", sent),
        (october[4], "asha", "tool", "sent", sent),
        (october[5], "rohit", "tool", "sent", sent),
        (october[5], "rohit", "tool", "sent", sent + timedelta(hours=1)),
        (october[6], "rohit", "tool", "queued", None),
        (october[7], None, "platform", "sent", sent),
        (october[8], "zoya", "tool", "sent", _local(2026, 11, 2)),
    ]
    with session_scope(engine) as session:
        for n, (item_id, agent, origin, state, at) in enumerate(rows):
            session.add(
                Reply(
                    item_id=item_id,
                    body="Thanks, we are on it.",
                    origin=origin,
                    state=state,
                    idempotency_key=f"test-{n}",
                    agent=agent,
                    sent_at=at,
                    published_at=at,
                )
            )


def _items_in(service: InboxService, start: datetime, end: datetime) -> list[object]:
    rows = service.list_items(ItemFilter(include_snoozed=True), limit=100_000)
    return [r for r in rows if r.clock_started_at and start <= r.clock_started_at < end]


# ----- the figures -------------------------------------------------------------------------
def test_monthly_figures_match_the_service(demo: Demo) -> None:
    report = demo.monthly
    service = InboxService(demo.engine, clock=lambda: NOW)
    now_rows = _items_in(service, report.period.start, report.period.end)
    before_rows = _items_in(service, report.previous.start, report.previous.end)
    assert report.period.label == MONTH and report.previous.label == "2026-09"
    assert len(now_rows) > 150  # the demo's October, not an empty month

    assert {v.platform: v.count for v in report.volume if v.count} == Counter(
        r.platform for r in now_rows
    )
    assert {v.platform: v.previous for v in report.volume if v.previous} == Counter(
        r.platform for r in before_rows
    )
    assert report.total.count == len(now_rows)

    # Themes as the queue shows them (a person's retag wins), counted item by item.
    themes = Counter(t for r in now_rows for t in r.themes)
    assert {t.theme: t.count for t in report.themes if t.count} == themes
    previous = Counter(t for r in before_rows for t in r.themes)
    assert {t.theme: t.previous for t in report.themes if t.previous} == previous
    probe = next(t for t in report.themes if t.theme == PROBE_THEME)
    assert (probe.count, probe.status) == (1, "new")

    for ratings in report.ratings:
        rows = [r for r in now_rows if ratings.group in ("all", r.platform) and r.rating]
        expected = Counter(r.rating for r in rows)
        assert ratings.stars == tuple(expected.get(s, 0) for s in range(1, 6)), ratings.group
        assert ratings.average == pytest.approx(sum(r.rating for r in rows) / len(rows))
    assert "instagram" not in {r.group for r in report.ratings}  # comments have no stars
    evil_version = next(r for r in report.version_ratings if r.group.endswith(EVIL_VERSION))
    assert evil_version.stars == (1, 0, 0, 0, 0)

    assert report.escalated_items == sum(1 for r in now_rows if r.escalated)
    typed = next(r for r in report.escalations if r.reason == EVIL_REASON)
    assert (typed.count, typed.high, typed.label) == (1, 1, EVIL_REASON)

    assert [(a.agent, a.replies, a.items) for a in report.agents] == [
        ("asha", 3, 3),
        ("rohit", 2, 1),
    ]
    assert report.replies_sent == 5

    direct = SlaCalculator(demo.engine, Config(), lambda: NOW).report(
        report.period, Dimension.PLATFORM
    )
    assert report.sla.overall.as_dict() == direct.overall.as_dict()
    assert {g.group: g.as_dict() for g in report.sla.groups} == {
        g.group: g.as_dict() for g in direct.groups
    }
    assert sum(n for _d, n in report.daily) == len(now_rows)


def test_monthly_quotes_versions_and_observations(demo: Demo) -> None:
    from classifier.taxonomy import load_taxonomy

    report = demo.monthly
    assert report.quotes, "quotes for the top themes"
    texts = [q.text for quotes in report.quotes.values() for q in quotes]
    assert len(texts) == len(set(texts))
    for theme, quotes in report.quotes.items():
        assert 1 <= len(quotes) <= 3, theme
        assert theme != "spam"
        for quote in quotes:
            assert 30 <= len(quote.text) <= 450
            assert len(quote.author.split()) <= 2 and "Evil" not in quote.author
    (probe,) = report.quotes[PROBE_THEME]
    assert probe.author == "I."  # "<img src=x …> Evil" is no name: an initial only
    assert "<script>alert(1)</script>" in probe.text  # kept as text: escaping is the renderer's

    assert report.versions is not None
    assert [v for v, _n in report.versions.taxonomy] == [load_taxonomy().version]
    assert len(report.versions.model) == 1 and report.versions.human_tags == 3
    assert 1 <= len(report.observations) <= 5
    assert all(o.text.endswith(".") for o in report.observations)


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_files_are_written_and_csv_agrees(demo: Demo) -> None:
    names = [p.name for p in demo.monthly_paths]
    assert names[:2] == ["report.html", "report.md"]
    assert {"volume.csv", "themes.csv", "sla.csv", "escalations.csv", "agents.csv"} <= set(names)
    assert {"ratings.csv", "ratings_by_version.csv", "quotes.csv", "spikes.csv"} <= set(names)
    folder = demo.monthly_paths[0].parent
    raw = (folder / "volume.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = _csv(folder / "volume.csv")
    assert {r["channel"]: int(r["items"]) for r in rows} == {
        **{v.platform: v.count for v in demo.monthly.volume},
        "all": demo.monthly.total.count,
    }
    agents = _csv(folder / "agents.csv")
    assert [(r["agent"], r["replies"]) for r in agents] == [("asha", "3"), ("rohit", "2")]
    quotes = (folder / "quotes.csv").read_text(encoding="utf-8-sig")
    assert "<script>alert(1)</script>" in quotes  # CSV is data: text stays text
    assert {p.name for p in demo.weekly_paths} >= {"report.html", "report.md", "notable.csv"}


def test_weekly_snapshot(demo: Demo) -> None:
    report = demo.weekly
    service = InboxService(demo.engine, clock=lambda: NOW)
    rows = _items_in(service, report.period.start, report.period.end)
    assert report.period.start == _local(2026, 11, 9, 0)
    assert report.total.count == len(rows) > 50
    assert report.escalated_items == sum(1 for r in rows if r.escalated)
    notable = {n.item_id: n for n in report.notable}
    evil = notable[demo.evil_ids[1]]  # the newest high-severity escalation of the week
    assert evil.permalink == "javascript:alert(4)"  # stored, never linked:
    assert safe_url(evil.permalink) is None
    assert [n.severity for n in report.notable] == sorted(
        (n.severity for n in report.notable), key=lambda s: s != "high"
    )
    assert len(report.notable) == 5
    md = demo.weekly_paths[1].read_text(encoding="utf-8")
    assert md.startswith(f"**{report.title}**")
    assert f"**Volume:** {report.total.count} reviews and comments" in md
    assert f"**Escalations:** {report.escalated_items} items" in md


# ----- safety ------------------------------------------------------------------------------
def test_html_shows_hostile_text_as_text(demo: Demo) -> None:
    for paths in (demo.monthly_paths, demo.weekly_paths):
        html = paths[0].read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert "<img" not in html.lower()
        assert "javascript:" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html
        assert "Content-Security-Policy" in html
        # Nothing to fetch: no src attribute, no stylesheet link or import, no CSS url();
        # the only hrefs are https links a reader may click (platform permalinks).
        assert not re.search(r"<[^>]*\bsrc\s*=", html, re.IGNORECASE)
        assert "<link" not in html and "@import" not in html and "url(" not in html
        assert all(h.startswith("https://") for h in re.findall(r'<a href="([^"]*)"', html))
    monthly = demo.monthly_paths[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(5)&lt;/script&gt; typed by a person" in monthly
    assert "&lt;b&gt;9.9&lt;/b&gt;" in monthly and "<b>9.9" not in monthly


def test_markdown_neutralises_links_headers_and_html(demo: Demo) -> None:
    for paths in (demo.monthly_paths, demo.weekly_paths):
        md = paths[1].read_text(encoding="utf-8")
        assert "](https://evil" not in md and "https://evil" not in md
        assert "hxxps[:]//evil[.]example[.]com/x" in md
        assert r"\[click here\]" in md and r"\*\*now\*\*" in md
        assert "www[.]evil[.]in" in md
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<script" not in md
        assert "javascript:" not in md
        assert not any(line.startswith("# not") for line in md.splitlines())


def test_md_escape_and_friends() -> None:
    assert md_escape("line one\n# header\n> quote") == "line one # header &gt; quote"
    assert md_escape("<!channel> <https://x.io|click>") == (
        "&lt;!channel&gt; &lt;hxxps[:]//x[.]io\\|click&gt;"
    )
    assert md_escape("a_b *c* `d` ~e~") == r"a\_b \*c\* \`d\` \~e\~"
    assert short_author("Priya Sharma") == "Priya"
    assert short_author("Dr. Anand Rao") == "Anand"
    assert short_author("adityak_91") == "A."
    assert short_author("रमा देवी") == "रमा"
    assert short_author("A Google user") == short_author(None) == "a customer"
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and csv_cell(-3) == -3
    assert safe_url("https://play.google.com/x?a=1") == "https://play.google.com/x?a=1"
    assert safe_url("data:text/html,hi") is None


# ----- the browser -------------------------------------------------------------------------
def test_report_in_headless_chromium(demo: Demo) -> None:
    from headless_chromium import Browser, chromium_path

    executable = chromium_path()
    if executable is None:
        message = "chromium not installed (apt-get install chromium)"
        if os.environ.get("INBOX_REQUIRE_CHROMIUM"):
            pytest.fail(message)
        pytest.skip(message)
    checks = {
        "scripts": "document.querySelectorAll('script').length",
        "images": "document.querySelectorAll('img, iframe, object, embed').length",
        "svgs": "document.querySelectorAll('svg.chart').length",
        "text": "document.body.innerText.includes('<script>alert(1)</script>')",
        "title": "document.querySelector('h1').textContent",
    }
    with Browser(executable) as browser:
        for kind, paths in (("monthly", demo.monthly_paths), ("weekly", demo.weekly_paths)):
            url = paths[0].resolve().as_uri()
            page = browser.open(url, checks)
            shot = paths[0].with_suffix(".png")
            shot.write_bytes(page.screenshot)
            assert (
                page.screenshot.startswith(b"\x89PNG\r\n\x1a\n") and len(page.screenshot) > 20_000
            )
            assert page.requests == [url], kind  # the file itself, nothing else
            assert page.errors == [], kind
            assert page.dialogs == [], kind
            assert page.evaluated["scripts"] == 0 and page.evaluated["images"] == 0
            assert page.evaluated["text"] is True
            assert page.evaluated["svgs"] == (5 if kind == "monthly" else 1)
            report = demo.monthly if kind == "monthly" else demo.weekly
            assert page.evaluated["title"] == report.title


# ----- the CLI -----------------------------------------------------------------------------
def test_cli_writes_and_prints_paths(demo: Demo, tmp_path: Path) -> None:
    db = str(demo.folder / "demo.db")
    runner = CliRunner()
    result = runner.invoke(
        app, ["--db", db, "report", "monthly", "--month", MONTH, "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.output
    printed = result.output.splitlines()
    assert printed[0].startswith("Reviews & comments — October 2026:")
    assert printed[1] == str(tmp_path / "m" / "report.html")
    assert all(Path(line).is_file() for line in printed[1:])
    result = runner.invoke(app, ["--db", db, "report", "weekly", "--spike-min", "2"])
    assert result.exit_code == 0, result.output
    html = Path(result.output.splitlines()[1])
    assert html.is_file() and str(tmp_path / "xdg-data") in str(html)  # platformdirs data dir
    bad = runner.invoke(app, ["--db", db, "report", "monthly", "--month", "October"])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


# ----- pieces --------------------------------------------------------------------------------
def test_spikes_use_k_and_the_minimum() -> None:
    start = day_number(date(2026, 10, 1))
    history = {start - k: 2 for k in range(1, 29)}
    daily = {"payment": {**history, start: 7, start + 1: 6}, "pickup": {start: 4}}
    days = [start, start + 1]
    spikes = find_spikes(daily, days, {"payment": "Payment"}, factor=3, min_count=5)
    assert [(s.theme, s.day, s.count, s.baseline) for s in spikes] == [
        ("payment", date(2026, 10, 1), 7, 2.0)  # 6 is not > 3 × 2; pickup's 4 is under 5
    ]
    looser = find_spikes(daily, days, {}, factor=2, min_count=4)
    assert [(s.theme, s.count) for s in looser] == [("payment", 7), ("pickup", 4), ("payment", 6)]
    assert find_spikes(daily, days, {}, factor=3, min_count=5, history_from=start - 10) == []


def _report_for_observations(
    themes: list[ThemeRow], volume: tuple[int, int], escalated: tuple[int, int] = (0, 0)
) -> Report:
    from inbox.sla import Period, SlaFigures, SlaReport

    period = Period(_local(2026, 10, 1, 0), _local(2026, 11, 1, 0), "2026-10")
    previous = Period(_local(2026, 9, 1, 0), period.start, "2026-09")
    sla = SlaReport(period, 24, SlaFigures("all", items=volume[0]))
    report = Report(
        kind="monthly",
        title="t",
        period=period,
        previous=previous,
        name="Oct 2026",
        previous_name="Sep 2026",
        generated_at=NOW,
        zone="Asia/Kolkata",
        target_hours=24,
        total=Volume("all", "All channels", *volume),
        volume=[Volume("google_play", "Google Play", *volume)],
        ratings=[],
        sla=sla,
        sla_previous=None,
        escalations=[],
        escalated_items=escalated[0],
        escalated_previous=escalated[1],
        agents=[],
        replies_sent=0,
        daily=[],
        themes=themes,
    )
    return report


def test_observations_need_the_numbers() -> None:
    t = Thresholds()
    payment = ThemeRow(
        "payment", "Payment & payout", 44, 31, 22.0, by_platform={"google_play": 40, "gbp": 4}
    )
    facts = VersionFacts(
        items={("google_play", "4.2"): 60, ("google_play", "4.1"): 100},
        theme_items={("payment", "google_play", "4.2"): 30, ("payment", "google_play", "4.1"): 10},
        first_seen={("google_play", "4.2"): _local(2026, 10, 3)},
    )
    (found,) = observe(_report_for_observations([payment], (200, 200)), facts, t)
    assert found.text.startswith("Payment & payout up 42% month on month (31 → 44 items;")
    assert "mostly on Google Play (40 of 44)" in found.text
    assert "after version 4.2 on Google Play (first seen 03 Oct" in found.text

    # Noise: small numbers, or a change no bigger than the volume's, say nothing.
    small = ThemeRow("login_otp", "Login / OTP", 4, 1, 2.0, by_platform={"google_play": 4})
    with_volume = ThemeRow("pickup", "Pickup", 60, 40, 20.0, by_platform={"gbp": 60})
    assert observe(_report_for_observations([small], (200, 200)), VersionFacts(), t) == []
    assert (
        observe(_report_for_observations([with_volume], (300, 200)), VersionFacts(), t)[0].kind
        == "volume"
    )  # the volume moved, the theme only followed it
    # An old version (first seen before the previous period) is no "after version".
    old = VersionFacts(facts.items, facts.theme_items, {("google_play", "4.2"): _local(2026, 6, 1)})
    (found,) = observe(_report_for_observations([payment], (200, 200)), old, t)
    assert "after version" not in found.text
    rows = [Ratings("google_play/4.2", "Google Play 4.2", (20, 5, 0, 0, 0))]
    rows.append(Ratings("google_play/4.1", "Google Play 4.1", (2, 2, 2, 10, 20)))
    report = _report_for_observations([], (200, 200))
    report.version_ratings = rows
    (found,) = observe(report, VersionFacts(), t)
    assert found.text.startswith("Google Play 4.2 averages 1.2★ against 4.2★")


def test_local_days_across_a_dst_change(sqlite_engine: Engine) -> None:
    """Europe/London leaves summer time on 25 Oct 2026: 00:30 UTC that night is 01:30 BST on
    the 25th, and 23:30 UTC on the 25th is 23:30 GMT, still the 25th."""
    zone = ZoneInfo("Europe/London")
    start, end = datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 10, 30, tzinfo=UTC)
    assert len(utc_offsets(zone, start, end)) == 2
    moments = [
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 00:30 BST on the 25th
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 23:30 GMT on the 25th
    ]
    with sqlite_engine.connect() as conn:
        for moment in moments:
            seconds = sa.literal(int(moment.timestamp()))
            day = conn.execute(sa.select(local_day(seconds, zone, start, end))).scalar_one()
            assert day == day_number(date(2026, 10, 25)), moment


def test_escalation_reasons_count_once_per_item(engine: Engine) -> None:
    """Rule and model naming the same reason count once; metadata and typed reasons keep
    their own rows; on SQLite and PostgreSQL alike."""
    when = _local(2026, 10, 10)
    with session_scope(engine) as session:
        account = SourceAccount(name="play", platform="google_play")
        session.add(account)
        session.flush()
        reviews = [
            Review(Platform.GOOGLE_PLAY, f"r{n}", "text", {}, created_at=when) for n in range(3)
        ]
        ingest(session, account, reviews, now=when)
        ids = list(session.exec(select(Item.id).order_by(Item.id)))
        reasons = [
            ["rule legal_threat matched 'consumer court'", "model: legal threat 0.64"],
            ["model: money not received 0.91", "repeated_complaint: 2 complaints by X"],
            ["customer: wants a call back"],
        ]
        for item_id, texts in zip(ids, reasons, strict=True):
            session.add(Escalation(item_id=item_id, reasons=texts, severity="high"))
    zone = Config().working_hours.zone()
    period = month_period(MONTH, zone, NOW)
    buckets = Buckets((period,), since=period.start)
    with open_window(engine, buckets, zone) as w:
        names = {"legal threat": "legal_threat", "money not received": "money_not_received"}
        cells = q.escalation_reasons(w, names, [*names.values(), "repeated_complaint"])
        assert sorted((c.reason, c.items) for c in cells) == [
            ("customer: wants a call back", 1),
            ("legal_threat", 1),
            ("money_not_received", 1),
            ("repeated_complaint", 1),
        ]
        assert q.escalated_items(w) == {0: 3}
    day = day_number(date(2026, 10, 10))
    with engine.connect() as conn:
        seconds = epoch(sa.literal(when), engine.dialect.name)
        assert conn.execute(sa.select(local_day(seconds, zone, when, when))).scalar_one() == day


SMALL_TEXTS = (
    "Payment is late, nothing credited yet and support never answers the phone.",
    "Paisa abhi tak nahi aaya, 5 din ho gaye, order RS-204411 ka status bhi nahi dikhta.",
    "The UPI transfer failed twice and now they say it will be retried in a week.",
    "Money came in 10 minutes after pickup, smooth and honest, recommended to friends.",
    "Bank transfer still pending after the executive took my phone on Monday evening.",
    "Refund of the pickup fee never arrived although the app shows it as processed.",
    "Got only part of the amount, the rest is stuck somewhere between two banks.",
    "They promised instant cash but paid by cheque that bounced the following day.",
)


def test_small_report_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    """Every query of a monthly report on a tiny hand-made inbox, SQLite and PostgreSQL."""
    when = _local(2026, 10, 10)
    with session_scope(engine) as session:
        account = SourceAccount(name="play", platform="google_play")
        session.add(account)
        session.flush()
        reviews = [
            Review(
                Platform.GOOGLE_PLAY,
                f"r{n}",
                SMALL_TEXTS[n],
                {},
                created_at=when + timedelta(hours=n),
                author="Priya Sharma",
                rating=1 + n % 5,
                app_version="5.0",
            )
            for n in range(8)
        ]
        ingest(session, account, reviews, now=when)
        ids = list(session.exec(select(Item.id).order_by(Item.id)))
        for item_id in ids:
            session.add(Tag(item_id=item_id, theme="payment", score=0.9, origin="model"))
        session.add(Escalation(item_id=ids[0], reasons=["model: money not received 0.91"]))
    service = InboxService(engine, clock=lambda: NOW, agent="asha")
    service.remove_tag(ids[1], "payment")
    service.add_tag(ids[2], "support")
    report = build_report(engine, Config(), "monthly", MONTH, clock=lambda: NOW)
    assert [(v.platform, v.count, v.previous) for v in report.volume] == [("google_play", 8, 0)]
    assert {t.theme: (t.count, t.status) for t in report.themes} == {
        "payment": (7, "new"),
        "support": (1, "new"),
    }
    assert report.ratings[0].stars == (2, 2, 2, 1, 1)
    assert [(r.reason, r.count) for r in report.escalations] == [("money_not_received", 1)]
    quotes = report.quotes["payment"]
    assert len(quotes) == 3 and {q.author for q in quotes} == {"Priya"}
    assert len({q.text for q in quotes}) == 3
    assert report.sla.overall.items == 8
    paths = write_report(report, tmp_path / "out")
    assert "Payment &amp; payout" in paths[0].read_text(encoding="utf-8")
