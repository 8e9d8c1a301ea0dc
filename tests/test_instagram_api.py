"""Instagram poller: media listing, comment rescans, token hygiene, replies (MockTransport)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from sources.base import Platform, PlatformReply
from sources.errors import AuthError, Rejected, Unavailable
from sources.http import RetryPolicy
from sources.instagram_api import COMMENT_FIELDS, InstagramSource, usage_percent
from sources.source import Batch, Source

API = Path(__file__).parent / "fixtures" / "api"
USER = "17841400000000000"
TOKEN = "EAAB-SECRET-TOKEN-a1b2c3"
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
DIWALI, REEL, PAYMENT, SALE, JAIPUR = (f"1790000000000000{n}" for n in range(1, 6))


def page(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((API / name).read_text(encoding="utf-8"))
    return data


class Graph:
    """A fake Graph API keyed on path and `after`; records every request it saw."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str | None], Any] = {
            (f"/v25.0/{USER}/media", None): page("ig_media_page1.json"),
            (f"/v25.0/{USER}/media", "TUVESUFfUEFHRV8y"): page("ig_media_page2.json"),
            (f"/v25.0/{DIWALI}/comments", None): page("ig_comments_diwali_page1.json"),
            (f"/v25.0/{DIWALI}/comments", "QVFIUmNvbW1lbnRzMg"): page(
                "ig_comments_diwali_page2.json"
            ),
            (f"/v25.0/{PAYMENT}/comments", None): page("ig_comments_payment.json"),
            (f"/v25.0/{SALE}/comments", None): page("ig_comments_sale.json"),
            ("/v25.0/17860000000000011/replies", None): page("ig_replies.json"),
        }
        self.seen: list[httpx.Request] = []
        self.posted: list[dict[str, list[str]]] = []
        self.usage: dict[str, Any] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        headers = {}
        if self.usage is not None:
            headers["X-Business-Use-Case-Usage"] = json.dumps({USER: [self.usage]})
        if request.method == "POST":
            self.posted.append(parse_qs(request.content.decode()))
            return httpx.Response(200, json={"id": "17860000000000099"}, headers=headers)
        key = (request.url.path, request.url.params.get("after"))
        body = self.pages.get(key)
        if body is None:
            return httpx.Response(404, json={"error": {"message": "Unknown path", "code": 803}})
        if isinstance(body, httpx.Response):
            return body
        if isinstance(body, bytes):
            return httpx.Response(200, content=body, headers=headers)
        return httpx.Response(200, json=body, headers=headers)

    def asked(self) -> list[str]:
        return [
            f"{r.url.path.split('/')[2][-1:]}{r.url.path.rsplit('/', 1)[1][0]}"
            f"{'+' if r.url.params.get('after') else ''}"
            for r in self.seen
        ]

    def assert_token_hygiene(self) -> None:
        assert self.seen
        for request in self.seen:
            assert TOKEN not in str(request.url)
            assert "access_token" not in str(request.url)
            assert "LEAKED" not in str(request.url)
            assert request.url.host == "graph.sandbox.test"
            assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def source(graph: Graph, **kw: Any) -> InstagramSource:
    kw.setdefault("policy", RetryPolicy(attempts=3, sleep=lambda _: None))
    return InstagramSource(
        USER,
        TOKEN,
        own_username="Resello.in",
        base_url="https://graph.sandbox.test",
        transport=httpx.MockTransport(graph),
        clock=lambda: NOW,
        token_env="INBOX_IG_TOKEN",
        **kw,
    )


def ids(batches: list[Batch]) -> list[str]:
    return [r.external_id[-2:] for b in batches for r in b.records]


def test_first_poll_lists_every_post_and_reads_their_comments() -> None:
    graph = Graph()
    src = source(graph)
    assert isinstance(src, Source)
    batches = list(src.fetch(None))
    # media page 1, Diwali comments (2 pages), Payment comments, media page 2, Sale comments;
    # posts with no comments cost nothing
    assert graph.asked() == ["0m", "1c", "1c+", "3c", "0m+", "4c"]
    assert [b.requests for b in batches] == [1] * 6
    assert [b.final for b in batches] == [False] * 5 + [True]
    assert [b.cursor for b in batches[:-1]] == [None] * 5
    assert batches[-1].cursor == {
        "media": {DIWALI: 4, REEL: 0, PAYMENT: 3, SALE: 1, JAIPUR: 0},
        "newest_media": "2026-11-04T06:30:00+00:00",
    }
    assert ids(batches) == ["11", "13", "14", "31", "32", "33", "41"]
    graph.assert_token_hygiene()
    # Meta's `next` link (token and all) is not followed: our own request, with its `after`
    second = graph.seen[2].url.params
    assert second["after"] == "QVFIUmNvbW1lbnRzMg"
    assert second["fields"] == COMMENT_FIELDS and second["limit"] == "50"
    priya = batches[1].records[0]
    assert priya.platform is Platform.INSTAGRAM
    assert priya.parent_id == DIWALI
    assert priya.parent_text is not None and priya.parent_text.startswith("Diwali Dhamaka 🪔")
    assert priya.permalink == "https://www.instagram.com/p/DQd1wAlifAa/"
    assert priya.account_hint == USER
    assert priya.reply == PlatformReply(
        text="Haan Priya, iPhone 11 pe bhi ₹1,000 extra milega 🪔 App me quote check karo!",
        replied_at=datetime(2026, 11, 4, 15, 30, tzinfo=UTC),
        external_id="17860000000000012",
    )
    spam = batches[1].records[1]
    assert spam.extra["hidden"] is True
    neha = batches[3].records[1]  # a reply by someone else is an item of its own
    assert neha.extra["top_level"] is False and neha.extra["parent_comment_id"].endswith("31")


def test_second_poll_rescans_the_window_and_changed_counts_only() -> None:
    graph = Graph()
    src = source(graph)
    cursor = list(src.fetch(None))[-1].cursor
    graph.seen.clear()

    # the Payment post is older than 30 days and unchanged: listing stops after page 1
    again = list(src.fetch(cursor))
    assert graph.asked() == ["0m", "1c", "1c+"]
    assert again[-1].cursor == cursor

    # a new comment on the 46-day-old post changes its count: it is read again
    graph.seen.clear()
    media = graph.pages[(f"/v25.0/{USER}/media", None)]
    media["data"][2]["comments_count"] = 4
    comments = graph.pages[(f"/v25.0/{PAYMENT}/comments", None)]
    comments["data"].insert(
        0,
        {
            "id": "17860000000000034",
            "text": "Bhai reply to karo 🙄 3rd time puch raha hu",
            "timestamp": "2026-11-05T10:00:00+0000",
            "username": "rohit.verma_91",
            "hidden": False,
        },
    )
    newer = list(src.fetch(cursor))
    # page 1 held no old unchanged post, so page 2 is listed too; the Sale post there is
    # old and unchanged, so its comments are not read and listing ends
    assert graph.asked() == ["0m", "1c", "1c+", "3c", "0m+"]
    assert "34" in ids(newer)
    assert newer[-1].cursor == {
        "media": {DIWALI: 4, REEL: 0, PAYMENT: 4, SALE: 1, JAIPUR: 0},
        "newest_media": "2026-11-04T06:30:00+00:00",
    }
    graph.assert_token_hygiene()


def test_expired_token_names_the_environment_variable() -> None:
    graph = Graph()
    graph.pages[(f"/v25.0/{USER}/media", None)] = httpx.Response(
        400, json=page("ig_error_190.json")
    )
    with pytest.raises(AuthError) as info:
        list(source(graph).fetch(None))
    assert str(info.value) == (
        "Instagram token expired — create a new long-lived token in Meta Business Suite and "
        "put it in $INBOX_IG_TOKEN"
    )
    assert TOKEN not in str(info.value)
    assert len(graph.seen) == 1  # not retried


def test_reply_posts_the_message_and_reads_back_our_earliest_reply() -> None:
    graph = Graph()
    src = source(graph)
    receipt = src.reply("17860000000000011", "Haan Priya, offer sab iPhones pe hai 🪔")
    assert receipt.reply_id == "17860000000000099"
    post = graph.seen[-1]
    assert post.method == "POST"
    assert post.url.path == "/v25.0/17860000000000011/replies"
    assert graph.posted == [{"message": ["Haan Priya, offer sab iPhones pe hai 🪔"]}]
    # ours are "Resello.In" and "resello.in" (case-insensitive); the earliest wins
    reply = src.get_reply("17860000000000011")
    assert reply == PlatformReply(
        text="Haan Priya, iPhone 11 pe bhi ₹1,000 extra milega 🪔 App me quote check karo!",
        replied_at=datetime(2026, 11, 4, 15, 30, tzinfo=UTC),
        external_id="17860000000000012",
    )
    graph.pages[("/v25.0/17860000000000014/replies", None)] = {"data": []}
    assert src.get_reply("17860000000000014") is None
    graph.assert_token_hygiene()


def test_own_username_learned_from_the_media_list() -> None:
    graph = Graph()
    src = InstagramSource(
        USER,
        TOKEN,
        base_url="https://graph.sandbox.test",
        transport=httpx.MockTransport(graph),
        policy=RetryPolicy(attempts=1),
    )
    reply = src.get_reply("17860000000000011")
    assert reply is not None and reply.external_id == "17860000000000012"
    assert graph.seen[0].url.params["limit"] == "1"


def test_hidden_or_nested_comments_are_refused_locally() -> None:
    graph = Graph()
    src = source(graph)
    with pytest.raises(Rejected, match="hidden"):
        src.reply("17860000000000011", "Hi", hidden=True)
    with pytest.raises(Rejected, match="top-level"):
        src.reply("17860000000000011", "Hi", top_level=False)
    assert graph.seen == []
    list(src.fetch(None))
    with pytest.raises(Rejected, match="hidden"):
        src.reply("17860000000000013", "Please stop spamming")  # seen hidden by fetch
    with pytest.raises(Rejected, match="top-level"):
        src.reply("17860000000000032", "Neha ji, DM karo")  # seen as a reply
    assert not [r for r in graph.seen if r.method == "POST"]


def test_high_usage_stops_the_poll_with_the_old_cursor() -> None:
    assert usage_percent(
        httpx.Headers(
            {
                "X-Business-Use-Case-Usage": json.dumps(
                    {USER: [{"type": "instagram", "call_count": 91, "total_time": 12}]}
                ),
                "X-App-Usage": '{"call_count": 3, "total_cputime": 95, "total_time": 2}',
            }
        )
    ) == (95, 0)
    graph = Graph()
    graph.usage = {
        "type": "instagram",
        "call_count": 93,
        "total_cputime": 20,
        "total_time": 30,
        "estimated_time_to_regain_access": 12,
    }
    src = source(graph)
    old = {"media": {DIWALI: 1}, "newest_media": "2026-11-01T00:00:00+00:00"}
    batches = list(src.fetch(old))
    assert graph.asked() == ["0m"]
    assert batches[-1].final and batches[-1].cursor == old
    assert src.usage == 93
    assert batches[-1].notes == [
        "Instagram usage is at 93% of the account's limit; stopped early to spare it, the "
        "next poll reads the same posts again; Meta expects access back in 12 min"
    ]


def test_malformed_comment_page_keeps_that_posts_count() -> None:
    graph = Graph()
    graph.pages[(f"/v25.0/{PAYMENT}/comments", None)] = b"<!DOCTYPE html><h1>Sorry</h1>"
    batches = list(source(graph).fetch(None))
    bad = next(b for b in batches if b.rejected)
    assert bad.rejected[0].position == f"post {PAYMENT} comments page 1"
    assert "is not JSON" in bad.rejected[0].reason
    cursor = batches[-1].cursor
    assert cursor is not None
    assert PAYMENT not in cursor["media"]  # read again next poll
    assert cursor["media"][SALE] == 1  # the poll went on


def test_malformed_media_page_without_next_keeps_the_old_cursor() -> None:
    graph = Graph()
    broken = copy.deepcopy(page("ig_media_page2.json"))
    broken["data"] = {"oops": True}
    graph.pages[(f"/v25.0/{USER}/media", "TUVESUFfUEFHRV8y")] = broken
    old = {"media": {DIWALI: 4}, "newest_media": "2026-11-04T06:30:00+00:00"}
    batches = list(source(graph, rescan_days=365).fetch(old))
    assert batches[-1].cursor == old
    assert any(
        r.reason == "data is an object, not a list of posts" for b in batches for r in b.rejected
    )


def test_429_then_500_storm() -> None:
    graph = Graph()
    answers = iter([httpx.Response(429, headers={"Retry-After": "9"})])
    plain = graph.__call__
    slept: list[float] = []
    src = InstagramSource(
        USER,
        TOKEN,
        own_username="resello.in",
        base_url="https://graph.sandbox.test",
        transport=httpx.MockTransport(lambda r: next(answers, None) or plain(r)),
        policy=RetryPolicy(attempts=3, sleep=slept.append),
        clock=lambda: NOW,
    )
    batches = list(src.fetch(None))
    assert slept == [9] and batches[0].requests == 2
    graph.pages[(f"/v25.0/{DIWALI}/comments", None)] = httpx.Response(500)
    with pytest.raises(Unavailable, match=f"HTTP 500 on /v25.0/{DIWALI}/comments"):
        list(src.fetch(None))


class _Logged(BaseHTTPRequestHandler):
    """A loopback Graph API that keeps its access log, as a real server would."""

    log: list[str]
    headers_seen: list[str]

    def do_GET(self) -> None:
        type(self).headers_seen.append(self.headers.get("Authorization", ""))
        path, _, query = self.path.partition("?")
        if path == f"/v25.0/{USER}/media":
            body = copy.deepcopy(page("ig_media_page1.json"))
            body["data"] = body["data"][:1]
            del body["paging"]
        elif path == f"/v25.0/{DIWALI}/comments" and "after=" not in query:
            body = page("ig_comments_diwali_page1.json")
        else:
            body = page("ig_comments_diwali_page2.json")
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        type(self).log.append(format % args)


@pytest.fixture
def loopback() -> Iterator[tuple[str, type[_Logged]]]:
    handler = type("Handler", (_Logged,), {"log": [], "headers_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_token_never_reaches_a_real_servers_access_log(
    loopback: tuple[str, type[_Logged]],
) -> None:
    url, handler = loopback
    src = InstagramSource(
        USER, TOKEN, base_url=url, clock=lambda: NOW, policy=RetryPolicy(attempts=1)
    )
    try:
        batches = list(src.fetch(None))
    finally:
        src.close()
    assert ids(batches) == ["11", "13", "14"]
    assert batches[-1].cursor == {
        "media": {DIWALI: 4},
        "newest_media": "2026-11-04T06:30:00+00:00",
    }
    assert len(handler.log) == 3
    assert not [line for line in handler.log if TOKEN in line or "access_token" in line]
    assert handler.headers_seen == [f"Bearer {TOKEN}"] * 3


def test_paging_that_repeats_itself_ends() -> None:
    graph = Graph()
    looping = copy.deepcopy(page("ig_comments_diwali_page2.json"))
    looping["paging"]["cursors"]["after"] = "QVFIUmNvbW1lbnRzMg"  # the page it is
    looping["paging"]["next"] = (
        "https://graph.facebook.com/v25.0/x/comments?after=QVFIUmNvbW1lbnRzMg"
    )
    graph.pages[(f"/v25.0/{DIWALI}/comments", "QVFIUmNvbW1lbnRzMg")] = looping
    batches = list(source(graph).fetch(None))
    assert graph.asked() == ["0m", "1c", "1c+", "3c", "0m+", "4c"]
    assert batches[-1].final
