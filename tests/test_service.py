"""The queue service on SQLite and PostgreSQL: filters, sorting, actions and their history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from inbox.config import Config, parse_config
from inbox.db import session_scope
from inbox.errors import ConflictError, NotFoundError
from inbox.ingest import ensure_account, ingest
from inbox.models import Tag, TagOrigin
from inbox.service import InboxService, ItemFilter, SlaState, Sort
from sources.base import Platform, PlatformReply, Review

# Wednesday 25 Nov 2026, 15:00 IST. Calendar: Mon–Sat 10:00–19:00 IST, 24 working hours.
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
CONFIG = parse_config(
    {
        "working_hours": {
            "timezone": "Asia/Kolkata",
            "hours": ["10:00-19:00"],
            "holiday_country": None,
        },
        "sla": {"target_hours": 24, "due_soon_hours": 4},
    },
    "test",
)


def rev(ext: str, platform: Platform, created: datetime, **kw: Any) -> Review:
    return Review(
        platform=platform,
        external_id=ext,
        body=kw.pop("body", f"text of {ext}"),
        raw={"id": ext},
        created_at=created,
        **kw,
    )


@pytest.fixture
def svc(engine: Engine) -> InboxService:
    day = timedelta(days=1)
    with session_scope(engine) as s:
        play = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        gbp = ensure_account(s, "gbp-blr", Platform.GBP, "accounts/1/locations/2", "Koramangala")
        ingest(
            s,
            play,
            [
                # Fri 15:00 IST + 24 working hours = Tue 12:00 IST: breached
                rev(
                    "p-old",
                    Platform.GOOGLE_PLAY,
                    NOW - 5 * day,
                    rating=1,
                    body="Paisa nahi aaya abhi tak",
                ),
                # Mon 11:00 IST + 24 working hours = Wed 17:00 IST: due in 2 hours
                rev(
                    "p-due",
                    Platform.GOOGLE_PLAY,
                    datetime(2026, 11, 23, 5, 30, tzinfo=UTC),
                    rating=2,
                ),
                rev(
                    "p-new",
                    Platform.GOOGLE_PLAY,
                    NOW - timedelta(hours=1),
                    rating=5,
                    body="Super fast pickup 👍",
                ),
                rev(
                    "p-replied",
                    Platform.GOOGLE_PLAY,
                    NOW - 2 * day,
                    rating=4,
                    reply=PlatformReply("Thanks!", NOW - day),
                ),
            ],
            now=NOW,
        )
        ingest(
            s,
            gbp,
            [
                rev("g-1", Platform.GBP, NOW - timedelta(hours=3), rating=3, author="Imran_50%"),
            ],
            now=NOW,
        )
    return InboxService(engine, CONFIG, clock=lambda: NOW, agent="priya")


def ids(rows: list[Any]) -> list[str]:
    return [r.external_id for r in rows]


def test_default_sort_puts_breached_then_due_then_newest(svc: InboxService) -> None:
    rows = svc.list_items()
    assert ids(rows) == ["p-old", "p-due", "p-new", "g-1", "p-replied"]
    assert rows[0].due_at is not None and rows[0].due_at < NOW
    assert rows[-1].due_at is None  # answered: no deadline
    assert ids(svc.list_items(sort=Sort.NEWEST)) == ["p-new", "g-1", "p-replied", "p-due", "p-old"]
    assert ids(svc.list_items(sort=Sort.RATING))[:2] == ["p-old", "p-due"]


def test_filters(svc: InboxService) -> None:
    assert ids(svc.list_items(ItemFilter(platforms=("gbp",)))) == ["g-1"]
    assert ids(svc.list_items(ItemFilter(accounts=("play",), max_rating=2))) == ["p-old", "p-due"]
    assert ids(svc.list_items(ItemFilter(statuses=("replied",)))) == ["p-replied"]
    assert ids(svc.list_items(ItemFilter(text="PAISA"))) == ["p-old"]
    # LIKE wildcards in the search text are literal
    assert ids(svc.list_items(ItemFilter(text="_50%"))) == ["g-1"]
    assert ids(svc.list_items(ItemFilter(text="👍"))) == ["p-new"]
    assert ids(svc.list_items(ItemFilter(sla=SlaState.BREACHED))) == ["p-old"]
    assert ids(svc.list_items(ItemFilter(sla=SlaState.DUE_SOON))) == ["p-due"]
    assert svc.count_items(ItemFilter(min_rating=3)) == 3
    assert ids(svc.list_items(ItemFilter(since=NOW - timedelta(hours=2)))) == ["p-new"]


def test_paging_is_stable(svc: InboxService) -> None:
    first = ids(svc.list_items(limit=2))
    second = ids(svc.list_items(limit=2, offset=2))
    third = ids(svc.list_items(limit=2, offset=4))
    assert first + second + third == ids(svc.list_items())


def item_id(svc: InboxService, ext: str) -> int:
    [row] = [r for r in svc.list_items(ItemFilter(include_snoozed=True)) if r.external_id == ext]
    return row.id


def test_status_snooze_and_history(svc: InboxService) -> None:
    target = item_id(svc, "p-new")
    svc.set_status(target, "no_reply_needed", note="just praise")
    assert ids(svc.list_items(ItemFilter(statuses=("no_reply_needed",)))) == ["p-new"]
    svc.snooze(target, NOW + timedelta(hours=2))
    assert "p-new" not in ids(svc.list_items())
    assert "p-new" in ids(svc.list_items(ItemFilter(include_snoozed=True)))
    later = InboxService(svc.engine, CONFIG, clock=lambda: NOW + timedelta(hours=3), agent="x")
    assert "p-new" in ids(later.list_items())
    detail = svc.get_item(target)
    kinds = [(e.kind, e.actor) for e in detail.events]
    assert kinds == [("received", "poller"), ("status", "priya"), ("snoozed", "priya")]
    assert detail.events[1].data == {"from": "new", "to": "no_reply_needed", "note": "just praise"}
    assert detail.item.version == 3


def test_human_tags_override_model_tags(svc: InboxService, engine: Engine) -> None:
    target = item_id(svc, "p-old")
    with session_scope(engine) as s:
        s.add(Tag(item_id=target, theme="payment", score=0.91, origin=TagOrigin.MODEL))
        s.add(Tag(item_id=target, theme="pricing", score=0.55, origin=TagOrigin.MODEL))
    assert svc.get_item(target).themes == ("payment", "pricing")
    svc.remove_tag(target, "pricing")
    svc.add_tag(target, "fraud")
    detail = svc.get_item(target)
    assert detail.themes == ("fraud", "payment")
    assert ids(svc.list_items(ItemFilter(themes=("pricing",)))) == []
    assert ids(svc.list_items(ItemFilter(themes=("fraud",)))) == ["p-old"]
    assert ids(svc.list_items(ItemFilter(themes=("payment",)))) == ["p-old"]
    human = {(t.theme, t.active) for t in detail.tags if t.origin == "human"}
    assert human == {("pricing", False), ("fraud", True)}
    # Adding back a removed theme flips the same human row.
    svc.add_tag(target, "pricing")
    assert svc.get_item(target).themes == ("fraud", "payment", "pricing")
    with Session(engine) as s:
        count = s.execute(sa.select(sa.func.count()).select_from(Tag)).scalar_one()
    assert count == 4
    assert svc.stats()["by_theme"] == {"fraud": 1, "payment": 1, "pricing": 1}


def test_escalate_and_claims(svc: InboxService) -> None:
    target = item_id(svc, "p-old")
    svc.escalate(target, ["money not received", " "], severity="high", note="order RS-482913")
    detail = svc.get_item(target)
    assert detail.item.status == "escalated"
    assert [(e.reasons, e.severity, e.created_by) for e in detail.escalations] == [
        (["money not received"], "high", "priya")
    ]
    assert ids(svc.list_items(ItemFilter(escalated=True))) == ["p-old"]
    assert svc.list_items()[0].escalated
    with pytest.raises(ValueError, match="at least one reason"):
        svc.escalate(target, [" "])

    svc.claim(target, minutes=10)
    other = InboxService(
        svc.engine, CONFIG, clock=lambda: NOW + timedelta(minutes=5), agent="arjun"
    )
    with pytest.raises(ConflictError, match="priya is working on this item"):
        other.claim(target)
    expired = InboxService(
        svc.engine, CONFIG, clock=lambda: NOW + timedelta(minutes=11), agent="arjun"
    )
    assert expired.claim(target).assignee == "arjun"


def test_optimistic_version_check(svc: InboxService) -> None:
    target = item_id(svc, "g-1")
    version = svc.get_item(target).item.version
    svc._change(target, "viewed", {}, lambda _s, _i: None, expected_version=version)  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="changed by someone else"):
        svc._change(target, "viewed", {}, lambda _s, _i: None, expected_version=version)  # type: ignore[arg-type]


def test_missing_item_is_a_clear_error(svc: InboxService) -> None:
    with pytest.raises(NotFoundError, match="no item with id 999"):
        svc.get_item(999)


def test_stats(svc: InboxService) -> None:
    figures = svc.stats()
    assert figures["total"] == 5
    assert figures["by_platform"] == {"gbp": 1, "google_play": 4}
    assert figures["by_account"] == {"gbp-blr": 1, "play": 4}
    assert figures["by_status"] == {"new": 4, "replied": 1}
    assert figures["needs_reply"] == 4


def test_default_config_service_works(engine: Engine) -> None:
    assert InboxService(engine, Config()).list_items() == []
