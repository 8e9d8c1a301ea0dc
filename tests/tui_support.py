"""A small, fixed inbox for the TUI tests: every platform, an escalation, a replied item, a
source with an expired token and an item that tries markup and terminal-escape injection.

Times are fixed (NOW), so snapshots are the same on every run.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from inbox.config import Config
from inbox.db import session_scope
from inbox.ingest import ensure_account, ingest
from inbox.models import SourceAccount, Tag, TagOrigin
from inbox.service import InboxService
from inbox.tui.app import InboxApp, make_app
from inbox.tui.context import InboxContext
from sources.base import Platform, PlatformReply, Review

# A Wednesday, 15:30 in Asia/Kolkata: inside working hours.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
EVIL_BODY = (
    "[bold]not bold[/bold] [@click=app.quit]click me[/] "
    "\x1b]8;;https://evil.example/\x1b\\a link\x1b]8;;\x1b\\ \x1b[31mred?\x1b[0m\x07 done"
)
EVIL_AUTHOR = "[red]Mallory[/red] \x1b[2J"
EXPIRED = (
    "Credentials: Instagram token expired — create a new long-lived token in Meta Business "
    "Suite and put it in $INBOX_INSTAGRAM_TOKEN"
)


def review(
    platform: Platform,
    external_id: str,
    body: str,
    age: timedelta,
    *,
    rating: int | None = None,
    author: str = "Sneha",
    title: str | None = None,
    reply: str | None = None,
    **extra: object,
) -> Review:
    created = NOW - age
    return Review(
        platform=platform,
        external_id=external_id,
        body=body,
        raw={"id": external_id},
        created_at=created,
        updated_at=created,
        author=author,
        rating=rating,
        title=title,
        language="en",
        permalink=f"https://example.invalid/{external_id}",
        reply=PlatformReply(reply, created + timedelta(hours=2)) if reply else None,
        **extra,  # type: ignore[arg-type]
    )


ITEMS: dict[str, tuple[str, Platform, str | None, list[Review]]] = {
    "play": (
        "play",
        Platform.GOOGLE_PLAY,
        "Resello (Android)",
        [
            review(
                Platform.GOOGLE_PLAY,
                "gp-1",
                "Quote 14k tha, pickup pe 9k bola. Worst experience, never again",
                timedelta(days=6),  # breached on Monday
                rating=1,
                author="Rahul Sharma",
                app_version="5.6.0",
                device="Redmi Note 10",
            ),
            review(
                Platform.GOOGLE_PLAY,
                "gp-2",
                "Smooth pickup, money in 10 min. Recommended!",
                timedelta(hours=2),
                rating=5,
                author="Priya",
            ),
            review(
                Platform.GOOGLE_PLAY,
                "gp-3",
                "Good app, quick payment",
                timedelta(days=5),
                rating=4,
                author="Arjun",
                reply="Thank you Arjun!",
            ),
        ],
    ),
    "appstore": (
        "appstore",
        Platform.APP_STORE,
        "Resello (iOS)",
        [
            review(
                Platform.APP_STORE,
                "as-1",
                "Where is my money?? 5 days and customer care does not pick up. Fraud company",
                timedelta(hours=30),
                rating=1,
                author="Kavya",
                title="Payment stuck",
                territory="IND",
            ),
        ],
    ),
    "gbp-koramangala": (
        "gbp-koramangala",
        Platform.GBP,
        "Resello Store – Koramangala, Bengaluru",
        [
            review(
                Platform.GBP,
                "gbp-1",
                "Staff were helpful, whole thing took 20 minutes",
                timedelta(days=2, hours=5, minutes=30),  # Mon 10:00 IST: due today 19:00
                rating=4,
                author="Meera",
                location="Koramangala, Bengaluru",
            ),
        ],
    ),
    "instagram": (
        "instagram",
        Platform.INSTAGRAM,
        "@resello.in",
        [
            review(
                Platform.INSTAGRAM,
                "ig-1",
                "mera bhi same. 12 din ho gaye",
                timedelta(hours=1),
                author="vik.rant",
                parent_id="media-1",
                parent_text="Diwali offer: 10% extra on every phone you sell this week!",
                extra={"top_level": True},
            ),
            review(
                Platform.INSTAGRAM,
                "ig-2",
                EVIL_BODY,
                timedelta(minutes=30),
                author=EVIL_AUTHOR,
                extra={"top_level": True},
            ),
        ],
    ),
}


def build_inbox(engine: Engine) -> dict[str, int]:
    """Fill `engine` with the fixed inbox; returns item ids by external id."""
    for name, platform, display, records in ITEMS.values():
        with session_scope(engine) as session:
            account = ensure_account(session, name, platform, name, display)
            ingest(session, account, records, now=NOW - timedelta(minutes=5))
    with session_scope(engine) as session:
        ids = {
            ext: int(i) for i, ext in session.execute(sa.text("SELECT id, external_id FROM item"))
        }
        model_tags = {
            "gp-1": [("price_cut", 0.91), ("pickup", 0.55)],
            "gp-2": [("praise", 0.97), ("pickup", 0.62)],
            "as-1": [("payment", 0.94), ("trust_fraud", 0.71)],
            "gbp-1": [("praise", 0.8)],
            "ig-1": [("payment", 0.66)],
        }
        for ext, tags in model_tags.items():
            for theme, score in tags:
                session.add(
                    Tag(
                        item_id=ids[ext],
                        theme=theme,
                        score=score,
                        origin=TagOrigin.MODEL,
                        model_version="test",
                        created_at=NOW - timedelta(minutes=5),
                    )
                )
        session.execute(
            sa.update(SourceAccount).values(
                last_poll_at=NOW - timedelta(minutes=4), last_success_at=NOW - timedelta(minutes=4)
            )
        )
        session.execute(
            sa.update(SourceAccount)
            .where(SourceAccount.name == "instagram")  # type: ignore[arg-type]
            .values(last_error=EXPIRED, last_success_at=NOW - timedelta(days=2))
        )
    service = InboxService(engine, clock=lambda: NOW - timedelta(minutes=4), agent="classifier")
    service.escalate(
        ids["as-1"],
        ["rule fraud_allegation matched 'fraud company'", "model: money not received 0.91"],
        severity="high",
    )
    return ids


def config(**outbox: float) -> Config:
    return Config.model_validate(
        {
            "brand": {"name": "Resello", "support_email": "care@resello.in"},
            "working_hours": {"holiday_country": None},
            "outbox": {"undo_seconds": 30, **outbox},
        }
    )


class FakeExplainer:
    """Stands in for the classifier (training it takes minutes): fixed explanations."""

    calls = 0

    def explain(self, item: object, top: int = 6) -> dict[str, list[tuple[str, float]]]:
        FakeExplainer.calls += 1
        return {"price_cut": [("9k bola", 0.84), ("quote", 0.51)], "pickup": [("pickup", 0.4)]}


def app_for(
    engine: Engine,
    *,
    clock: object = None,
    cfg: Config | None = None,
    send_due: object = None,
) -> InboxApp:
    context = InboxContext(
        engine,
        cfg or config(),
        clock=clock or (lambda: NOW),  # type: ignore[arg-type]
        agent="tester",
        explainer_loader=FakeExplainer,
        send_due=send_due,  # type: ignore[arg-type]
    )
    return make_app(context, refresh_seconds=None, send_seconds=None)


async def settle(pilot: Pilot[None], delay: float = 0.0) -> None:
    """Let workers finish and their results reach the screen."""
    if delay:
        await pilot.pause(delay)
    idle = 0
    for _ in range(40):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if not w.is_finished]
        if not busy:
            # Twice in a row: a key's handler may start its worker a message or two later
            # (a dismissed screen's callback), which a loaded machine makes visible.
            idle += 1
            if idle == 2:
                break
            continue
        idle = 0
        with contextlib.suppress(WorkerCancelled):  # superseded by a newer one of its group
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()
