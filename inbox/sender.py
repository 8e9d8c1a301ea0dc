"""The sender: posts queued replies through each platform's reply API, exactly once.

Every reply moves `queued → sending → sent | failed` in its own short transactions, with the
platform call in between, so a crash anywhere leaves one of three states the next run
finishes:

- `queued`: nothing was posted yet;
- `sending` older than the lease, or than `in_flight_seconds` when the sender was a process
  on this host that is gone: the sender died during the call. The reply may or may not be on
  the platform, so the next sender reads the platform's current reply first and treats a
  match as sent. A dead process's request can still be on its way (the platform answers it
  after the process died), hence the wait: reading the platform at once could miss a reply
  that lands a moment later, and post it twice;
- `queued` again after a timeout or outage (uncertain, like a crash): same check before the
  next attempt. A rate limit (certain: nothing was posted) just waits for `Retry-After`.

Two senders never take the same reply: taking it is one conditional UPDATE. While a sender
works on a reply it keeps the lease: right before it posts, and whenever its platform client
waits to retry (a long `Retry-After`), it renews `attempted_at` by the same conditional
UPDATE, and stops without posting if another sender has taken the reply meanwhile. So
`attempted_at` is never older than the last request the sender made, which is what the lease
and `in_flight_seconds` measure from.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import Config
from inbox.db import session_scope
from inbox.errors import ConfigError, InboxError
from inbox.models import (
    Event,
    EventKind,
    Item,
    ItemStatus,
    Reply,
    ReplyOrigin,
    ReplyState,
    SourceAccount,
    utcnow,
)
from inbox.poll import build_source
from replies import strip_html
from sources.base import Platform
from sources.errors import RateLimited, SourceError, Unavailable
from sources.http import RetryPolicy
from sources.source import ReplyReceipt, Source

Clock = Callable[[], datetime]
SourceFor = Callable[[str], Source]
SENDER = "sender"
SENDER_ID = f"{socket.gethostname()[:80]}:{os.getpid()}"
BACKOFF_CAP = 3600.0
# A reply the platform shows in one of these states is accepted (App Store: not yet live).
ACCEPTED_STATES = (None, "PUBLISHED", "PENDING_PUBLISH")


@dataclass
class SendReport:
    """What one pass of the sender did."""

    sent: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)  # already on the platform: not posted again
    retrying: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    skipped: int = 0  # taken by another sender
    held: int = 0  # left by a stopped sender, its request maybe still in flight: later

    def summary(self) -> str:
        parts = [
            f"{len(self.sent)} sent",
            f"{len(self.found)} found already posted",
            f"{len(self.retrying)} to retry",
            f"{len(self.failed)} failed",
        ]
        if self.held:
            parts.append(
                f"{self.held} held (its sender stopped mid-call; taken over once a request "
                "it sent can no longer arrive)"
            )
        return ", ".join(parts)


@dataclass(frozen=True)
class _Job:
    reply_id: int
    item_id: int
    body: str
    platform: str
    external_id: str
    account: str
    attempts: int  # including this one
    taken_at: datetime
    replaces_platform_id: str | None
    replaces_id: int | None
    queued_at: datetime | None
    extra: dict[str, Any]


class LeaseLost(Exception):
    """Another sender took the reply while this one waited to retry: this one posts nothing."""


@dataclass
class ConfiguredSources:
    """Sources built from `[[sources]]` on first use, one per account name, reused."""

    config: Config
    base_url: str | None = None
    environ: dict[str, str] | None = None
    policy: RetryPolicy | None = None
    _built: dict[str, Source] = field(default_factory=dict)

    def __call__(self, account: str) -> Source:
        if account not in self._built:
            cfg = self.config.source(account)
            if cfg is None:
                raise ConfigError(
                    f"no [[sources]] entry named {account!r}: replies to its items cannot be "
                    "sent (add the source to the config, with its credentials)"
                )
            source = build_source(
                cfg, base_url=self.base_url, policy=self.policy, environ=self.environ
            )
            if not source.can_reply:
                raise ConfigError(
                    f"source {account} reads a public feed, which cannot post replies; "
                    "configure its API access to reply from the inbox"
                )
            self._built[account] = source
        return self._built[account]

    def close(self) -> None:
        for source in self._built.values():
            close = getattr(source, "close", None)
            if close is not None:
                close()
        self._built.clear()


def same_text(shown: str, ours: str) -> bool:
    """Whether the platform's reply is ours: platforms strip HTML and trim spaces."""
    return " ".join(strip_html(shown).split()) == " ".join(strip_html(ours).split())


@dataclass
class Sender:
    engine: Engine
    sources: SourceFor
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep
    _holding: tuple[int, datetime] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.sources, ConfiguredSources) and self.sources.policy is None:
            # The platform clients wait between retries through `pause`: the lease holds.
            self.sources.policy = RetryPolicy(sleep=self.pause)

    def pause(self, seconds: float) -> None:
        """Wait before a platform client's next attempt, renewing the lease of the reply being
        sent every third of a lease and at the end (right before that attempt)."""
        left = seconds
        while True:
            step = min(left, self.config.outbox.lease_seconds / 3)
            if step > 0:
                self.sleep(step)
            left -= step
            self._renew()
            if left <= 0:
                return

    def due(self) -> list[int]:
        """Replies ready to go: queued past their undo window, or abandoned mid-send (the
        lease ran out, or the sender was a process on this host that is gone)."""
        return self._due()[0]

    def _due(self) -> tuple[list[int], int]:
        """The replies ready to go, and how many a stopped sender left that must wait."""
        now = self.clock()
        with Session(self.engine) as session:
            queued = session.execute(
                sa.select(col(Reply.id), col(Reply.send_after)).where(
                    col(Reply.origin) == ReplyOrigin.TOOL,
                    col(Reply.state) == ReplyState.QUEUED,
                    col(Reply.send_after) <= now,
                )
            ).all()
            sending = session.execute(
                sa.select(col(Reply.id), col(Reply.attempted_at), col(Reply.attempted_by)).where(
                    col(Reply.origin) == ReplyOrigin.TOOL,
                    col(Reply.state) == ReplyState.SENDING,
                )
            ).all()
        abandoned: list[tuple[datetime, int]] = []
        held = 0
        for row in sending:
            if self._abandoned(row.attempted_at, row.attempted_by, now):
                abandoned.append((row.attempted_at or now, row.id))
            elif sender_stopped(row.attempted_by):
                held += 1
        ready = sorted([(row.send_after or now, row.id) for row in queued] + abandoned)
        return [reply_id for _at, reply_id in ready], held

    def _abandoned(
        self, attempted_at: datetime | None, attempted_by: str | None, now: datetime
    ) -> bool:
        """Whether a `sending` reply's sender is gone and nothing it sent can still land:
        its lease ran out, or it was a process on this host that has stopped and its
        requests' time in flight is over."""
        if attempted_at is None:
            return True
        outbox = self.config.outbox
        if attempted_at < now - timedelta(seconds=outbox.lease_seconds):
            return True
        in_flight_over = attempted_at < now - timedelta(seconds=outbox.in_flight_seconds)
        return in_flight_over and sender_stopped(attempted_by)

    def run(self, reply_ids: Iterable[int] | None = None) -> SendReport:
        report = SendReport()
        if reply_ids is None:
            reply_ids, report.held = self._due()
        for reply_id in reply_ids:
            self.send_one(reply_id, report)
        return report

    # ----- one reply -----------------------------------------------------------------
    def send_one(self, reply_id: int, report: SendReport) -> None:
        job = self._take(reply_id)
        if job is None:
            report.skipped += 1
            return
        self._holding = (job.reply_id, job.taken_at)
        try:
            self._send(job, report)
        except LeaseLost:
            report.skipped += 1
        finally:
            self._holding = None

    def _send(self, job: _Job, report: SendReport) -> None:
        try:
            source = self.sources(job.account)
        except (InboxError, SourceError) as exc:
            self._fail(job, str(exc), report)
            return
        conflict = self._answered_elsewhere(job)
        if conflict:
            self._fail(job, conflict, report)
            return
        try:
            if job.attempts > 1 or job.replaces_id:
                shown = self._shown(source, job)
                if shown is not None:
                    self._sent(job, shown, report, found=True)
                    return
            if job.platform == Platform.INSTAGRAM and job.replaces_platform_id:
                cast(Any, source).delete_reply(job.replaces_platform_id)
            self._renew()  # the time in flight starts now
            receipt = self._post(source, job)
        except RateLimited as exc:
            self._later(job, str(exc), exc.retry_after, report)
            return
        except Unavailable as exc:
            self._later(job, str(exc), None, report)
            return
        except SourceError as exc:
            if exc.retryable:
                self._later(job, str(exc), None, report)
            else:
                self._fail(job, str(exc), report)
            return
        self._sent(job, receipt, report, found=False)

    def _post(self, source: Source, job: _Job) -> ReplyReceipt:
        if job.platform == Platform.INSTAGRAM:
            # A fresh sender has not read the comment: say what the item knows of it.
            receipt: ReplyReceipt = cast(Any, source).reply(
                job.external_id,
                job.body,
                hidden=bool(job.extra.get("hidden")),
                top_level=job.extra.get("top_level", True) is not False,
            )
            return receipt
        return source.reply(job.external_id, job.body)

    def _shown(self, source: Source, job: _Job) -> ReplyReceipt | None:
        """The platform's reply, as a receipt, when it is ours; None when ours is not there."""
        current = source.get_reply(job.external_id)
        if current is None or not same_text(current.text, job.body):
            return None
        if current.state not in ACCEPTED_STATES:
            return None
        return ReplyReceipt(
            external_id=job.external_id,
            text=current.text,
            reply_id=current.external_id,
            state=current.state,
            replied_at=current.replied_at,
        )

    # ----- state changes (each its own transaction) ----------------------------------
    def _take(self, reply_id: int) -> _Job | None:
        now = self.clock()
        with session_scope(self.engine) as session:
            current = session.execute(
                sa.select(col(Reply.state), col(Reply.attempted_at), col(Reply.attempted_by)).where(
                    col(Reply.id) == reply_id
                )
            ).first()
            if current is None:
                return None
            state, attempted_at, attempted_by = current
            if state == ReplyState.QUEUED:
                free = sa.and_(col(Reply.state) == ReplyState.QUEUED, col(Reply.send_after) <= now)
            elif state == ReplyState.SENDING and self._abandoned(attempted_at, attempted_by, now):
                # Compare and swap: only if nobody took it since we looked.
                free = sa.and_(
                    col(Reply.state) == ReplyState.SENDING,
                    col(Reply.attempted_at) == attempted_at
                    if attempted_at is not None
                    else col(Reply.attempted_at).is_(None),
                )
            else:
                return None
            taken = session.execute(
                sa.update(Reply)
                .where(col(Reply.id) == reply_id, free)
                .values(
                    state=ReplyState.SENDING,
                    attempted_at=now,
                    attempted_by=SENDER_ID,
                    attempts=col(Reply.attempts) + 1,
                )
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            reply = session.get(Reply, reply_id)
            assert reply is not None
            item = session.get(Item, reply.item_id)
            assert item is not None
            account = session.get(SourceAccount, item.account_id)
            assert account is not None
            old = session.get(Reply, reply.replaces_id) if reply.replaces_id else None
            return _Job(
                reply_id=reply_id,
                item_id=item.id or 0,
                body=reply.body,
                platform=item.platform,
                external_id=item.external_id,
                account=account.name,
                attempts=reply.attempts,
                taken_at=now,
                replaces_platform_id=old.platform_reply_id if old else None,
                replaces_id=reply.replaces_id,
                queued_at=reply.queued_at,
                extra=dict(item.extra or {}),
            )

    def _renew(self) -> None:
        """Move the held reply's `attempted_at` to now, if it is still ours (LeaseLost if not)."""
        if self._holding is None:
            return
        reply_id, taken_at = self._holding
        now = self.clock()
        with session_scope(self.engine) as session:
            renewed = session.execute(
                sa.update(Reply)
                .where(
                    col(Reply.id) == reply_id,
                    col(Reply.state) == ReplyState.SENDING,
                    col(Reply.attempted_at) == taken_at,
                )
                .values(attempted_at=now)
            )
            if renewed.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost(f"reply {reply_id} was taken by another sender")
        self._holding = (reply_id, now)

    def _answered_elsewhere(self, job: _Job) -> str | None:
        """A reply made on the platform (seen by a poll) after ours was queued: posting would
        overwrite a colleague's answer, so a person decides."""
        if job.replaces_id or job.queued_at is None:
            return None
        with Session(self.engine) as session:
            others = session.execute(
                sa.select(col(Reply.body)).where(
                    col(Reply.item_id) == job.item_id,
                    col(Reply.origin) == ReplyOrigin.PLATFORM,
                    col(Reply.created_at) >= job.queued_at,
                )
            ).scalars()
            if all(same_text(body, job.body) for body in others):
                return None
        return (
            "someone replied on the platform after this reply was queued; read their reply, "
            "then retry or cancel this one"
        )

    def _sent(self, job: _Job, receipt: ReplyReceipt, report: SendReport, *, found: bool) -> None:
        now = self.clock()
        at = receipt.replied_at or now
        published = at if receipt.state in (None, "PUBLISHED") else None
        with session_scope(self.engine) as session:
            session.execute(
                sa.update(Reply)
                .where(col(Reply.id) == job.reply_id)
                .values(
                    state=ReplyState.SENT,
                    sent_at=at,
                    published_at=published,
                    platform_reply_id=receipt.reply_id,
                    platform_state=receipt.state,
                    last_error=None,
                )
            )
            if job.replaces_id:
                session.execute(
                    sa.update(Reply)
                    .where(col(Reply.id) == job.replaces_id)
                    .values(state=ReplyState.REPLACED)
                )
            item = session.get(Item, job.item_id, with_for_update=True)
            assert item is not None
            if item.status in (ItemStatus.NEW, ItemStatus.OPEN, ItemStatus.ESCALATED):
                item.status = ItemStatus.REPLIED
            item.version += 1
            session.add(item)
            kind = EventKind.REPLY_EDITED if job.replaces_id else EventKind.REPLIED
            data = {
                "reply_id": job.reply_id,
                "origin": ReplyOrigin.TOOL,
                "platform_state": receipt.state,
                "found_on_platform": found,
                "attempts": job.attempts,
            }
            session.add(Event(item_id=job.item_id, kind=kind, actor=SENDER, at=at, data=data))
        (report.found if found else report.sent).append(job.reply_id)

    def _later(self, job: _Job, error: str, retry_after: float | None, report: SendReport) -> None:
        if job.attempts >= self.config.outbox.max_attempts:
            self._fail(job, f"{error} (gave up after {job.attempts} attempts)", report)
            return
        wait = retry_after
        if wait is None:
            base = self.config.outbox.retry_base_seconds
            ceiling = min(BACKOFF_CAP, base * 2 ** (job.attempts - 1))
            wait = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        with session_scope(self.engine) as session:
            session.execute(
                sa.update(Reply)
                .where(col(Reply.id) == job.reply_id)
                .values(
                    state=ReplyState.QUEUED,
                    send_after=self.clock() + timedelta(seconds=wait),
                    last_error=error,
                )
            )
        report.retrying.append(job.reply_id)

    def _fail(self, job: _Job, error: str, report: SendReport) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                sa.update(Reply)
                .where(col(Reply.id) == job.reply_id)
                .values(state=ReplyState.FAILED, last_error=error)
            )
            session.add(
                Event(
                    item_id=job.item_id,
                    kind=EventKind.REPLY_FAILED,
                    actor=SENDER,
                    at=self.clock(),
                    data={"reply_id": job.reply_id, "error": error},
                )
            )
        report.failed.append((job.reply_id, error))


def sender_stopped(attempted_by: str | None) -> bool:
    """Whether the sender that took a reply (host:pid) was a process on this host that no
    longer runs (then its reply waits `in_flight_seconds`, not the whole lease)."""
    if not attempted_by or ":" not in attempted_by:
        return False
    host, _, pid_text = attempted_by.rpartition(":")
    if host != socket.gethostname()[:80] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
