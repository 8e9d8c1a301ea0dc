"""Poll orchestration with an in-memory source: batches, cursors, failures, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import parse_config
from inbox.models import Event, Item, SourceAccount
from inbox.poll import play_gap_warning, poll_source
from inbox.textindex import count_not_indexed
from sources.base import Platform, PlatformReply, Rejected, Review
from sources.errors import AuthError, Unavailable
from sources.source import Batch, Cursor, ReplyReceipt

T0 = datetime(2026, 11, 20, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CFG = parse_config(
    {
        "sources": [
            {
                "name": "play",
                "platform": "google_play",
                "account": "in.resello.app",
                "credentials_file": "/x.json",
            }
        ]
    },
    "t",
).sources[0]


def review(n: int, body: str | None = None) -> Review:
    return Review(
        platform=Platform.GOOGLE_PLAY,
        external_id=f"gp:{n}",
        body=body or f"review {n}",
        raw={"reviewId": f"gp:{n}"},
        updated_at=T0 + timedelta(minutes=n),
        rating=1 + n % 5,
    )


@dataclass
class ListSource:
    """A newest-first list served in pages, with a cursor on the newest time seen."""

    items: list[Review]
    page: int = 3
    fail_after_pages: int | None = None
    error: Exception = field(default_factory=lambda: Unavailable("Play kept failing with HTTP 500"))
    platform: Platform = Platform.GOOGLE_PLAY
    can_reply: bool = True
    closed: bool = False
    served: int = 0

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        since = datetime.fromisoformat(cursor["newest"]) if cursor else None
        ordered = sorted(self.items, key=lambda r: r.updated_at or T0, reverse=True)
        fresh = [r for r in ordered if since is None or (r.updated_at or T0) >= since]
        newest = ordered[0].updated_at if ordered else since
        pages = [fresh[i : i + self.page] for i in range(0, len(fresh), self.page)] or [[]]
        for index, chunk in enumerate(pages):
            if self.fail_after_pages is not None and index >= self.fail_after_pages:
                raise self.error
            self.served += len(chunk)
            last = index == len(pages) - 1
            yield Batch(
                records=chunk,
                requests=1,
                final=last,
                cursor={"newest": newest.isoformat()} if last and newest else None,
            )

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        return ReplyReceipt(external_id, text)

    def get_reply(self, external_id: str) -> PlatformReply | None:
        return None

    def close(self) -> None:
        self.closed = True


def account(engine: Engine) -> SourceAccount:
    with Session(engine) as s:
        return s.execute(sa.select(SourceAccount)).scalar_one()


def count_items(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(Item)).scalar_one())


def test_full_poll_then_incremental(engine: Engine) -> None:
    source = ListSource([review(n) for n in range(10)])
    outcome = poll_source(engine, CFG, source, clock=lambda: NOW)
    assert (outcome.report.new, outcome.requests, outcome.error, outcome.complete) == (
        10,
        4,
        None,
        True,
    )
    assert source.closed
    acct = account(engine)
    assert acct.cursor == {"newest": (T0 + timedelta(minutes=9)).isoformat()}
    assert (acct.last_success_at, acct.last_error, acct.consecutive_failures) == (NOW, None, 0)

    source.items.append(review(10, "new one"))
    edited = review(3, "edited: money arrived, 4 stars")
    edited.updated_at = T0 + timedelta(minutes=30)  # the user edits an older review
    source.items[3] = edited
    again = poll_source(engine, CFG, source, clock=lambda: NOW)
    assert (again.report.new, again.report.updated) == (1, 1)
    assert count_items(engine) == 11
    with Session(engine) as s:
        polled = s.execute(sa.select(Event).where(col(Event.kind) == "polled")).scalars().all()
    assert [e.data["ok"] for e in polled if e.data] == [True, True]


def test_failure_mid_poll_keeps_cursor_and_loses_nothing(engine: Engine) -> None:
    source = ListSource([review(n) for n in range(9)])
    poll_source(engine, CFG, source, clock=lambda: NOW)
    cursor = account(engine).cursor

    source.items.extend(review(n) for n in range(9, 18))
    source.fail_after_pages = 2
    broken = poll_source(engine, CFG, source, clock=lambda: NOW + timedelta(hours=1))
    assert broken.error == "Unavailable: Play kept failing with HTTP 500"
    assert not broken.complete
    acct = account(engine)
    assert acct.cursor == cursor  # not moved: the next poll reads the same range again
    assert acct.last_error == "Unavailable: Play kept failing with HTTP 500"
    assert acct.consecutive_failures == 1
    assert acct.last_success_at == NOW
    assert count_items(engine) == 9 + 6  # two pages of three were committed

    source.fail_after_pages = None
    fixed = poll_source(engine, CFG, source, clock=lambda: NOW + timedelta(hours=2))
    assert fixed.error is None
    assert (fixed.report.new, fixed.report.unchanged) == (3, 7)
    assert count_items(engine) == 18
    assert account(engine).consecutive_failures == 0


def test_each_committed_page_is_search_indexed_before_the_next_is_fetched(
    sqlite_engine: Engine,
) -> None:
    """The text index follows each page's commit (search never scans more than the page
    in flight, however long a poll runs), and a poll that fails later keeps it so."""
    not_indexed: list[int] = []

    @dataclass
    class Watched(ListSource):
        def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
            for batch in super().fetch(cursor):
                not_indexed.append(count_not_indexed(sqlite_engine))
                yield batch

    source = Watched([review(n) for n in range(9)], fail_after_pages=2)
    outcome = poll_source(sqlite_engine, CFG, source, clock=lambda: NOW)
    assert outcome.error is not None and count_items(sqlite_engine) == 6
    assert not_indexed == [0, 0]
    assert count_not_indexed(sqlite_engine) == 0


def test_auth_error_is_recorded_as_a_sentence(engine: Engine) -> None:
    source = ListSource(
        [review(1)],
        fail_after_pages=0,
        error=AuthError("Google Play refused the credentials (expired or revoked)"),
    )
    outcome = poll_source(engine, CFG, source, clock=lambda: NOW)
    assert outcome.error == "Credentials: Google Play refused the credentials (expired or revoked)"
    assert account(engine).last_error == outcome.error
    assert "ERROR Credentials" in outcome.summary()


def test_unexpected_exception_does_not_escape(engine: Engine) -> None:
    source = ListSource([review(1)], fail_after_pages=0, error=KeyError("reviews"))
    outcome = poll_source(engine, CFG, source, clock=lambda: NOW)
    assert outcome.error == "internal error: KeyError: 'reviews'"


def test_rejected_records_are_quarantined_and_counted(engine: Engine) -> None:
    @dataclass
    class WithReject(ListSource):
        def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
            yield Batch(
                records=[review(1)],
                rejected=[Rejected("page 1", "not JSON", "{")],
                final=True,
                cursor={"newest": T0.isoformat()},
                requests=1,
            )

    outcome = poll_source(engine, CFG, WithReject([]), clock=lambda: NOW)
    assert (outcome.report.new, len(outcome.report.rejected)) == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reason FROM quarantine")).scalar_one() == "not JSON"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (1, None),
        (5.5, "poll within 1 days 12 h or reviews will be lost"),
        (8, "no longer readable from the API"),
    ],
)
def test_play_gap_warning(days: float, expected: str | None) -> None:
    warning = play_gap_warning(NOW - timedelta(days=days), NOW)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
