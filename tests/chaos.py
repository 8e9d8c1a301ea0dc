"""The fault-and-kill scenario of issue #8, shared by tests/test_chaos.py (small) and
bench/bench_chaos.py (20,000 items): real `inbox poll` and `inbox send` processes, killed
with SIGKILL at random moments while the sandbox injects 429s, 500s and timeouts; then every
sandbox item must be in the database exactly once and every reply posted exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from inbox.config import load_config
from inbox.db import create_db_engine
from inbox.demo import RunningSandbox, start_sandbox
from inbox.models import Item, ItemStatus, Reply, ReplyOrigin, ReplyState
from inbox.outbox import Outbox
from sources.sandbox import Fault

INBOX = [sys.executable, "-m", "inbox"]
FAULT_KINDS = ("429", "500", "503", "timeout", "reset")
REPLY_PATHS = {
    "google_play": ":reply",
    "app_store": "customerReviewResponses",
    "gbp": "/reply",
    "instagram": "/replies",
}


@dataclass
class ChaosReport:
    items_expected: int = 0
    items_stored: int = 0
    duplicates: int = 0
    received_events: int = 0
    kills: int = 0
    runs: int = 0
    faults_injected: int = 0
    replies_queued: int = 0
    replies_sent: int = 0
    reply_posts: dict[str, int] = field(default_factory=dict)  # item external id → POSTs
    seconds: float = 0.0

    @property
    def double_posts(self) -> int:
        return sum(1 for n in self.reply_posts.values() if n != 1)

    def lines(self) -> list[str]:
        return [
            f"items: {self.items_stored} stored of {self.items_expected} served, "
            f"{self.duplicates} duplicates, {self.received_events} received events",
            f"processes killed with SIGKILL: {self.kills} (of {self.runs} runs)",
            f"faults injected (429/500/503/timeout/reset): {self.faults_injected}",
            f"replies: {self.replies_queued} queued, {self.replies_sent} sent, "
            f"{self.double_posts} posted other than exactly once",
            f"{self.seconds:.0f} s",
        ]


@contextmanager
def fault_storm(running: RunningSandbox, rng: random.Random, every: float) -> Iterator[list[int]]:
    """A thread that keeps one or two random faults pending (timeouts short): every request
    may meet one, and retries get past them."""
    stop = threading.Event()
    count = [0]

    def storm() -> None:
        while not stop.wait(every):
            if len(running.sandbox.faults) >= 2:
                continue
            kind = rng.choice(FAULT_KINDS)
            running.sandbox.faults.add(Fault(kind, count=1, seconds=0.5, retry_after=1))
            count[0] += 1

    thread = threading.Thread(target=storm, daemon=True)
    thread.start()
    try:
        yield count
    finally:
        stop.set()
        thread.join()
        running.sandbox.faults.clear()


def _kill_repeatedly(
    args: list[str], env: dict[str, str], rng: random.Random, kills: int, report: ChaosReport
) -> None:
    """Start the command and SIGKILL it at a random moment, `kills` times (a run that ends
    by itself before its kill just counts as a run)."""
    while report.kills < kills:
        report.runs += 1
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.8, 3.0))
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            report.kills += 1


def _finish(args: list[str], env: dict[str, str], report: ChaosReport) -> None:
    report.runs += 1
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args[-3:])} failed after the kills: {done.stderr[-2000:]}")


def run_chaos(
    folder: Path, per_platform: int, *, kills: int, replies: int, seed: int = 11
) -> ChaosReport:
    rng = random.Random(seed)
    report = ChaosReport()
    started = time.monotonic()
    db = folder / "chaos.db"
    with start_sandbox(
        now=datetime.now(UTC), folder=folder / "sb", synthetic=per_platform
    ) as running:
        config_path = folder / "config.toml"
        config_path.write_text(
            "[outbox]\nundo_seconds = 0\nlease_seconds = 30\nretry_base_seconds = 0.5\n"
            "max_attempts = 50\n\n" + running.config_path.read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        env = {**running.environ, "INBOX_AGENT": "chaos"}
        base = [*INBOX, "--db", str(db), "--config", str(config_path)]
        counts = running.sandbox.state()["platforms"]
        ig = counts["instagram"]
        report.items_expected = (
            counts["google_play"]["reviews"]
            + counts["app_store"]["reviews"]
            + counts["gbp"]["reviews"]
            + ig["comments"]
            + ig["replies"]
            - ig["own_replies"]  # other people's replies are items too; ours are replies
        )

        # 1. Polls killed mid-way while the sandbox misbehaves; then one that completes.
        poll = [*base, "poll", "--no-classify"]
        with fault_storm(running, rng, every=0.2) as faults:
            _kill_repeatedly(poll, env, rng, kills, report)
        report.faults_injected += faults[0]
        _finish(poll, env, report)  # the next regular poll, once the platform behaves
        engine = create_db_engine(str(db))
        with engine.connect() as conn:
            report.items_stored = conn.execute(sa.text("SELECT count(*) FROM item")).scalar_one()
            distinct = conn.execute(
                sa.text("SELECT count(DISTINCT platform || account_id || external_id) FROM item")
            ).scalar_one()
            report.duplicates = report.items_stored - distinct
            report.received_events = conn.execute(
                sa.text("SELECT count(*) FROM event WHERE kind = 'received'")
            ).scalar_one()

        # 2. Replies queued, then senders killed mid-way; then one that completes.
        config, _ = load_config(config_path)
        outbox = Outbox(engine, config, agent="chaos")
        with engine.connect() as conn:
            targets = conn.execute(
                sa.select(Item.id, Item.external_id, Item.platform, Item.extra)
                .where(Item.status == ItemStatus.NEW)
                .order_by(Item.id)
            ).all()
        chosen = [
            t
            for t in targets
            if t.platform != "instagram"
            or ((t.extra or {}).get("top_level") and not (t.extra or {}).get("hidden"))
        ]
        rng.shuffle(chosen)
        chosen = chosen[:replies]
        for n, target in enumerate(chosen):
            outbox.queue(target.id, f"Thanks for writing to us, we are on it ({n}).")
        report.replies_queued = len(chosen)
        running.sandbox.clear_requests()
        send = [*base, "send", "--base-url", running.url]
        kills_before = report.kills
        with fault_storm(running, rng, every=0.2) as faults:
            while report.kills - kills_before < kills:
                _kill_repeatedly(send, env, rng, kills_before + kills, report)
        report.faults_injected += faults[0]
        for _ in range(10):  # replies refused by a fault wait out their backoff: send again
            _finish(send, env, report)
            if _all_sent(engine):
                break
            time.sleep(1)
        with engine.connect() as conn:
            report.replies_sent = conn.execute(
                sa.select(sa.func.count())
                .select_from(Reply)
                .where(Reply.state == ReplyState.SENT, Reply.origin == ReplyOrigin.TOOL)
            ).scalar_one()
        # Accepted posts only: a 429, an injected 5xx or a reset never reached the platform.
        posts = [
            r
            for r in running.sandbox.requests
            if r.method in ("POST", "PUT") and 200 <= r.status < 300
        ]
        for target in chosen:
            fragment = REPLY_PATHS[target.platform]
            if target.platform == "app_store":  # the review id travels in the body
                continue
            report.reply_posts[target.external_id] = sum(
                1 for r in posts if fragment in r.path and target.external_id in r.path
            )
        asc = [t for t in chosen if t.platform == "app_store"]
        if asc:
            report.reply_posts["app_store (all)"] = (
                sum(1 for r in posts if REPLY_PATHS["app_store"] in r.path) - len(asc) + 1
            )  # 1 when each App Store reply was posted once
        engine.dispose()
    report.seconds = time.monotonic() - started
    return report


def _all_sent(engine: sa.engine.Engine) -> bool:
    with engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count())
            .select_from(Reply)
            .where(Reply.state != ReplyState.SENT, Reply.origin == ReplyOrigin.TOOL)
        ).scalar_one()
    return int(left) == 0
