"""The real pollers against the sandbox over real sockets: full polls, edits, replies, faults,
and a poller killed mid-poll."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.demo import RunningSandbox, start_sandbox
from inbox.models import Event, Item, SourceAccount
from inbox.poll import PollOutcome, build_source, poll_all
from sources.http import RetryPolicy
from sources.sandbox import Fault

NOW = datetime.now(UTC)
EXPECTED = {"google_play": 256, "app_store": 160, "gbp": 128, "instagram": 104}


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=NOW, folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


def fast_policy(waits: list[float] | None = None) -> RetryPolicy:
    sink: list[float] = [] if waits is None else waits
    return RetryPolicy(attempts=3, base_seconds=0.01, max_backoff=0.05, sleep=sink.append)


def poll(engine: Engine, running: RunningSandbox, **kw: object) -> dict[str, PollOutcome]:
    kw.setdefault("policy", fast_policy())
    outcomes = poll_all(engine, running.config, environ=running.environ, **kw)  # type: ignore[arg-type]
    return {o.source: o for o in outcomes}


def by_platform(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        rows = s.execute(sa.select(Item.platform, sa.func.count()).group_by(Item.platform))
        return {str(platform): int(n) for platform, n in rows.all()}


def cursor_of(engine: Engine, name: str) -> object:
    with Session(engine) as s:
        return s.execute(
            sa.select(SourceAccount.cursor).where(col(SourceAccount.name) == name)
        ).scalar_one()


def test_full_poll_then_nothing_new(engine: Engine, running: RunningSandbox) -> None:
    first = poll(engine, running)
    assert {name: o.error for name, o in first.items()} == dict.fromkeys(first)
    assert by_platform(engine) == EXPECTED
    assert sum(o.report.new for o in first.values()) == sum(EXPECTED.values())

    running.sandbox.clear_requests()
    second = poll(engine, running)
    assert all(o.report.new == 0 and o.report.updated == 0 for o in second.values())
    # Stops at the cursor: one page for each reviews account
    for name in ("play", "appstore", "gbp-koramangala", "gbp-andheri", "gbp-connaught-place"):
        assert second[name].requests == 1, name
    assert second["instagram"].requests < first["instagram"].requests
    assert by_platform(engine) == EXPECTED


def test_edit_and_new_review_are_picked_up(sqlite_engine: Engine, running: RunningSandbox) -> None:
    poll(sqlite_engine, running)
    with Session(sqlite_engine) as s:
        target = s.execute(
            sa.select(Item).where(col(Item.platform) == "google_play").limit(1)
        ).scalar_one()
    running.sandbox.edit_review(
        "google_play", target.external_id, text="Edited: paisa aa gaya 👍", rating=4
    )
    new_id = running.sandbox.add_review(
        "gbp",
        text="Fresh review at the store",
        rating=5,
        location="accounts/11223344556677889900/locations/4502",
    )
    outcome = poll(sqlite_engine, running)
    assert (outcome["play"].report.updated, outcome["play"].report.new) == (1, 0)
    assert outcome["gbp-andheri"].report.new == 1
    with Session(sqlite_engine) as s:
        item = s.get(Item, target.id)
        assert item is not None
        assert (item.body, item.rating, item.revision) == ("Edited: paisa aa gaya 👍", 4, 2)
        kinds = (
            s.execute(
                sa.select(Event.kind).where(col(Event.item_id) == target.id).order_by(col(Event.id))
            )
            .scalars()
            .all()
        )
        assert "edited" in kinds
        assert s.execute(sa.select(Item).where(col(Item.external_id) == new_id)).scalar_one()


@pytest.mark.parametrize("name", ["play", "appstore", "gbp-koramangala", "instagram"])
def test_reply_posted_and_read_back(
    sqlite_engine: Engine, running: RunningSandbox, name: str
) -> None:
    poll(sqlite_engine, running)
    cfg = running.config.source(name)
    assert cfg is not None
    with Session(sqlite_engine) as s:
        item = s.execute(
            sa.select(Item)
            .join(SourceAccount)
            .where(col(SourceAccount.name) == name, col(Item.status) == "new")
            .order_by(col(Item.id))
            .limit(1)
        ).scalar_one()
    if name == "instagram":
        assert item.extra and item.extra.get("top_level")
    source = build_source(cfg, policy=fast_policy(), environ=running.environ)
    text = "Thank you! Our team will call you today 🙏"
    receipt = source.reply(item.external_id, text)
    assert receipt.text == text
    assert running.sandbox.reply_of(cfg.platform, item.external_id) == text
    seen = source.get_reply(item.external_id)
    assert seen is not None and seen.text == text
    source.close()
    poll(sqlite_engine, running)
    with Session(sqlite_engine) as s:
        refreshed = s.get(Item, item.id)
        assert refreshed is not None and refreshed.status == "replied"


def test_429_waits_as_told_and_succeeds(sqlite_engine: Engine, running: RunningSandbox) -> None:
    running.sandbox.faults.add(
        Fault("429", count=2, path_contains="/androidpublisher/", retry_after=4)
    )
    waits: list[float] = []
    outcome = poll(sqlite_engine, running, policy=fast_policy(waits))["play"]
    assert outcome.error is None
    assert waits[:2] == [4, 4]
    assert by_platform(sqlite_engine)["google_play"] == EXPECTED["google_play"]


def test_500_storm_gives_up_clearly_and_loses_nothing(
    engine: Engine, running: RunningSandbox
) -> None:
    poll(engine, running)
    cursor = cursor_of(engine, "play")
    running.sandbox.add_review("google_play", text="arrives during the outage", rating=2)
    running.sandbox.faults.add(Fault("500", count=50, path_contains="/androidpublisher/"))
    outcome = poll(engine, running)
    assert outcome["play"].error is not None
    assert outcome["play"].error.startswith("Unavailable: Google Play kept failing with HTTP 500")
    assert outcome["appstore"].error is None  # one failing source does not stop the others
    assert cursor_of(engine, "play") == cursor
    with Session(engine) as s:
        acct = s.execute(
            sa.select(SourceAccount).where(col(SourceAccount.name) == "play")
        ).scalar_one()
    assert acct.last_error == outcome["play"].error
    running.sandbox.faults.clear()
    recovered = poll(engine, running)["play"]
    assert (recovered.error, recovered.report.new) == (None, 1)


def test_expired_credentials_are_sentences(sqlite_engine: Engine, running: RunningSandbox) -> None:
    running.sandbox.faults.add(Fault("401", count=5, path_contains="/v1/apps/"))
    running.sandbox.faults.add(Fault("401", count=5, path_contains="/media"))
    outcome = poll(sqlite_engine, running)
    assert outcome["appstore"].error is not None
    assert outcome["appstore"].error.startswith("Credentials: App Store")
    assert "expired" in outcome["appstore"].error
    assert outcome["instagram"].error is not None
    assert "Instagram token expired" in outcome["instagram"].error
    assert "INBOX_DEMO_INSTAGRAM_TOKEN" in outcome["instagram"].error
    assert running.instagram_token not in outcome["instagram"].error


def test_malformed_page_is_quarantined_and_poll_goes_on(
    sqlite_engine: Engine, running: RunningSandbox
) -> None:
    running.sandbox.faults.add(Fault("malformed", count=1, path_contains="/locations/4501/reviews"))
    outcome = poll(sqlite_engine, running)
    kora = outcome["gbp-koramangala"]
    assert kora.report.rejected, kora.summary()
    assert all(o.error is None for n, o in outcome.items() if n != "gbp-koramangala")
    with sqlite_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM quarantine")).scalar_one() >= 1
    again = poll(sqlite_engine, running)["gbp-koramangala"]
    assert again.error is None
    assert by_platform(sqlite_engine)["gbp"] == EXPECTED["gbp"]


def test_poller_killed_mid_poll_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """A real `inbox poll` process, SIGKILLed while pages are still arriving, then run again."""
    db = tmp_path / "crash.db"
    with start_sandbox(now=NOW, folder=tmp_path / "sb", synthetic=1500) as running:
        # Every Play page takes 0.25 s: the poll is certainly mid-way when killed.
        running.sandbox.faults.add(
            Fault("timeout", count=1000, path_contains="/androidpublisher/", seconds=0.25)
        )
        env = {**running.environ, "INBOX_AGENT": "tester"}
        cmd = [
            sys.executable,
            "-m",
            "inbox",
            "--db",
            str(db),
            "--config",
            str(running.config_path),
            "poll",
            "--source",
            "play",
            "--no-classify",  # about crashes, not tags: no model training before the poll
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        partial = 0
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if db.exists():
                try:
                    with sa.create_engine(f"sqlite:///{db}").connect() as conn:
                        partial = conn.execute(sa.text("SELECT count(*) FROM item")).scalar_one()
                except sa.exc.OperationalError:
                    continue
                if partial >= 300:
                    break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 300 <= partial < 1500
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT cursor FROM source_account WHERE name='play'")
                ).scalar_one()
                is None
            )  # the cursor never moved

        running.sandbox.faults.clear()
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        with engine.connect() as conn:
            items = conn.execute(
                sa.text(
                    "SELECT count(*), count(DISTINCT external_id) FROM item "
                    "WHERE platform='google_play'"
                )
            ).one()
            received = conn.execute(
                sa.text("SELECT count(*) FROM event WHERE kind='received'")
            ).scalar_one()
            cursor = conn.execute(
                sa.text("SELECT cursor FROM source_account WHERE name='play'")
            ).scalar_one()
        assert tuple(items) == (1500, 1500)
        assert received == 1500  # no item received twice
        assert cursor is not None
