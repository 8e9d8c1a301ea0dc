"""iTunes RSS poller: pages per storefront, cursor per storefront, odd feeds (MockTransport)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from sources.base import Platform
from sources.errors import ReplyNotSupported, Unavailable
from sources.http import RetryPolicy
from sources.itunes_rss import ItunesRssSource
from sources.source import Batch, Source

API = Path(__file__).parent / "fixtures" / "api"
APP = "1589034512"
FEED = re.compile(r"^/(\w\w)/rss/customerreviews/page=(\d+)/id=(\d+)/sortby=mostrecent/json$")


def page(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((API / name).read_text(encoding="utf-8"))
    return data


EMPTY = page("rss_empty.json")


class Itunes:
    """The public feed: `pages[(cc, n)]`; pages not listed are empty feeds."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, int], Any] = {
            ("in", 1): page("rss_in_page1.json"),
            ("in", 2): page("rss_in_page2.json"),
            ("ae", 1): page("rss_ae_single.json"),
        }
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        match = FEED.match(request.url.path)
        assert match and match.group(3) == APP, request.url.path
        assert "Authorization" not in request.headers
        body = self.pages.get((match.group(1), int(match.group(2))), EMPTY)
        if isinstance(body, httpx.Response):
            return body
        if isinstance(body, bytes):
            return httpx.Response(200, content=body)
        return httpx.Response(200, json=body)

    def asked(self) -> list[str]:
        return [
            "{}{}".format(*FEED.match(r.url.path).groups()[:2])  # type: ignore[union-attr]
            for r in self.seen
        ]


def source(feed: Itunes, storefronts: tuple[str, ...] = ("in",), **kw: Any) -> ItunesRssSource:
    return ItunesRssSource(
        APP,
        storefronts,
        base_url="https://itunes.sandbox.test",
        policy=RetryPolicy(attempts=3, sleep=lambda _: None),
        transport=httpx.MockTransport(feed),
        **kw,
    )


def ids(batches: list[Batch]) -> list[str]:
    return [r.external_id for b in batches for r in b.records]


def test_first_poll_of_two_storefronts() -> None:
    feed = Itunes()
    src = source(feed, ("IN", "ae"))
    assert isinstance(src, Source)
    assert src.can_reply is False
    batches = list(src.fetch(None))
    assert feed.asked() == ["in1", "in2", "in3", "ae1", "ae2"]
    assert [b.final for b in batches] == [False] * 4 + [True]
    assert [b.cursor for b in batches[:-1]] == [None] * 4
    assert batches[-1].cursor == {
        "in": "2026-11-04T14:20:11+00:00",
        "ae": "2026-11-01T15:00:00+00:00",
    }
    # the app's own entry on page 1 is skipped; the single-entry dict of AE is one review
    assert ids(batches) == [
        "12000000101",
        "12000000102",
        "12000000103",
        "12000000104",
        "12000000105",
        "12000000201",
    ]
    records = [r for b in batches for r in b.records]
    assert {r.platform for r in records} == {Platform.APP_STORE}
    assert [r.territory for r in records] == ["IN"] * 5 + ["AE"]
    assert records[1].body.startswith("फ़ोन दे दिया")
    assert all(r.account_hint == APP for r in records)
    assert all(b.requests == 1 for b in batches)
    assert all(not b.rejected for b in batches)


def test_second_poll_stops_at_the_storefront_cursor_and_sees_new_entries() -> None:
    feed = Itunes()
    src = source(feed, ("in", "ae"))
    cursor = list(src.fetch(None))[-1].cursor
    feed.seen.clear()
    again = list(src.fetch(cursor))
    assert feed.asked() == ["in1", "ae1", "ae2"]  # IN page 1 already reaches older entries
    assert again[-1].cursor == cursor

    newer = copy.deepcopy(feed.pages[("in", 1)]["feed"]["entry"][1])
    newer["id"]["label"] = "12000000106"
    newer["updated"]["label"] = "2026-11-05T09:00:00+05:30"
    newer["content"]["label"] = "Update: paisa aa gaya, 5 star 🙏"
    feed.pages[("in", 1)]["feed"]["entry"].insert(1, newer)
    latest = list(src.fetch(cursor))
    assert ids(latest)[0] == "12000000106"
    assert latest[-1].cursor == {**cursor, "in": "2026-11-05T03:30:00+00:00"}  # type: ignore[dict-item]


def test_never_skips_a_page_down_to_the_cursor() -> None:
    feed = Itunes()
    batches = list(source(feed).fetch({"in": "2026-10-21T09:30:00+00:00"}))
    # the last entry of page 2 is at the cursor's instant: read again, then page 3 (empty)
    assert feed.asked() == ["in1", "in2", "in3"]
    assert ids(batches)[-1] == "12000000105"


def test_empty_first_page_is_unknown_and_keeps_the_cursor() -> None:
    feed = Itunes()
    feed.pages[("in", 1)] = EMPTY
    old = {"in": "2026-11-04T14:20:11Z", "ae": "2026-11-01T15:00:00+00:00"}
    batches = list(source(feed).fetch(old))
    assert feed.asked() == ["in1"]
    assert batches[-1].final and batches[-1].cursor == old
    assert batches[-1].notes == [
        "the App Store RSS feed for IN returned nothing; treated as unknown, the cursor "
        "stays where it was"
    ]
    # with no cursor an empty feed is simply no reviews
    first = list(source(Itunes(), ("de",)).fetch(None))
    assert first[-1].cursor == {} and first[-1].notes == []


def test_malformed_page_is_rejected_and_the_poll_reads_on() -> None:
    feed = Itunes()
    feed.pages[("in", 2)] = b'{"feed": {"entry": [ {"id": '
    old = {"in": "2026-10-01T00:00:00+00:00"}
    batches = list(source(feed, ("in", "ae")).fetch(old))
    assert feed.asked() == ["in1", "in2", "in3", "ae1", "ae2"]
    [rejected] = batches[1].rejected
    assert rejected.position == "IN page 2" and "is not JSON" in rejected.reason
    assert batches[-1].cursor == {**old, "ae": "2026-11-01T15:00:00+00:00"}  # IN kept


def test_wrong_shape_and_bad_entries() -> None:
    feed = Itunes()
    feed.pages[("in", 1)] = {"feed": {"entry": "nothing"}}
    broken = copy.deepcopy(page("rss_in_page2.json"))
    broken["feed"]["entry"][0]["im:rating"]["label"] = "9"
    feed.pages[("in", 2)] = broken
    batches = list(source(feed).fetch(None))
    assert batches[0].rejected[0].reason == "feed.entry is text, not a list of reviews"
    assert "not a star rating" in batches[1].rejected[0].reason
    assert ids(batches) == ["12000000105"]
    assert batches[-1].cursor == {}  # page 1 unread: no cursor moves


def test_page_limit_is_noted() -> None:
    feed = Itunes()
    batches = list(source(feed, max_pages=1).fetch(None))
    assert feed.asked() == ["in1"]
    assert (
        "stops at 1 pages; reviews older than 02 Nov 2026 were not reached"
        in (batches[-1].notes[0])
    )


def test_reply_is_not_supported_and_5xx_storm_is_unavailable() -> None:
    feed = Itunes()
    src = source(feed)
    with pytest.raises(ReplyNotSupported, match="read-only"):
        src.reply("12000000101", "Thanks!")
    assert src.get_reply("12000000101") is None
    feed.pages[("in", 1)] = httpx.Response(503, text="Service Unavailable")
    with pytest.raises(Unavailable, match="HTTP 503"):
        list(src.fetch(None))
    assert len(feed.seen) == 3


def test_429_retry_after_is_honoured() -> None:
    feed = Itunes()
    answers = iter([httpx.Response(429, headers={"Retry-After": "4"})])
    plain = feed.__call__

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or plain(request)

    slept: list[float] = []
    src = ItunesRssSource(
        APP,
        policy=RetryPolicy(sleep=slept.append),
        base_url="https://itunes.sandbox.test",
        transport=httpx.MockTransport(handler),
    )
    batches = list(src.fetch(None))
    assert slept == [4]
    assert batches[0].requests == 2


def test_404_past_page_one_is_the_end_of_the_feed() -> None:
    feed = Itunes()
    feed.pages[("in", 2)] = httpx.Response(404, text="Not Found")
    batches = list(source(feed).fetch(None))
    assert feed.asked() == ["in1", "in2"]
    assert sum(b.requests for b in batches) == 2
    assert batches[-1].cursor == {"in": "2026-11-04T14:20:11+00:00"}
