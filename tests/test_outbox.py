"""The outbox and the sender, against the sandbox over real sockets: undo window, lint,
retries, timeouts and crashes that must never post a reply twice, edits of sent replies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import Config
from inbox.demo import RunningSandbox, start_sandbox
from inbox.errors import ConflictError
from inbox.models import Event, EventKind, Item, ItemStatus, Reply, ReplyOrigin, ReplyState
from inbox.outbox import LintBlocked, Outbox
from inbox.poll import poll_all
from inbox.sender import ConfiguredSources, Sender, SendReport
from sources.http import RetryPolicy
from sources.sandbox import Fault

START = datetime.now(UTC).replace(microsecond=0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def fast_policy() -> RetryPolicy:
    return RetryPolicy(attempts=2, base_seconds=0.01, max_backoff=0.02, sleep=lambda _s: None)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=START, folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


@pytest.fixture
def polled(sqlite_engine: Engine, running: RunningSandbox) -> Engine:
    outcomes = poll_all(
        sqlite_engine, running.config, environ=running.environ, policy=fast_policy()
    )
    assert all(o.error is None for o in outcomes)
    return sqlite_engine


@pytest.fixture
def clock() -> Clock:
    # Real time at the start: polls stamp what they find with the real clock.
    return Clock(datetime.now(UTC))


@pytest.fixture
def sources(running: RunningSandbox) -> Iterator[ConfiguredSources]:
    built = ConfiguredSources(running.config, environ=running.environ, policy=fast_policy())
    yield built
    built.close()


def config_for(running: RunningSandbox, **outbox: float) -> Config:
    data = running.config.model_dump(mode="json")
    data["outbox"] = {"undo_seconds": 30, **outbox}
    data["brand"] = {"name": "Resello", "support_email": "care@resello.in"}
    return Config.model_validate(data)


def unanswered(engine: Engine, platform: str, n: int = 1) -> list[Item]:
    with Session(engine) as s:
        rows = s.execute(
            sa.select(Item)
            .where(col(Item.platform) == platform, col(Item.status) == ItemStatus.NEW)
            .order_by(col(Item.id))
        ).scalars()
        found = [
            item
            for item in rows
            if platform != "instagram"
            or ((item.extra or {}).get("top_level") and not (item.extra or {}).get("hidden"))
        ]
    assert len(found) >= n, platform
    return found[:n]


def reply_row(engine: Engine, reply_id: int) -> Reply:
    with Session(engine) as s:
        reply = s.get(Reply, reply_id)
        assert reply is not None
        return reply


def item_row(engine: Engine, item_id: int) -> Item:
    with Session(engine) as s:
        item = s.get(Item, item_id)
        assert item is not None
        return item


def posts(running: RunningSandbox, fragment: str) -> int:
    return sum(
        1 for r in running.sandbox.requests if r.method in ("POST", "PUT") and fragment in r.path
    )


REPLY_PATH = {
    "google_play": ":reply",
    "app_store": "customerReviewResponses",
    "gbp": "/reply",
    "instagram": "/replies",
}


@pytest.mark.parametrize("platform", ["google_play", "app_store", "gbp", "instagram"])
def test_queue_wait_out_the_undo_window_then_send(
    polled: Engine,
    running: RunningSandbox,
    sources: ConfiguredSources,
    clock: Clock,
    platform: str,
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock, agent="asha")
    sender = Sender(polled, sources, config, clock=clock)
    item = unanswered(polled, platform)[0]
    assert item.id is not None
    text = "Thanks for telling us. We have asked the team to look into it today. – Asha"
    reply = outbox.queue(item.id, text, template_id="thanks-generic", template_hash="ab" * 32)
    assert reply.state == ReplyState.QUEUED
    assert reply.send_after == clock.now + timedelta(seconds=30)

    assert sender.run().sent == []  # still inside the undo window
    assert running.sandbox.reply_of(platform, item.external_id) != text

    clock.advance(31)
    report = sender.run()
    assert report.sent == [reply.id], report
    assert running.sandbox.reply_of(platform, item.external_id) == text
    assert posts(running, REPLY_PATH[platform]) == 1
    stored = reply_row(polled, reply.id or 0)
    assert stored.state == ReplyState.SENT
    assert stored.sent_at is not None and stored.attempts == 1
    assert stored.agent == "asha" and stored.template_id == "thanks-generic"
    if platform == "app_store":
        assert stored.platform_state == "PENDING_PUBLISH" and stored.published_at is None
        # Apple publishes it; the next poll records when (the SLA may stop the clock then).
        running.sandbox.publish_app_store_responses()
    assert item_row(polled, item.id).status == ItemStatus.REPLIED
    with Session(polled) as s:
        kinds = [
            e.kind
            for e in s.execute(
                sa.select(Event).where(col(Event.item_id) == item.id).order_by(col(Event.id))
            ).scalars()
        ]
    assert kinds[-2:] == [EventKind.REPLY_QUEUED, EventKind.REPLIED]

    # A later poll sees the reply on the platform and does not record it a second time.
    poll_all(polled, running.config, environ=running.environ, policy=fast_policy())
    with Session(polled) as s:
        rows = s.execute(sa.select(Reply).where(col(Reply.item_id) == item.id)).scalars().all()
    assert [(r.origin, r.state) for r in rows] == [(ReplyOrigin.TOOL, ReplyState.SENT)]
    if platform == "app_store":
        assert rows[0].platform_state == "PUBLISHED" and rows[0].published_at is not None
    assert sender.run() == SendReport()  # nothing left to do


def test_cancel_and_edit_inside_the_undo_window(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock, agent="asha")
    sender = Sender(polled, sources, config, clock=clock)
    first, second = unanswered(polled, "google_play", 2)
    cancelled = outbox.queue(first.id or 0, "Sorry about this, we are checking.")
    outbox.cancel(cancelled.id or 0)
    edited = outbox.queue(second.id or 0, "Sorry about the delay, we are checking.")
    clock.advance(20)
    outbox.edit(edited.id or 0, "Sorry about the delay. Your payout is being checked today.")
    clock.advance(20)  # 40 s after queueing, but only 20 s after the edit
    assert sender.run().sent == []
    clock.advance(11)
    assert sender.run().sent == [edited.id]
    assert running.sandbox.reply_of("google_play", first.external_id) is None
    assert running.sandbox.reply_of("google_play", second.external_id) == (
        "Sorry about the delay. Your payout is being checked today."
    )
    with pytest.raises(ConflictError, match="can no longer be cancelled"):
        outbox.cancel(edited.id or 0)


def test_lint_errors_block_queueing_and_nothing_is_stored(
    polled: Engine, running: RunningSandbox, clock: Clock
) -> None:
    outbox = Outbox(polled, config_for(running), clock=clock)
    item = unanswered(polled, "google_play")[0]
    with pytest.raises(LintBlocked) as too_long:
        outbox.queue(item.id or 0, "We are sorry. " * 30)
    assert any(p.code for p in too_long.value.problems)
    assert "350" in str(too_long.value)
    with pytest.raises(LintBlocked):
        outbox.queue(item.id or 0, "   ")
    with pytest.raises(LintBlocked):
        outbox.queue(item.id or 0, "Hi {{ first_name }}, thanks!")
    with Session(polled) as s:
        assert (
            s.execute(
                sa.select(sa.func.count())
                .select_from(Reply)
                .where(col(Reply.origin) == ReplyOrigin.TOOL)
            ).scalar_one()
            == 0
        )
    # A second reply to the same item while one is queued is refused, not stacked.
    outbox.queue(item.id or 0, "Thanks, we are on it.")
    with pytest.raises(ConflictError, match="already queued"):
        outbox.queue(item.id or 0, "Thanks, we are on it.")


def test_rate_limit_waits_for_retry_after_then_sends(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    sender = Sender(polled, sources, config, clock=clock)
    item = unanswered(polled, "gbp")[0]
    reply = outbox.queue(item.id or 0, "Thank you for visiting our store.")
    clock.advance(31)
    running.sandbox.faults.add(
        Fault("429", count=2, path_contains="/reply", method="PUT", retry_after=120)
    )
    report = sender.run()
    assert report.retrying == [reply.id]
    waiting = reply_row(polled, reply.id or 0)
    assert waiting.state == ReplyState.QUEUED
    assert waiting.send_after == clock.now + timedelta(seconds=120)
    assert waiting.last_error and "rate" in waiting.last_error.lower()
    clock.advance(60)
    assert sender.run() == SendReport()  # Retry-After not over yet
    clock.advance(61)
    assert sender.run().sent == [reply.id]
    assert running.sandbox.reply_of("gbp", item.external_id) == "Thank you for visiting our store."


def test_timeout_after_instagram_accepted_the_post_is_not_posted_again(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    sender = Sender(polled, sources, config, clock=clock)
    item = unanswered(polled, "instagram")[0]
    text = "Thank you! DM us your order id and we will check it right away."
    reply = outbox.queue(item.id or 0, text)
    clock.advance(31)
    instagram = sources("instagram")
    instagram._client.timeout = httpx.Timeout(0.2)  # type: ignore[attr-defined]
    # Instagram takes the reply, but answers after the client gave up.
    running.sandbox.faults.add(
        Fault("timeout", count=1, path_contains="/replies", method="POST", seconds=0.6)
    )
    first = sender.run()
    assert first.retrying == [reply.id], first
    deadline = time.monotonic() + 5
    while running.sandbox.reply_of("instagram", item.external_id) != text:
        assert time.monotonic() < deadline, "the sandbox never took the reply"
        time.sleep(0.05)
    assert posts(running, "/replies") == 1  # posted once, and not retried blindly
    instagram._client.timeout = httpx.Timeout(5.0)  # type: ignore[attr-defined]
    clock.advance(3600)
    second = sender.run()
    assert second.found == [reply.id] and second.sent == []
    assert posts(running, "/replies") == 1  # read, not posted a second time
    assert running.sandbox.reply_of("instagram", item.external_id) == text
    stored = reply_row(polled, reply.id or 0)
    assert stored.state == ReplyState.SENT and stored.attempts == 2


def test_sender_that_died_mid_call_is_finished_by_the_next_one(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    """The reply reached the platform, then the sender died before writing `sent`."""
    config = config_for(running, lease_seconds=120)
    outbox = Outbox(polled, config, clock=clock)
    posted, lost = unanswered(polled, "instagram", 2)
    on_platform = outbox.queue(posted.id or 0, "We have passed this to our pickup team.")
    never_sent = outbox.queue(lost.id or 0, "Sorry! Our team will call you today.")
    clock.advance(31)
    with Session(polled) as s:  # what a killed sender leaves behind
        s.execute(
            sa.update(Reply)
            .where(col(Reply.id).in_([on_platform.id, never_sent.id]))
            .values(state=ReplyState.SENDING, attempted_at=clock.now, attempts=1)
        )
        s.commit()
    sources("instagram").reply(posted.external_id, "We have passed this to our pickup team.")
    before = posts(running, "/replies")
    sender = Sender(polled, sources, config, clock=clock)
    assert sender.run() == SendReport()  # the lease is still running: maybe still in flight
    clock.advance(121)
    report = sender.run()
    assert report.found == [on_platform.id]
    assert report.sent == [never_sent.id]
    assert posts(running, "/replies") == before + 1  # only the one that never got there


def stopped_process() -> int:
    """The pid of a process that has ended (as a killed sender's is)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_stopped_sender_is_taken_over_once_its_request_can_no_longer_land(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    """A killed process's POST may reach the platform after it died: the next sender waits
    out the time in flight, not the whole lease, then reads the platform first. A live
    process's reply waits for the lease."""
    config = config_for(running, lease_seconds=600, in_flight_seconds=60)
    outbox = Outbox(polled, config, clock=clock)
    killed, alive = unanswered(polled, "instagram", 2)
    text = "We have passed this to our pickup team."
    by_killed = outbox.queue(killed.id or 0, text)
    by_alive = outbox.queue(alive.id or 0, "Sorry! Our team will call you today.")
    clock.advance(31)
    host = socket.gethostname()[:80]
    with Session(polled) as s:
        for reply, pid in ((by_killed, stopped_process()), (by_alive, os.getppid())):
            s.execute(
                sa.update(Reply)
                .where(col(Reply.id) == reply.id)
                .values(
                    state=ReplyState.SENDING,
                    attempted_at=clock.now,
                    attempted_by=f"{host}:{pid}",
                    attempts=1,
                )
            )
        s.commit()
    sender = Sender(polled, sources, config, clock=clock)
    held = sender.run()
    assert held == SendReport(held=1)  # the killed one's POST may still be on its way
    assert "1 held" in held.summary()
    sources("instagram").reply(killed.external_id, text)  # … and it lands, a moment late
    before = posts(running, "/replies")
    clock.advance(61)
    report = sender.run()
    assert report.found == [by_killed.id] and report.sent == [] and report.held == 0
    assert posts(running, "/replies") == before  # read, not posted again
    assert reply_row(polled, by_alive.id or 0).state == ReplyState.SENDING  # its lease runs
    clock.advance(600)
    assert sender.run().sent == [by_alive.id]


def send_through_a_rate_limit(
    engine: Engine,
    running: RunningSandbox,
    config: Config,
    clock: Clock,
    platform: str,
    retry_after: int,
    wait: Callable[[float], None],
) -> SendReport:
    """One pass of a sender whose first reply POST meets a 429 with `Retry-After`: its
    platform client waits through the sender's `pause`, which sleeps with `wait`."""
    sources = ConfiguredSources(running.config, environ=running.environ)
    sender = Sender(engine, sources, config, clock=clock, sleep=wait)
    running.sandbox.faults.add(
        Fault("429", count=1, path_contains=REPLY_PATH[platform], retry_after=retry_after)
    )
    try:
        return sender.run()
    finally:
        sources.close()


def test_a_sender_waiting_out_a_rate_limit_keeps_its_lease(
    polled: Engine, running: RunningSandbox, clock: Clock
) -> None:
    """The platform asks for 100 s, four leases: the sender's client waits through `pause`,
    which renews the lease, so a colleague's sender never takes the reply over (it would
    find nothing on the platform yet and post it a second time)."""
    config = config_for(running, lease_seconds=30)
    [item] = unanswered(polled, "google_play")
    reply = Outbox(polled, config, clock=clock).queue(item.id or 0, "Thanks, pickup is fixed.")
    clock.advance(31)
    colleague_sources = ConfiguredSources(
        running.config, environ=running.environ, policy=fast_policy()
    )
    colleague = Sender(polled, colleague_sources, config, clock=clock)
    seen: list[SendReport] = []

    def wait(seconds: float) -> None:  # the colleague works while this sender waits
        clock.advance(seconds)
        seen.append(colleague.run())

    try:
        report = send_through_a_rate_limit(polled, running, config, clock, "google_play", 100, wait)
    finally:
        colleague_sources.close()
    assert report.sent == [reply.id]
    assert len(seen) == 10 and all(r == SendReport() for r in seen)  # never due to them
    assert posts(running, REPLY_PATH["google_play"]) == 2  # the 429, then the one accepted
    accepted = [
        r
        for r in running.sandbox.requests
        if REPLY_PATH["google_play"] in r.path and 200 <= r.status < 300
    ]
    assert len(accepted) == 1


def test_a_sender_whose_reply_was_taken_while_it_waited_posts_nothing(
    polled: Engine, running: RunningSandbox, clock: Clock
) -> None:
    config = config_for(running, lease_seconds=30)
    [item] = unanswered(polled, "gbp")
    reply = Outbox(polled, config, clock=clock).queue(item.id or 0, "Thank you for visiting!")
    clock.advance(31)

    def wait(seconds: float) -> None:  # meanwhile another host's sender took it
        clock.advance(seconds)
        with Session(polled) as s:
            s.execute(
                sa.update(Reply)
                .where(col(Reply.id) == reply.id)
                .values(attempted_at=clock.now, attempted_by="other-host:1")
            )
            s.commit()

    report = send_through_a_rate_limit(polled, running, config, clock, "gbp", 5, wait)
    assert report == SendReport(skipped=1)
    assert posts(running, REPLY_PATH["gbp"]) == 1  # the 429 only
    left = reply_row(polled, reply.id or 0)
    assert left.state == ReplyState.SENDING and left.attempted_by == "other-host:1"


def test_refused_credentials_fail_visibly_and_can_be_retried(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    sender = Sender(polled, sources, config, clock=clock)
    item = unanswered(polled, "app_store")[0]
    reply = outbox.queue(item.id or 0, "Thanks for the detailed review!")
    clock.advance(31)
    running.sandbox.faults.add(Fault("401", count=10, path_contains="customerReviewResponses"))
    report = sender.run()
    assert [r for r, _ in report.failed] == [reply.id]
    failed = reply_row(polled, reply.id or 0)
    assert failed.state == ReplyState.FAILED
    assert failed.last_error and "credentials" in failed.last_error
    assert item_row(polled, item.id or 0).status == ItemStatus.NEW  # still needs a reply
    running.sandbox.faults.clear()
    outbox.retry(reply.id or 0)
    assert sender.run().sent == [reply.id]


def test_editing_a_sent_reply_overwrites_or_reposts(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    sender = Sender(polled, sources, config, clock=clock)
    play = unanswered(polled, "google_play")[0]
    insta = unanswered(polled, "instagram")[0]
    first = [outbox.queue(i.id or 0, "Thanks, we are checking.") for i in (play, insta)]
    clock.advance(31)
    assert sorted(sender.run().sent) == sorted(r.id for r in first)
    edits = [outbox.edit_sent(r.id or 0, "Update: your payout was sent today.") for r in first]
    clock.advance(31)
    assert sorted(sender.run().sent) == sorted(r.id for r in edits)
    assert running.sandbox.reply_of("google_play", play.external_id) == (
        "Update: your payout was sent today."
    )
    own = running.sandbox.data.instagram.own_replies(insta.external_id)
    assert [r["text"] for r in own] == ["Update: your payout was sent today."]  # old one deleted
    assert {reply_row(polled, r.id or 0).state for r in first} == {ReplyState.REPLACED}
    with Session(polled) as s:
        edited = s.execute(
            sa.select(sa.func.count())
            .select_from(Event)
            .where(col(Event.kind) == EventKind.REPLY_EDITED)
        ).scalar_one()
    assert edited == 2


def test_a_reply_made_on_the_platform_meanwhile_is_not_overwritten(
    polled: Engine, running: RunningSandbox, sources: ConfiguredSources, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    item = unanswered(polled, "gbp")[0]
    reply = outbox.queue(item.id or 0, "Thank you for your feedback.")
    sources("gbp-koramangala")  # build early; the colleague replies in the GBP dashboard:
    account = item_account(polled, item)
    sources(account).reply(item.external_id, "Hi, this is Ravi from the store. Please call us.")
    poll_all(polled, running.config, environ=running.environ, policy=fast_policy())
    clock.advance(31)
    report = Sender(polled, sources, config, clock=clock).run()
    assert [r for r, _ in report.failed] == [reply.id]
    assert "someone replied on the platform" in report.failed[0][1]
    assert running.sandbox.reply_of("gbp", item.external_id) == (
        "Hi, this is Ravi from the store. Please call us."
    )


def item_account(engine: Engine, item: Item) -> str:
    from inbox.models import SourceAccount

    with Session(engine) as s:
        account = s.get(SourceAccount, item.account_id)
        assert account is not None
        return account.name


def test_two_senders_at_once_post_each_reply_once(
    polled: Engine, running: RunningSandbox, clock: Clock
) -> None:
    config = config_for(running)
    outbox = Outbox(polled, config, clock=clock)
    items = unanswered(polled, "instagram", 6)
    queued = [outbox.queue(i.id or 0, f"Thanks {n}, we will DM you.") for n, i in enumerate(items)]
    clock.advance(31)
    reports: list[SendReport] = []

    def work() -> None:
        own = ConfiguredSources(running.config, environ=running.environ, policy=fast_policy())
        try:
            reports.append(Sender(polled, own, config, clock=clock).run())
        finally:
            own.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = sorted(r for report in reports for r in report.sent)
    assert sent == sorted(q.id for q in queued)
    assert posts(running, "/replies") == len(queued)
