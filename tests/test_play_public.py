"""Public Play listing via google-play-scraper: a fake `reviews` function stands in for the
network; one subprocess test imports the real package to check the TLS default survives."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sources.errors import ReplyNotSupported, Unavailable
from sources.play_public import BLOCKED, PlayPublicSource
from sources.source import Batch, Source

ROOT = Path(__file__).resolve().parents[1]
KOLKATA = ZoneInfo("Asia/Kolkata")
PKG = "in.resello.app"


def review(n: int, at: datetime, **extra: Any) -> dict[str, Any]:
    """One review as google-play-scraper returns it (naive local `at`)."""
    return {
        "reviewId": f"2b1f0c7e-0000-4000-8000-00000000000{n}",
        "userName": f"User {n}",
        "userImage": "https://play-lh.googleusercontent.com/a-/ALV-example",
        "content": f"Review number {n}",
        "score": 1 + n % 5,
        "thumbsUpCount": n,
        "reviewCreatedVersion": "4.1.2",
        "at": at,
        "replyContent": None,
        "repliedAt": None,
        "appVersion": "4.1.2",
        **extra,
    }


# Newest first, naive times in Asia/Kolkata (the fake host's zone: passed as naive_tz).
ITEMS = [review(n, datetime(2026, 10, 27, 18, 0) - timedelta(hours=5 - n)) for n in range(5, 0, -1)]


class FakeScraper:
    """google_play_scraper.reviews: pages of `count` with a continuation token."""

    def __init__(self, items: list[dict[str, Any]], *, empty_from_page: int | None = None) -> None:
        self.items = items
        self.empty_from_page = empty_from_page
        self.calls: list[dict[str, Any]] = []

    def __call__(self, app_id: str, **kw: Any) -> tuple[list[dict[str, Any]], SimpleNamespace]:
        self.calls.append({"app_id": app_id, **kw})
        token = kw.get("continuation_token")
        if token is None:
            assert kw["sort"].value == 2  # Sort.NEWEST
            start, count = 0, kw["count"]
        else:
            start, count = token.token, token.count
        if self.empty_from_page is not None and len(self.calls) >= self.empty_from_page:
            return [], SimpleNamespace(token=None, count=count)
        chunk = self.items[start : start + count]
        end = start + count
        return chunk, SimpleNamespace(token=end if end < len(self.items) else None, count=count)


def ids(batch: Batch) -> list[int]:
    return [int(r.external_id[-1]) for r in batch.records]


def source(fake: FakeScraper, **kw: Any) -> PlayPublicSource:
    options: dict[str, Any] = {"count_per_page": 2, "naive_tz": KOLKATA, **kw}
    return PlayPublicSource(PKG, fetch=fake, **options)


def test_reads_pages_newest_first_with_continuation_tokens() -> None:
    fake = FakeScraper(ITEMS)
    src = source(fake)
    assert isinstance(src, Source) and not src.can_reply
    batches = list(src.fetch(None))
    assert [ids(b) for b in batches] == [[5, 4], [3, 2], [1]]
    assert [b.final for b in batches] == [False, False, True]
    assert [b.requests for b in batches] == [1, 1, 1]
    assert batches[-1].cursor == {"at": "2026-10-27T12:30:00Z"}  # 18:00 in Kolkata
    assert fake.calls[0] == {
        "app_id": PKG,
        "lang": "en",
        "country": "in",
        "sort": fake.calls[0]["sort"],
        "count": 2,
    }
    assert [set(c) for c in fake.calls[1:]] == [{"app_id", "continuation_token"}] * 2
    record = batches[0].records[0]
    assert record.created_at == datetime(2026, 10, 27, 12, 30, tzinfo=UTC)
    assert record.raw["at"] == "2026-10-27T12:30:00Z"
    json.dumps(record.raw)  # JSON-ready: no datetime objects left


def test_stops_at_the_cursor() -> None:
    fake = FakeScraper(ITEMS)
    batches = list(source(fake).fetch({"at": "2026-10-27T10:30:00Z"}))  # review 3's time
    assert [ids(b) for b in batches] == [[5, 4], [3]]  # 3 read again, 2 is older
    assert len(fake.calls) == 2
    assert batches[-1].cursor == {"at": "2026-10-27T12:30:00Z"}


def test_replies_are_read_with_their_time() -> None:
    replied = review(9, datetime(2026, 10, 28, 9, 0), replyContent="Thanks!")
    replied["repliedAt"] = datetime(2026, 10, 28, 10, 15)
    [batch] = list(source(FakeScraper([replied])).fetch(None))
    reply = batch.records[0].reply
    assert reply is not None and reply.text == "Thanks!"
    assert reply.replied_at == datetime(2026, 10, 28, 4, 45, tzinfo=UTC)


def test_naive_times_are_read_in_the_hosts_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scraper writes datetime.fromtimestamp(t): reading it back must give t, DST too."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    try:
        stamps = [1540000000, 1793100000, 1700000000]  # 2018 had DST in São Paulo
        items = [review(n, datetime.fromtimestamp(t)) for n, t in enumerate(stamps, 1)]
        src = PlayPublicSource(PKG, fetch=FakeScraper(items), count_per_page=10)
        [batch] = list(src.fetch(None))
        assert [r.created_at.timestamp() for r in batch.records if r.created_at] == stamps
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_empty_first_page_after_earlier_reviews_is_unknown() -> None:
    with pytest.raises(Unavailable) as info:
        list(source(FakeScraper([])).fetch({"at": "2026-10-27T10:30:00Z"}))
    assert str(info.value) == BLOCKED
    assert BLOCKED == (
        "Google Play listing returned no reviews; the scraper may be blocked — nothing was changed"
    )


def test_an_empty_first_page_on_the_first_poll_is_reported_not_counted() -> None:
    [batch] = list(source(FakeScraper([])).fetch(None))
    assert batch.final and batch.records == [] and batch.cursor is None
    assert "may be blocked" in batch.notes[0]


def test_an_empty_later_page_keeps_the_old_cursor() -> None:
    cursor = {"at": "2026-10-20T00:00:00Z"}
    batches = list(source(FakeScraper(ITEMS, empty_from_page=2)).fetch(cursor))
    assert [ids(b) for b in batches] == [[5, 4], []]
    assert batches[-1].final and batches[-1].cursor == cursor
    assert "position was kept" in batches[-1].notes[0]


def test_max_reviews_ends_the_poll_with_a_note() -> None:
    batches = list(source(FakeScraper(ITEMS), max_reviews=3).fetch(None))
    assert [ids(b) for b in batches] == [[5, 4], [3, 2]]
    assert batches[-1].final and "stopped after 4 Google Play reviews" in batches[-1].notes[0]


def test_a_bad_review_is_rejected_and_the_rest_kept() -> None:
    items = [ITEMS[0], {**ITEMS[1], "score": 9}, ITEMS[2]]
    batches = list(source(FakeScraper(items), count_per_page=3).fetch(None))
    assert [ids(b) for b in batches] == [[5, 3]]
    assert [(r.position, r.reason) for r in batches[0].rejected] == [
        ("page 1, [1]", "score '9' is not a star rating from 1 to 5")
    ]


def test_a_failing_scraper_is_unavailable() -> None:
    def broken(app_id: str, **kw: Any) -> Any:
        raise ConnectionResetError("peer reset")

    with pytest.raises(Unavailable, match=r"google-play-scraper failed on in\.resello\.app"):
        list(PlayPublicSource(PKG, fetch=broken).fetch(None))


def test_replying_is_not_supported() -> None:
    src = source(FakeScraper(ITEMS))
    with pytest.raises(ReplyNotSupported, match="read-only"):
        src.reply("x", "thanks")
    with pytest.raises(ReplyNotSupported):
        src.get_reply("x")


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])  # bound, never listening: connections are refused


def test_the_real_package_leaves_tls_verification_on(closed_port: int) -> None:
    """Import google-play-scraper for real (in a fresh interpreter) and poll through it; its
    requests go to a refused loopback proxy, so nothing leaves the machine."""
    code = """
import ssl, sys
import sources, sources.play_public as public
assert "google_play_scraper" not in sys.modules, "imported too early"
assert ssl._create_default_https_context is ssl.create_default_context
batches = list(public.PlayPublicSource("in.resello.app").fetch(None))
assert "google_play_scraper" in sys.modules
assert ssl._create_default_https_context is ssl.create_default_context, "TLS checks are off"
print(len(batches), batches[-1].final, len(batches[-1].records), batches[-1].cursor)
try:
    list(public.PlayPublicSource("in.resello.app").fetch({"at": "2026-10-27T10:30:00Z"}))
except Exception as exc:
    print(type(exc).__name__)
assert ssl._create_default_https_context is ssl.create_default_context
"""
    proxy = f"http://127.0.0.1:{closed_port}"
    env = {
        **{k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        "HTTPS_PROXY": proxy,
        "https_proxy": proxy,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PYTHONHTTPSVERIFY", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["1 True 0 None", "Unavailable"]
