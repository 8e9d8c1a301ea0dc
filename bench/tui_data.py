"""A large inbox for the TUI benchmark: N items on four platforms, tagged and partly answered.

Items go through the real ingest path (batched upserts, platform replies, events); tags and
escalations, which the classifier would write, are bulk-inserted so that building 100,000
items takes seconds rather than a classifier run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.db import create_db_engine, session_scope, upgrade
from inbox.ingest import ensure_account, ingest
from inbox.models import Escalation, Tag, TagOrigin
from inbox.textindex import catch_up
from sources.base import Platform, PlatformReply, Review

BODIES = (
    "Quote 14k tha, pickup pe 9k bola. Worst experience, never again",
    "Smooth pickup, money in 10 min. Recommended!",
    "पेमेंट अभी तक नहीं आया, 5 दिन हो गए",
    "App crashes after OTP on my Redmi Note 10, tried reinstalling twice",
    "Executive came on time and was polite. Got the price shown in the app",
    "Where is my money?? 3 days and no update, customer care not picking up",
    "Price keeps changing every time I open the app, very confusing",
    "Store staff at Koramangala were helpful, whole thing took 20 minutes",
    "Login OTP never arrives on Jio, stuck on the verify screen",
    "This is a scam, they cut 3000 saying scratches that were not there",
    "Please add an option to pick up on Sundays",
    "Good service but the inspection took too long",
    "bhai paisa kab aayega?? order RS-204411",
    "Support chat just loops the same bot answers, no human to talk to",
    "Nice app 👍",
)
THEMES = (
    "price_quote",
    "price_cut",
    "pickup",
    "payment",
    "app_bug",
    "login_otp",
    "support",
    "trust_fraud",
    "praise",
    "feature_request",
)
ACCOUNTS = (
    ("play", Platform.GOOGLE_PLAY, "in.resello.app", "Resello (Android)"),
    ("appstore", Platform.APP_STORE, "1589034512", "Resello (iOS)"),
    ("gbp-koramangala", Platform.GBP, "accounts/1/locations/4501", "Resello – Koramangala"),
    ("gbp-andheri", Platform.GBP, "accounts/1/locations/4502", "Resello – Andheri West"),
    ("instagram", Platform.INSTAGRAM, "17841400000000001", "@resello.in"),
)
SHARES = (0.4, 0.25, 0.1, 0.1, 0.15)
BATCH = 5000


def records(
    platform: Platform, prefix: str, n: int, now: datetime, rng: random.Random
) -> list[Review]:
    out = []
    for i in range(n):
        created = now - timedelta(seconds=rng.uniform(60, 120 * 86400))
        body = f"{rng.choice(BODIES)} ({prefix} {i})"
        replied = rng.random() < 0.6 and created < now - timedelta(hours=6)
        reply = (
            PlatformReply(
                text="Thank you for the feedback, we are looking into it.",
                replied_at=created + timedelta(hours=rng.uniform(1, 60)),
            )
            if replied
            else None
        )
        out.append(
            Review(
                platform=platform,
                external_id=f"{prefix}-{i:07d}",
                body=body,
                raw={"id": i},
                created_at=created,
                updated_at=created,
                author=f"User {i}",
                rating=None if platform is Platform.INSTAGRAM else rng.randint(1, 5),
                language=rng.choice(("en", "en", "hi", "hi-Latn")),
                permalink=f"https://example.invalid/{prefix}/{i}",
                reply=reply,
                extra={"top_level": True} if platform is Platform.INSTAGRAM else {},
            )
        )
    return out


def build(path: Path, n: int, seed: int = 7) -> Engine:
    """Create `path` with `n` items (about 60% answered, ~30% tagged twice, 2% escalated)."""
    rng = random.Random(seed)
    engine = create_db_engine(str(path))
    upgrade(engine)
    now = datetime.now(UTC)
    for (name, platform, ref, display), share in zip(ACCOUNTS, SHARES, strict=True):
        count = round(n * share)
        with session_scope(engine) as session:
            account = ensure_account(session, name, platform, ref, display)
        for start in range(0, count, BATCH):
            batch = records(platform, name, min(BATCH, count - start), now, rng)
            for offset, rec in enumerate(batch):
                rec.external_id = f"{name}-{start + offset:07d}"
            with session_scope(engine) as session:
                ingest(session, account, batch, now=now)
    catch_up(engine)  # the text index, as a poll writes it after its commits
    with engine.begin() as conn:
        ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM item"))]
        tags = []
        escalations = []
        for item_id in ids:
            for theme in rng.sample(THEMES, k=rng.choice((1, 1, 2, 2, 3))):
                tags.append(
                    {
                        "item_id": item_id,
                        "theme": theme,
                        "score": round(rng.uniform(0.4, 0.99), 2),
                        "origin": TagOrigin.MODEL.value,
                        "active": True,
                        "model_version": "bench",
                        "created_at": now,
                    }
                )
            if rng.random() < 0.02:
                escalations.append(
                    {
                        "item_id": item_id,
                        "reasons": ["model: money not received 0.91"],
                        "severity": "high",
                        "created_by": "classifier",
                        "created_at": now,
                    }
                )
        conn.execute(sa.insert(Tag), tags)
        conn.execute(sa.insert(Escalation), escalations)
        conn.execute(
            sa.text(
                "UPDATE item SET status = 'escalated' WHERE status IN ('new', 'open') AND id IN"
                " (SELECT item_id FROM escalation)"
            )
        )
    return engine
