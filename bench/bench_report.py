"""SLA and monthly-report time on a 1,000,000-item SQLite database:
`python bench/bench_report.py [N] [--rebuild] [--month 2026-10]`.

Builds (once, cached in the temp dir) an N-item database (default 1,000,000) spread over the
year before 20 Nov 2026, by bulk inserts straight into every table the reports read (item, tag,
reply, event, escalation, source_account) after the migrations have created them. Going
through ingest and the classifier would take an hour; the reports only read these rows.

Then times, each in this process, a fresh engine every time (no warm caches but the OS's):

- `inbox sla --period MONTH` (SlaCalculator.report, overall) and `--by platform`;
- `inbox report monthly --month MONTH --out DIR` (the real click command: queries, charts,
  HTML, Markdown and CSV files) and `inbox report weekly`.

Targets (issue #7): SLA ≤ 5 s; monthly report ≤ 15 s. The report runs the SLA figures in two
threads next to its own queries, so it needs both cores to its advantage: the load average is
printed, and the CPU time beside each wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inbox.config import Config
from inbox.db import create_db_engine, ensure_schema
from inbox.sla import Dimension, SlaCalculator, parse_period

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SPAN_DAYS = 365
BATCH = 20_000
SCHEMA_TAG = "v1"  # bump when the generated data changes

ACCOUNTS = (
    (1, "play", "google_play", "in.resello.app", "Resello (Android)"),
    (2, "appstore", "app_store", "1589034512", "Resello (iOS)"),
    (3, "gbp-koramangala", "gbp", "accounts/1/locations/4501", "Store – Koramangala"),
    (4, "gbp-andheri", "gbp", "accounts/1/locations/4502", "Store – Andheri West"),
    (5, "gbp-connaught-place", "gbp", "accounts/1/locations/4503", "Store – Connaught Place"),
    (6, "instagram", "instagram", "17841400000000001", "@resello.in"),
)
# account id, weight
ACCOUNT_WEIGHTS = ((1, 40), (2, 25), (3, 8), (4, 7), (5, 5), (6, 15))
THEMES: dict[str, tuple[str, ...]] = {
    "price_quote": ("quote is too low compared to other apps", "price kam de rahe ho bhai"),
    "price_cut": ("quoted 14k, at pickup they offered 9k", "scratch bolke 3000 kaat liye"),
    "pickup": ("pickup guy never came, rescheduled 3 times", "executive was on time and polite"),
    "payment": ("payment not received after 5 days", "paisa abhi tak nahi aaya, order RS-2044"),
    "app_bug": ("app crashes on the quote screen", "stuck on loading after the update"),
    "login_otp": ("otp not coming on jio", "login nahi ho raha, OTP invalid"),
    "support": ("customer care never picks up", "support resolved it quickly, thanks"),
    "trust_fraud": ("fraud company don't trust them", "is this genuine? worried"),
    "data_privacy": ("my photos were not wiped", "they asked for my aadhaar twice"),
    "praise": ("smooth process, money in 10 minutes", "bahut badhiya service 👍"),
    "feature_request": ("please add pickup in Indore", "EMI option chahiye"),
    "spam": ("follow me for followers", "earn 5000 daily click link"),
}
THEME_WEIGHTS = (12, 8, 12, 12, 7, 4, 6, 5, 2, 25, 4, 3)
AGENTS = ("asha", "rohit", "meera", "vikram", "zoya", "imran")
REASONS = (
    "model: money not received {:.2f}",
    "rule fraud_allegation matched 'fraud company'",
    "model: fraud or scam allegation {:.2f}",
    "rule legal_threat matched 'consumer court'",
    "model: data or privacy incident {:.2f}",
    "repeated_complaint: 2 complaints by someone within 30 days",
)
NAMES = ("Priya Sharma", "Rahul Verma", "Ananya Iyer", "adityak_91", "रमा देवी", "Imran S")


def _ts(moment: datetime) -> str:
    """How SQLAlchemy's DateTime stores a UTC instant in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _version(day: int) -> str | None:
    """An app version released every ~6 weeks; a few reviews carry none."""
    return f"5.{day // 42}.{day % 3}" if day % 17 else None


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path: Path, n: int) -> None:
    """Migrate an empty file, then fill it with executemany on the raw sqlite3 connection."""
    engine = create_db_engine(str(path))
    ensure_schema(engine)
    engine.dispose()
    rng = random.Random(20261120)
    start = NOW - timedelta(days=SPAN_DAYS)
    theme_ids = list(THEMES)
    account_ids = [a for a, _w in ACCOUNT_WEIGHTS]
    account_w = [w for _a, w in ACCOUNT_WEIGHTS]
    platform_of = {a[0]: a[2] for a in ACCOUNTS}
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.executemany(
        "INSERT INTO source_account (id, name, platform, external_ref, display_name, "
        "consecutive_failures, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
        [(*a, _ts(start)) for a in ACCOUNTS],
    )
    items: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    replies: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    escalations: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO item (id, platform, account_id, external_id, author, rating, body, "
            "language, created_at, updated_at, first_seen_at, clock_started_at, app_version, "
            "raw, content_hash, revision, status, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, 1, ?, 1)",
            items,
        )
        conn.executemany(
            "INSERT INTO tag (item_id, theme, score, origin, active, model_version, "
            "taxonomy_version, created_by, created_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            tags,
        )
        conn.executemany(
            "INSERT INTO reply (item_id, body, origin, state, attempts, idempotency_key, "
            "agent, created_at, sent_at, published_at) VALUES (?, ?, ?, 'sent', 1, ?, ?, ?, ?, ?)",
            replies,
        )
        conn.executemany("INSERT INTO event (item_id, kind, actor, at) VALUES (?, ?, ?, ?)", events)
        conn.executemany(
            "INSERT INTO escalation (item_id, reasons, severity, created_by, created_at) "
            "VALUES (?, ?, ?, 'classifier', ?)",
            escalations,
        )
        for rows in (items, tags, replies, events, escalations):
            rows.clear()

    # Volume grows over the year; one busy day (a payment outage) makes a spike.
    spike_day = (datetime(2026, 10, 14, tzinfo=UTC) - start).days
    for item_id in range(1, n + 1):
        day = min(int(SPAN_DAYS * rng.random() ** 0.8), SPAN_DAYS - 1)
        at = start + timedelta(days=day, seconds=rng.randrange(86_400))
        if at > NOW:
            at = NOW - timedelta(minutes=rng.randrange(1, 600))
        account = rng.choices(account_ids, account_w)[0]
        platform = platform_of[account]
        theme = rng.choices(theme_ids, THEME_WEIGHTS)[0]
        if day == spike_day and rng.random() < 0.5:
            theme = "payment"
        rating = (
            None if platform == "instagram" else (5 if theme == "praise" else rng.randint(1, 3))
        )
        text = rng.choice(THEMES[theme])
        body = (
            f"{text}. {rng.choice(('', 'Order RS-', 'Sold my iPhone 12, '))}{rng.randrange(10**5)}"
        )
        roll = rng.random()
        status = (
            "replied"
            if roll < 0.55
            else "no_reply_needed"
            if roll < 0.6
            else "escalated"
            if roll < 0.66
            else "new"
        )
        if at > NOW - timedelta(days=3) and status == "replied":
            status = "new"
        when = _ts(at)
        items.append(
            (
                item_id,
                platform,
                account,
                f"ext-{item_id}",
                rng.choice(NAMES),
                rating,
                body,
                "en",
                None if platform == "google_play" else when,
                when,
                when,
                when,
                _version(day) if platform in ("google_play", "app_store") else None,
                hashlib.blake2b(body.encode(), digest_size=16).hexdigest(),
                status,
            )
        )
        tags.append(
            (
                item_id,
                theme,
                round(0.5 + rng.random() / 2, 4),
                "model",
                "m-2026.11",
                "t-1",
                "x",
                when,
            )
        )
        if rng.random() < 0.3:
            other = rng.choice(theme_ids)
            if other != theme:
                tags.append(
                    (
                        item_id,
                        other,
                        round(0.3 + rng.random() / 3, 4),
                        "model",
                        "m-2026.11",
                        "t-1",
                        "x",
                        when,
                    )
                )
        events.append((item_id, "received", None, when))
        if status == "replied":
            sent = at + timedelta(hours=rng.expovariate(1 / 20))
            sent = min(sent, NOW - timedelta(minutes=1))
            tool = rng.random() < 0.75
            replies.append(
                (
                    item_id,
                    "Thank you for your feedback.",
                    "tool" if tool else "platform",
                    f"k-{item_id}",
                    rng.choice(AGENTS) if tool else None,
                    _ts(sent),
                    _ts(sent),
                    _ts(sent),
                )
            )
            events.append((item_id, "replied", None, _ts(sent)))
        if status == "escalated":
            reasons = [rng.choice(REASONS).format(rng.random())]
            escalations.append((item_id, json.dumps(reasons), "high", when))
            events.append((item_id, "escalated", "classifier", when))
        if len(items) >= BATCH:
            flush()
    flush()
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def database(n: int, rebuild: bool) -> Path:
    folder = Path(tempfile.gettempdir()) / "review-inbox-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"report-{n}-{SCHEMA_TAG}.db"
    if rebuild or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"building {path} with {n:,} items…", flush=True)
        build(path, n)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    engine = create_db_engine(str(path))
    ensure_schema(engine)  # a migration added since the cache was built (e.g. an index)
    engine.dispose()
    return path


def timed(label: str, target: float | None, action: Callable[[], object]) -> float:
    """Wall time against the target, and the CPU time of all this process's threads: on a
    machine shared with other work, CPU time shows what the command itself costs."""
    started, cpu = time.perf_counter(), time.process_time()
    action()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    verdict = "" if target is None else ("  ok" if seconds <= target else "  OVER TARGET")
    goal = "" if target is None else f" (target ≤ {target:g} s)"
    print(f"{label:<46} {seconds:6.2f} s wall, {cpu:6.2f} s CPU{goal}{verdict}", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--week", default="2026-W46")
    args = parser.parse_args()
    path = database(args.n, args.rebuild)
    config = Config()
    zone = config.working_hours.zone()

    def sla(by: Dimension | None) -> None:
        engine = create_db_engine(str(path))
        calc = SlaCalculator(engine, config, clock=lambda: NOW)
        report = calc.report(parse_period(args.month, zone=zone, now=NOW), by)
        assert report.overall.items > 0
        engine.dispose()

    def command(*words: str) -> Callable[[], None]:
        def run() -> None:
            from inbox import cli_report  # noqa: F401  (registers `inbox report`)
            from inbox.cli import app

            with contextlib.redirect_stdout(io.StringIO()):  # the command lists its files
                app.main(["--db", str(path), *words], standalone_mode=False)

        return run

    out = Path(tempfile.mkdtemp(prefix="inbox-bench-report-"))
    print(f"{args.n:,} items; month {args.month}; week {args.week}; output in {out}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = [
        timed(f"inbox sla --period {args.month}", 5, lambda: sla(None)),
        timed(
            f"inbox sla --period {args.month} --by platform", None, lambda: sla(Dimension.PLATFORM)
        ),
        timed(
            f"inbox report monthly --month {args.month}",
            15,
            command("report", "monthly", "--month", args.month, "--out", str(out / "m")),
        ),
        timed(
            f"inbox report weekly --week {args.week}",
            15,
            command("report", "weekly", "--week", args.week, "--out", str(out / "w")),
        ),
    ]
    return 0 if results[0] <= 5 and results[2] <= 15 else 1


if __name__ == "__main__":
    sys.exit(main())
