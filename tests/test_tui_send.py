"""A reply from the inbox window all the way to the platform: the demo data polled from the
sandbox, a template picked in the composer, the window's background sender posting it over a
real socket, the item leaving "Needs reply" and this week's SLA counting it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.widgets import TextArea
from tui_support import settle

from inbox.config import Config
from inbox.demo import RunningSandbox, start_sandbox
from inbox.models import Item
from inbox.poll import poll_all
from inbox.sender import ConfiguredSources, Sender
from inbox.tui.app import make_app
from inbox.tui.context import InboxContext
from inbox.tui.screens import ComposerScreen
from inbox.tui.widgets import QueueTable, StatusLine
from sources.http import RetryPolicy

pytestmark = pytest.mark.anyio
START = datetime.now(UTC).replace(microsecond=0)


def fast_policy() -> RetryPolicy:
    return RetryPolicy(attempts=2, base_seconds=0.01, max_backoff=0.02, sleep=lambda _s: None)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=START, folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


async def test_reply_goes_out_through_the_sandbox(
    sqlite_engine: Engine, running: RunningSandbox
) -> None:
    outcomes = poll_all(
        sqlite_engine, running.config, environ=running.environ, policy=fast_policy()
    )
    assert all(o.error is None for o in outcomes)
    data = running.config.model_dump(mode="json")
    data["outbox"] = {"undo_seconds": 0}
    data["brand"] = {"name": "Resello", "support_email": "care@resello.in"}
    config = Config.model_validate(data)
    sources = ConfiguredSources(running.config, environ=running.environ, policy=fast_policy())
    sender = Sender(sqlite_engine, sources, config)
    context = InboxContext(sqlite_engine, config, agent="tester", send_due=sender.run)
    app = make_app(context, refresh_seconds=None, send_seconds=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.inbox
            screen.action_view("platform:google_play")
            await settle(pilot)
            table = screen.query_one(QueueTable)
            target = table.selected_id
            assert target is not None
            # the most urgent Play review is already past its due time
            due_at = table.items[0].due_at
            assert due_at is not None and due_at < datetime.now(UTC)
            before = screen.service.week_sla()
            needs_before = screen.counts["needs"]
            await pilot.press("r")
            await settle(pilot)
            composer = app.screen
            assert isinstance(composer, ComposerScreen)
            await pilot.press("1")
            await settle(pilot, 0.35)
            text = composer.query_one(TextArea).text
            assert text.strip()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ComposerScreen)
            posts_before = sum(1 for r in running.sandbox.requests if ":reply" in r.path)
            screen.send_due()  # what the window's timer does every few seconds
            await settle(pilot)
            posts = [r for r in running.sandbox.requests if ":reply" in r.path]
            assert len(posts) == posts_before + 1
            with Session(sqlite_engine) as session:
                item = session.get(Item, target)
                assert item is not None and item.status == "replied"
            assert target not in [row.id for row in table.items]
            assert screen.counts["needs"] == needs_before - 1
            after = screen.service.week_sla()
            assert after.responded == before.responded + 1
            assert after.within_target == before.within_target  # answered, but late
            assert after.breached_open == before.breached_open - 1
            assert after.percent is not None
            status = screen.query_one(StatusLine).content.plain
            assert (
                f"SLA wk {after.percent:.0f}% ({after.within_target}/{after.responded})" in status
            )
            messages = [n.message for n in app._notifications]
            assert any("1 sent" in m for m in messages)
    finally:
        sources.close()
