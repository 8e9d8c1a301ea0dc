"""Replying from the shell, end to end against the sandbox: templates, `inbox reply`, the
outbox, and an `inbox send` process killed after the platform accepted the reply but before
it wrote `sent` — the next `inbox send` finds the reply on the platform and posts nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col

from inbox.db import create_db_engine
from inbox.demo import RunningSandbox, start_sandbox
from inbox.models import Item, ItemStatus, Reply, ReplyState
from sources.sandbox import Fault

INBOX = [sys.executable, "-m", "inbox"]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=datetime.now(UTC), folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


@pytest.fixture
def setup(
    tmp_path: Path, running: RunningSandbox, with_seed_model: Path
) -> tuple[list[str], dict[str, str], Path]:
    config = tmp_path / "config.toml"
    config.write_text(
        '[brand]\nname = "Resello"\nsupport_email = "care@resello.in"\n'
        'reference_pattern = "RS-\\\\d{6}"\n\n'
        "[outbox]\nundo_seconds = 0\n\n" + running.config_path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    db = tmp_path / "inbox.db"
    base = ["--db", str(db), "--config", str(config)]
    env = {**running.environ, "INBOX_AGENT": "asha"}
    polled = run(base, env, "poll")
    assert polled.returncode == 0, polled.stderr
    return base, env, db


def run(base: list[str], env: dict[str, str], *args: str) -> Any:
    return subprocess.run(
        [*INBOX, *base, *args], capture_output=True, text=True, env=env, timeout=300
    )


def first_item(db: Path, platform: str) -> Item:
    engine = create_db_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        items = s.execute(
            sa.select(Item)
            .where(col(Item.platform) == platform, col(Item.status) == ItemStatus.NEW)
            .order_by(col(Item.id))
        ).scalars()
        for item in items:
            extra = item.extra or {}
            if platform != "instagram" or (extra.get("top_level") and not extra.get("hidden")):
                return item
    raise AssertionError(f"no unanswered {platform} item")


def replies_of(db: Path, item_id: int) -> list[Reply]:
    engine = create_db_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        return list(s.execute(sa.select(Reply).where(col(Reply.item_id) == item_id)).scalars())


def test_templates_list_lint_and_suggest(setup: tuple[list[str], dict[str, str], Path]) -> None:
    base, env, db = setup
    listed = run(base, env, "templates", "list")
    assert listed.returncode == 0, listed.stderr
    assert "approved" in listed.stdout and "45 templates" in listed.stdout
    linted = run(base, env, "templates", "lint")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "0 errors" in linted.stdout
    item = first_item(db, "google_play")
    suggested = run(base, env, "templates", "suggest", str(item.id))
    assert suggested.returncode == 0, suggested.stderr
    lines = [line for line in suggested.stdout.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(lines) == 3
    # Suggestions are rendered for this item: no template syntax left.
    assert "{{" not in suggested.stdout and "Resello" in suggested.stdout


def test_reply_with_a_template_then_send(
    setup: tuple[list[str], dict[str, str], Path], running: RunningSandbox
) -> None:
    base, env, db = setup
    item = first_item(db, "gbp")
    suggested = run(base, env, "templates", "suggest", str(item.id), "-n", "1")
    template_id = suggested.stdout.split()[1]
    queued = run(base, env, "reply", str(item.id), "--template", template_id)
    assert queued.returncode == 0, queued.stderr
    assert "Queued reply" in queued.stdout
    sent = run(base, env, "send", "--base-url", running.url)
    assert sent.returncode == 0, sent.stderr
    assert "1 sent" in sent.stdout
    [reply] = replies_of(db, item.id or 0)
    assert reply.state == ReplyState.SENT and reply.template_id == template_id
    assert reply.template_hash and len(reply.template_hash) == 64
    assert running.sandbox.reply_of("gbp", item.external_id) == reply.body
    assert "Resello" in reply.body or reply.body  # rendered text, not the raw template
    assert "{{" not in reply.body


def test_lint_error_refuses_the_reply_with_its_reasons(
    setup: tuple[list[str], dict[str, str], Path],
) -> None:
    base, env, db = setup
    item = first_item(db, "google_play")
    refused = run(base, env, "reply", str(item.id), "--text", "Call 98450 12345 now! " * 20)
    assert refused.returncode == 1
    assert "350" in refused.stderr and "error:" in refused.stderr
    assert replies_of(db, item.id or 0) == []


def test_send_killed_mid_post_never_posts_twice(
    setup: tuple[list[str], dict[str, str], Path], running: RunningSandbox
) -> None:
    """The killed sender's POST is still on its way when the next sender starts: the next
    one must not post (its read of the platform would miss the reply that lands a moment
    later), and once the time in flight is over it finds the reply and records it."""
    base, env, db = setup
    config = Path(base[base.index("--config") + 1])
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[outbox]\n", "[outbox]\nin_flight_seconds = 10\n", 1
        ),
        encoding="utf-8",
    )
    item = first_item(db, "instagram")
    text = "Thank you! Please DM us your order id and we will check it today."
    assert run(base, env, "reply", str(item.id), "--text", text).returncode == 0
    # Instagram holds the POST for 6 s, then takes it (whoever is still listening).
    running.sandbox.faults.add(
        Fault("timeout", count=1, path_contains="/replies", method="POST", seconds=6)
    )
    proc = subprocess.Popen(
        [*INBOX, *base, "send", "--base-url", running.url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(r.state == ReplyState.SENDING for r in replies_of(db, item.id or 0)):
        assert time.monotonic() < deadline and proc.poll() is None, "send never started"
        time.sleep(0.05)
    time.sleep(0.5)  # the POST is in flight
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    at_once = run(base, env, "send", "--base-url", running.url)
    assert at_once.returncode == 0, at_once.stderr
    assert "0 sent" in at_once.stdout and "1 held" in at_once.stdout
    listed = run(base, env, "outbox")
    assert "sending" in listed.stdout and "held: sender stopped" in listed.stdout
    while running.sandbox.reply_of("instagram", item.external_id) != text:
        assert time.monotonic() < deadline, "the sandbox never took the reply"
        time.sleep(0.05)
    [left] = replies_of(db, item.id or 0)
    assert left.state == ReplyState.SENDING  # the killed sender never wrote `sent`
    assert left.attempted_at is not None
    taken = (
        left.attempted_at.replace(tzinfo=UTC)
        if left.attempted_at.tzinfo is None
        else left.attempted_at
    )
    time.sleep(max(0.0, (taken + timedelta(seconds=10.5) - datetime.now(UTC)).total_seconds()))

    again = run(base, env, "send", "--base-url", running.url)
    assert again.returncode == 0, again.stderr
    assert "1 found already posted" in again.stdout and "0 sent" in again.stdout
    own = running.sandbox.data.instagram.own_replies(item.external_id)
    assert [r["text"] for r in own] == [text]  # exactly one reply on Instagram
    [done] = replies_of(db, item.id or 0)
    assert done.state == ReplyState.SENT and done.attempts == 2
    posts = [r for r in running.sandbox.requests if r.method == "POST" and "/replies" in r.path]
    assert len(posts) == 1


def test_outbox_list_cancel_and_retry(setup: tuple[list[str], dict[str, str], Path]) -> None:
    base, env, db = setup
    item = first_item(db, "app_store")
    queued = run(base, env, "reply", str(item.id), "--text", "Thanks for the review!")
    reply_id = queued.stdout.split("Queued reply ")[1].split()[0]
    listed = run(base, env, "outbox")
    assert "Thanks for the" in listed.stdout and "1 queued" in listed.stdout
    assert run(base, env, "outbox", "cancel", reply_id).returncode == 0
    again = run(base, env, "outbox", "cancel", reply_id)
    assert again.returncode == 1 and "can no longer be cancelled" in again.stderr
    not_failed = run(base, env, "outbox", "retry", reply_id)
    assert not_failed.returncode == 1 and "not failed" in not_failed.stderr
