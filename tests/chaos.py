"""The fault-and-kill scenario of issue #8, shared by tests/test_chaos.py (small) and
bench/bench_chaos.py (20,000 items): real `inbox poll`, `inbox send` and inbox-window
(tests/chaos_tui.py) processes, killed with SIGKILL at random moments while the sandbox
injects 429s, 500s and timeouts; then every sandbox item must be in the database exactly
once, every reply posted exactly once, and every change the window made complete: its row,
its event and its version bump, or none of them."""

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from inbox.config import Config, load_config
from inbox.db import create_db_engine
from inbox.demo import RunningSandbox, start_sandbox
from inbox.errors import ConflictError
from inbox.models import Item, ItemStatus, Reply, ReplyOrigin, ReplyState
from inbox.outbox import Outbox
from inbox.service import InboxService
from inbox.textindex import count_not_indexed
from sources.sandbox import Fault

INBOX = [sys.executable, "-m", "inbox"]
TUI_DRIVER = [sys.executable, str(Path(__file__).with_name("chaos_tui.py"))]
TUI_AGENT = "chaos-tui"
BRAND = '[brand]\nname = "Resello"\nsupport_email = "care@resello.in"\n\n'
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
    not_indexed: int = 0  # items search must scan after the last poll (its catch-up: 0)
    kills: int = 0
    runs: int = 0
    faults_injected: int = 0
    replies_queued: int = 0
    replies_sent: int = 0
    reply_posts: dict[str, int] = field(default_factory=dict)  # item external id → POSTs
    tui_kills: int = 0
    tui_runs: int = 0
    tui_killed_mid_action: int = 0  # the log's last line was an action's start
    tui_actions: int = 0  # actions the windows started (their logs)
    tui_changes: int = 0  # events the windows committed (claims, views, tags, replies…)
    tui_replies: dict[str, int] = field(default_factory=dict)  # state → replies the windows queued
    answered_twice: int = 0  # items with more than one tool reply not cancelled
    replies_unfinished: int = 0  # tool replies neither sent nor cancelled after the last sender
    event_gaps: dict[str, int] = field(default_factory=dict)  # check → rows that fail it
    events_checked: int = 0
    claims_left: int = 0  # live claims the killed windows left behind
    claims_refused: int = 0  # … that a colleague could not take while they were live
    claims_taken: int = 0  # … that the colleague took once they expired
    seconds: float = 0.0

    @property
    def double_posts(self) -> int:
        return sum(1 for n in self.reply_posts.values() if n != 1)

    @property
    def gaps(self) -> int:
        return sum(self.event_gaps.values())

    def lines(self) -> list[str]:
        return [
            f"items: {self.items_stored} stored of {self.items_expected} served, "
            f"{self.duplicates} duplicates, {self.received_events} received events, "
            f"{self.not_indexed} left out of the search index",
            f"processes killed with SIGKILL: {self.kills} (of {self.runs} runs)",
            f"faults injected (429/500/503/timeout/reset): {self.faults_injected}",
            f"replies: {self.replies_queued} queued, {self.replies_sent} sent, "
            f"{self.double_posts} posted other than exactly once",
            f"inbox windows killed with SIGKILL: {self.tui_kills} (of {self.tui_runs} runs, "
            f"{self.tui_killed_mid_action} mid-action); {self.tui_actions} actions started, "
            f"{self.tui_changes} changes committed",
            "window replies: "
            + (", ".join(f"{n} {state}" for state, n in sorted(self.tui_replies.items())) or "none")
            + f"; items answered twice: {self.answered_twice}; "
            f"replies neither sent nor cancelled: {self.replies_unfinished}",
            f"events checked: {self.events_checked}, gaps: {self.gaps}"
            + (f" {self.event_gaps}" if self.gaps else ""),
            f"claims left by killed windows: {self.claims_left}, refused to a colleague while "
            f"live: {self.claims_refused}, taken after expiry: {self.claims_taken}",
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
    folder: Path,
    per_platform: int,
    *,
    kills: int,
    replies: int,
    tui_kills: int | None = None,
    tui_seconds: tuple[float, float] = (2.0, 6.0),
    seed: int = 11,
) -> ChaosReport:
    """Poll, send and work the queue in a window, each killed `kills` times (the window
    `tui_kills` times, after `tui_seconds` of work); then check what the database and the
    sandbox hold."""
    rng = random.Random(seed)
    report = ChaosReport()
    started = time.monotonic()
    db = folder / "chaos.db"
    with start_sandbox(
        now=datetime.now(UTC), folder=folder / "sb", synthetic=per_platform
    ) as running:
        config_path = folder / "config.toml"
        # The sandbox holds a request at most 0.5 s (its timeouts): a killed sender's request
        # has landed or failed 2 s after it took the reply.
        outbox_toml = (
            "lease_seconds = 30\nin_flight_seconds = 2\nretry_base_seconds = 0.5\n"
            "max_attempts = 50\n\n"
        )
        sources_toml = running.config_path.read_text(encoding="utf-8")
        config_path.write_text(
            BRAND + "[outbox]\nundo_seconds = 0\n" + outbox_toml + sources_toml, encoding="utf-8"
        )
        # The window's undo window is short: a random `u` sometimes cancels, sometimes is late.
        tui_config_path = folder / "config_tui.toml"
        tui_config_path.write_text(
            BRAND + "[outbox]\nundo_seconds = 1\n" + outbox_toml + sources_toml, encoding="utf-8"
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
        report.not_indexed = count_not_indexed(engine)

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
        # 3. Inbox windows working the queue, killed mid-way; then a sender that completes.
        snapshot = _snapshot(engine)
        tui = [*TUI_DRIVER, "--db", str(db), "--config", str(tui_config_path)]
        with fault_storm(running, rng, every=0.2) as faults:
            _kill_tui_repeatedly(
                tui,
                env,
                rng,
                kills if tui_kills is None else tui_kills,
                tui_seconds,
                folder,
                report,
            )
        report.faults_injected += faults[0]
        for _ in range(10):
            _finish(send, env, report)
            if _all_sent(engine):
                break
            time.sleep(1)

        report.replies_unfinished = _unfinished(engine)
        _count_reply_posts(engine, running, report)
        _check_events(engine, snapshot, report)
        _check_claims(engine, config, report)
        engine.dispose()
    report.seconds = time.monotonic() - started
    return report


def _kill_tui_repeatedly(
    args: list[str],
    env: dict[str, str],
    rng: random.Random,
    kills: int,
    seconds: tuple[float, float],
    folder: Path,
    report: ChaosReport,
) -> None:
    """Open the window, let it work for a random while after it is ready, SIGKILL it; `kills`
    times. It never ends by itself: if it does, it crashed, and that is a failure."""
    for run in range(kills):
        report.tui_runs += 1
        log, errors = folder / f"tui-{run}.log", folder / f"tui-{run}.err"
        seed = str(rng.randrange(1 << 30))
        with errors.open("w", encoding="utf-8") as err:
            proc = subprocess.Popen(
                [*args, "--seed", seed, "--log", str(log)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            deadline = time.monotonic() + 120
            while not (log.exists() and "ready" in log.read_text(encoding="utf-8")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the inbox window did not start: {_tail(errors)}")
                time.sleep(0.1)
            time.sleep(rng.uniform(*seconds))
            if proc.poll() is not None:
                raise AssertionError(f"the inbox window stopped by itself: {_tail(errors)}")
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        report.tui_kills += 1
        lines = log.read_text(encoding="utf-8").splitlines()
        report.tui_actions += sum(1 for line in lines if line.startswith("start "))
        report.tui_killed_mid_action += bool(lines) and lines[-1].startswith("start ")


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-2000:]


def _count_reply_posts(
    engine: sa.engine.Engine, running: RunningSandbox, report: ChaosReport
) -> None:
    """POSTs the sandbox accepted for each item with a sent reply of ours: each must be 1."""
    with engine.connect() as conn:
        sent = conn.execute(
            sa.select(Item.external_id, Item.platform)
            .join(Reply, Reply.item_id == Item.id)  # type: ignore[arg-type]
            .where(Reply.state == ReplyState.SENT, Reply.origin == ReplyOrigin.TOOL)
        ).all()
    # Accepted posts only: a 429, an injected 5xx or a reset never reached the platform.
    posts = [
        r for r in running.sandbox.requests if r.method in ("POST", "PUT") and 200 <= r.status < 300
    ]
    for target in sent:
        if target.platform == "app_store":  # the review id travels in the body
            continue
        fragment = REPLY_PATHS[target.platform]
        report.reply_posts[target.external_id] = report.reply_posts.get(
            target.external_id, 0
        ) + sum(1 for r in posts if fragment in r.path and target.external_id in r.path)
    asc = [t for t in sent if t.platform == "app_store"]
    if asc:
        report.reply_posts["app_store (all)"] = (
            sum(1 for r in posts if REPLY_PATHS["app_store"] in r.path) - len(asc) + 1
        )  # 1 when each App Store reply was posted once


@dataclass(frozen=True)
class Snapshot:
    """Where the items stood before the windows ran: the last event, each status and version."""

    marker: int
    items: list[tuple[int, str, int]]


def _snapshot(engine: sa.engine.Engine) -> Snapshot:
    with engine.connect() as conn:
        marker = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
        items = conn.execute(sa.text("SELECT id, status, version FROM item")).all()
    return Snapshot(int(marker), [(int(i), str(s), int(v)) for i, s, v in items])


# Each check counts the rows that break it; all must be 0. SQLite JSON functions: the chaos
# database is a SQLite file. `:marker` is the last event before the windows ran.
EVENT_CHECKS = {
    # One answer per item: a second reply of ours that is not cancelled is a double answer.
    "item answered twice": """
        SELECT count(*) FROM (SELECT item_id FROM reply
            WHERE origin = 'tool' AND state != 'cancelled' GROUP BY item_id HAVING count(*) > 1)""",
    # Escalation rows and escalated events, per item and person, both ways.
    "escalation without its event": """
        SELECT count(*) FROM (SELECT item_id, created_by, count(*) AS n FROM escalation
            GROUP BY item_id, created_by) AS x
        WHERE n != (SELECT count(*) FROM event e WHERE e.kind = 'escalated'
            AND e.item_id = x.item_id AND e.actor IS x.created_by)""",
    "escalated event without its row": """
        SELECT count(*) FROM (SELECT item_id, actor, count(*) AS n FROM event
            WHERE kind = 'escalated' GROUP BY item_id, actor) AS x
        WHERE n != (SELECT count(*) FROM escalation s WHERE s.item_id = x.item_id
            AND s.created_by IS x.actor)""",
    # A person's tag is what their last retag of that theme said.
    "human tag without its event": """
        SELECT count(*) FROM tag t WHERE t.origin = 'human' AND coalesce((
            SELECT json_extract(e.data, '$.action') FROM event e WHERE e.kind = 'retagged'
                AND e.item_id = t.item_id AND json_extract(e.data, '$.theme') = t.theme
            ORDER BY e.id DESC LIMIT 1), '') != CASE WHEN t.active THEN 'add' ELSE 'remove' END""",
    "retagged event without its tag": """
        SELECT count(*) FROM event e WHERE e.kind = 'retagged' AND NOT EXISTS (
            SELECT 1 FROM tag t WHERE t.origin = 'human' AND t.item_id = e.item_id
                AND t.theme = json_extract(e.data, '$.theme'))""",
    # Every reply of ours was queued with an event; sent and cancelled ones have theirs, once.
    "reply without its queued event": """
        SELECT count(*) FROM reply r WHERE r.origin = 'tool' AND NOT EXISTS (
            SELECT 1 FROM event e WHERE e.kind = 'reply_queued'
                AND json_extract(e.data, '$.reply_id') = r.id)""",
    "sent reply without exactly one replied event": """
        SELECT count(*) FROM reply r WHERE r.origin = 'tool' AND r.state = 'sent' AND 1 != (
            SELECT count(*) FROM event e WHERE e.kind = 'replied'
                AND json_extract(e.data, '$.reply_id') = r.id)""",
    "replied event of a reply not sent": """
        SELECT count(*) FROM event e JOIN reply r ON r.id = json_extract(e.data, '$.reply_id')
        WHERE e.kind = 'replied' AND json_extract(e.data, '$.origin') = 'tool'
            AND r.state != 'sent'""",
    "cancelled reply without its event": """
        SELECT count(*) FROM reply r WHERE r.origin = 'tool' AND r.state = 'cancelled'
            AND NOT EXISTS (SELECT 1 FROM event e WHERE e.kind = 'reply_cancelled'
                AND json_extract(e.data, '$.reply_id') = r.id)""",
    # Since the snapshot no poll ran, so every version bump is a change with its event
    # (service `_change` and the sender each write one event and one bump; the outbox's
    # queue/edit/cancel events bump nothing): bumps = those events, per item.
    "version bumps other than events": """
        SELECT count(*) FROM item i JOIN before_tui b ON b.id = i.id
        WHERE i.version - b.version != (SELECT count(*) FROM event e
            WHERE e.item_id = i.id AND e.id > :marker AND e.kind IN
                ('viewed', 'status', 'snoozed', 'assigned', 'retagged', 'escalated',
                 'replied', 'reply_edited'))""",
    # A status that moved since the snapshot has an event after it that sets that status.
    "status change without its event": """
        SELECT count(*) FROM item i JOIN before_tui b ON b.id = i.id
        WHERE i.status != b.status AND NOT EXISTS (SELECT 1 FROM event e
            WHERE e.item_id = i.id AND e.id > :marker AND (
                (i.status = 'open' AND e.kind = 'viewed')
                OR (i.status = 'escalated' AND e.kind = 'escalated')
                OR (i.status = 'replied' AND e.kind = 'replied')
                OR (e.kind = 'status' AND json_extract(e.data, '$.to') = i.status)))""",
}


def _check_events(engine: sa.engine.Engine, snapshot: Snapshot, report: ChaosReport) -> None:
    """Run EVENT_CHECKS; also count what the windows did, from the rows they left."""
    with engine.connect() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS temp.before_tui"))  # a pooled connection's
        conn.execute(
            sa.text(
                "CREATE TEMP TABLE before_tui (id INTEGER PRIMARY KEY, status TEXT, version INT)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO before_tui VALUES (:id, :status, :version)"),
            [{"id": i, "status": s, "version": v} for i, s, v in snapshot.items],
        )
        for name, query in EVENT_CHECKS.items():
            params = {"marker": snapshot.marker} if ":marker" in query else {}
            report.event_gaps[name] = int(conn.execute(sa.text(query), params).scalar_one())
        report.answered_twice = report.event_gaps["item answered twice"]
        report.events_checked = int(
            conn.execute(sa.text("SELECT count(*) FROM event")).scalar_one()
        )
        report.tui_changes = int(
            conn.execute(
                sa.text("SELECT count(*) FROM event WHERE actor = :agent AND id > :marker"),
                {"agent": TUI_AGENT, "marker": snapshot.marker},
            ).scalar_one()
        )
        report.tui_replies = {
            str(state): int(n)
            for state, n in conn.execute(
                sa.text(
                    "SELECT state, count(*) FROM reply WHERE agent = :agent AND origin = 'tool' "
                    "GROUP BY state"
                ),
                {"agent": TUI_AGENT},
            )
        }
        conn.rollback()


def _check_claims(engine: sa.engine.Engine, config: Config, report: ChaosReport) -> None:
    """Claims the killed windows left: a colleague is refused while one is live and takes
    the item once it has expired (a clock past the expiry stands in for the wait)."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        held = conn.execute(
            sa.select(Item.id, Item.claimed_until).where(
                Item.assignee == TUI_AGENT,  # type: ignore[arg-type]
                Item.claimed_until > now,  # type: ignore[arg-type,operator]
            )
        ).all()
    report.claims_left = len(held)
    colleague = InboxService(engine, config, agent="colleague")
    for item_id, until in held:
        try:
            colleague.claim(item_id)
        except ConflictError:
            report.claims_refused += 1
        later = InboxService(
            engine, config, clock=lambda u=until: u + timedelta(seconds=1), agent="colleague"
        )
        if later.claim(item_id).assignee == "colleague":
            report.claims_taken += 1


def _all_sent(engine: sa.engine.Engine) -> bool:
    """Every reply of ours is sent, except those cancelled in their undo window."""
    return _unfinished(engine) == 0


def _unfinished(engine: sa.engine.Engine) -> int:
    with engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count())
            .select_from(Reply)
            .where(
                Reply.state.not_in((ReplyState.SENT, ReplyState.CANCELLED)),  # type: ignore[attr-defined]
                Reply.origin == ReplyOrigin.TOOL,
            )
        ).scalar_one()
    return int(left)
