"""The outbox: replies are written here first (`queued`), checked, and sent later by the sender.

A queued reply waits out the undo window (`[outbox] undo_seconds`) before the sender may take
it, so it can still be cancelled or edited. Lint errors block queueing here, whoever calls:
the TUI, the CLI or a script.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.claims import held_message, holder, lock_item, refuse_if_answered
from inbox.compose import lint_rules
from inbox.config import Config
from inbox.db import session_scope, write_scope
from inbox.errors import ConflictError, InboxError, NotFoundError
from inbox.models import (
    Event,
    EventKind,
    Item,
    Reply,
    ReplyOrigin,
    ReplyState,
    utcnow,
)
from replies import LintRules, Problem, blocking, lint
from sources.base import Platform

Clock = Callable[[], datetime]
WEEK = timedelta(days=7)
# Replies that still belong to the tool's queue (not finished, not given up).
ACTIVE = (ReplyState.QUEUED, ReplyState.SENDING)


class LintBlocked(InboxError):
    """The reply has lint errors; nothing was queued."""

    title = "Reply not queued"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in blocking(self.problems)))


def body_key(item_id: int, revision: int, body: str, replaces: int | None = None) -> str:
    """The idempotency key: the same text for the same version of an item is one reply, so a
    double keypress or a re-run script cannot queue it twice."""
    raw = f"{item_id}|{revision}|{replaces or ''}|{' '.join(body.split())}"
    return "tool:" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]


@dataclass(frozen=True)
class LintContext:
    """What lint needs to know about the item a reply answers."""

    platform: str
    hidden: bool = False
    is_reply: bool = False
    times_posted_this_week: int = 0


@dataclass
class Outbox:
    """Queue, edit, cancel and retry replies for one agent (the sender posts them)."""

    engine: Engine
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow
    agent: str | None = None

    def __post_init__(self) -> None:
        if self.agent is None:
            self.agent = self.config.agent_name()

    # ----- lint ----------------------------------------------------------------------
    def rules(self) -> LintRules:
        return lint_rules(self.config)

    def _context(self, session: Session, item: Item, body: str) -> LintContext:
        extra = item.extra or {}
        week_ago = self.clock() - WEEK
        same = " ".join(body.split())
        recent = session.execute(
            sa.select(col(Reply.body))
            .join(Item, col(Item.id) == col(Reply.item_id))
            .where(
                col(Item.platform) == item.platform,
                col(Reply.origin) == ReplyOrigin.TOOL,
                col(Reply.state) == ReplyState.SENT,
                col(Reply.sent_at) >= week_ago,
            )
        ).scalars()
        return LintContext(
            platform=item.platform,
            hidden=bool(extra.get("hidden")),
            is_reply=extra.get("top_level") is False,
            times_posted_this_week=sum(1 for text in recent if " ".join(text.split()) == same),
        )

    def check(self, item_id: int, body: str) -> list[Problem]:
        """Lint `body` as a reply to the item (what the composer shows as you type)."""
        with Session(self.engine) as session:
            item = _item(session, item_id)
            return self._lint(self._context(session, item, body), body)

    def _lint(self, context: LintContext, body: str) -> list[Problem]:
        return lint(
            body,
            Platform(context.platform),
            self.rules(),
            comment_hidden=context.hidden,
            comment_is_reply=context.is_reply,
            times_posted_this_week=context.times_posted_this_week,
        )

    # ----- queueing ------------------------------------------------------------------
    def queue(
        self,
        item_id: int,
        body: str,
        *,
        template_id: str | None = None,
        template_hash: str | None = None,
        replaces: int | None = None,
    ) -> Reply:
        """Write the reply to the outbox, to be sent after the undo window. Refused when lint
        finds errors, when another reply to the item is already on its way, or while another
        agent holds the item."""
        now = self.clock()
        with write_scope(self.engine) as session:
            item = lock_item(session, item_id, self.agent, now)
            self._check_claim(item, now)
            problems = self._lint(self._context(session, item, body), body)
            if blocking(problems):
                raise LintBlocked(problems)
            pending = session.execute(
                sa.select(col(Reply.id)).where(
                    col(Reply.item_id) == item_id, col(Reply.state).in_(ACTIVE)
                )
            ).first()
            if pending is not None:
                raise ConflictError(
                    f"reply {pending[0]} to this item is already queued; edit or cancel it first"
                )
            refuse_if_answered(session, item, replaces)
            key = body_key(item_id, item.revision, body, replaces)
            reply = session.execute(
                sa.select(Reply).where(col(Reply.idempotency_key) == key)
            ).scalar_one_or_none()
            if reply is not None and reply.state not in (
                ReplyState.CANCELLED,
                ReplyState.FAILED,
                ReplyState.DRAFT,
            ):
                raise ConflictError(f"this text was already sent to this item (reply {reply.id})")
            if reply is None:
                reply = Reply(item_id=item_id, body=body, idempotency_key=key, created_at=now)
            reply.body = body
            reply.origin = ReplyOrigin.TOOL
            reply.template_id = template_id
            reply.template_hash = template_hash
            reply.state = ReplyState.QUEUED
            reply.agent = self.agent
            reply.queued_at = now
            reply.send_after = now + timedelta(seconds=self.config.outbox.undo_seconds)
            reply.last_error = None
            reply.attempts = 0
            reply.replaces_id = replaces
            session.add(reply)
            session.flush()
            self._event(
                session,
                item_id,
                EventKind.REPLY_QUEUED,
                {"reply_id": reply.id, "template_id": template_id, "replaces": replaces},
            )
            session.flush()
            session.expunge(reply)
            return reply

    def edit_sent(self, reply_id: int, body: str) -> Reply:
        """Queue a new text for a reply already on the platform (Play, App Store and Business
        Profile overwrite it; Instagram deletes it and posts the new one)."""
        with Session(self.engine) as session:
            old = session.get(Reply, reply_id)
            if old is None:
                raise NotFoundError(f"no reply with id {reply_id}")
            if old.state != ReplyState.SENT:
                raise ConflictError(
                    f"reply {reply_id} is {old.state}, not sent; edit it in the outbox instead"
                )
            item_id = old.item_id
        return self.queue(item_id, body, replaces=reply_id)

    def edit(self, reply_id: int, body: str) -> Reply:
        """Change a queued reply's text (lint again); its undo window starts over."""
        now = self.clock()
        with session_scope(self.engine) as session:
            reply = _reply(session, reply_id, lock=True)
            if reply.state != ReplyState.QUEUED:
                raise ConflictError(
                    f"reply {reply_id} is {reply.state}; only a queued reply can be edited"
                )
            item = _item(session, reply.item_id)
            problems = self._lint(self._context(session, item, body), body)
            if blocking(problems):
                raise LintBlocked(problems)
            previous = reply.body
            reply.body = body
            reply.send_after = now + timedelta(seconds=self.config.outbox.undo_seconds)
            session.add(reply)
            self._event(
                session,
                reply.item_id,
                EventKind.REPLY_QUEUED,
                {"reply_id": reply_id, "edited": True, "previous": previous},
            )
            session.flush()
            session.expunge(reply)
            return reply

    def cancel(self, reply_id: int) -> Reply:
        """Take a queued (or failed) reply out of the outbox: it will not be sent."""
        with session_scope(self.engine) as session:
            reply = _reply(session, reply_id, lock=True)
            if reply.state not in (ReplyState.QUEUED, ReplyState.FAILED, ReplyState.DRAFT):
                raise ConflictError(
                    f"reply {reply_id} is {reply.state} and can no longer be cancelled"
                )
            reply.state = ReplyState.CANCELLED
            session.add(reply)
            self._event(session, reply.item_id, EventKind.REPLY_CANCELLED, {"reply_id": reply_id})
            session.flush()
            session.expunge(reply)
            return reply

    def retry(self, reply_id: int) -> Reply:
        """Queue a failed reply again (after fixing what the platform refused, or later)."""
        now = self.clock()
        with session_scope(self.engine) as session:
            reply = _reply(session, reply_id, lock=True)
            if reply.state != ReplyState.FAILED:
                raise ConflictError(f"reply {reply_id} is {reply.state}, not failed")
            busy = session.execute(
                sa.select(col(Reply.id)).where(
                    col(Reply.item_id) == reply.item_id,
                    col(Reply.state).in_(ACTIVE),
                    col(Reply.id) != reply_id,
                )
            ).first()
            if busy is not None:
                raise ConflictError(f"reply {busy[0]} to this item is already queued")
            reply.state = ReplyState.QUEUED
            reply.send_after = now
            reply.attempts = 0
            session.add(reply)
            self._event(
                session,
                reply.item_id,
                EventKind.REPLY_QUEUED,
                {"reply_id": reply_id, "retry": True},
            )
            session.flush()
            session.expunge(reply)
            return reply

    # ----- reading -------------------------------------------------------------------
    def pending(self) -> list[Reply]:
        """Queued, sending and failed replies, oldest first (what `inbox send` has to do)."""
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(Reply)
                .where(col(Reply.state).in_((*ACTIVE, ReplyState.FAILED)))
                .order_by(col(Reply.queued_at), col(Reply.id))
            ).scalars()
            return list(rows)

    def counts(self) -> dict[str, int]:
        """Replies per outbox state, for the status bar."""
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Reply.state), sa.func.count())
                .where(col(Reply.origin) == ReplyOrigin.TOOL)
                .group_by(col(Reply.state))
            ).all()
        return {str(state): int(n) for state, n in rows}

    # ----- helpers -------------------------------------------------------------------
    def _check_claim(self, item: Item, now: datetime) -> None:
        if holder(item, self.agent, now):
            raise ConflictError(held_message(item))

    def _event(self, session: Session, item_id: int, kind: EventKind, data: dict[str, Any]) -> None:
        session.add(Event(item_id=item_id, kind=kind, actor=self.agent, at=self.clock(), data=data))


def _item(session: Session, item_id: int, *, lock: bool = False) -> Item:
    item = session.get(Item, item_id, with_for_update=lock)
    if item is None:
        raise NotFoundError(f"no item with id {item_id}")
    return item


def _reply(session: Session, reply_id: int, *, lock: bool = False) -> Reply:
    reply = session.get(Reply, reply_id, with_for_update=lock)
    if reply is None:
        raise NotFoundError(f"no reply with id {reply_id}")
    return reply
