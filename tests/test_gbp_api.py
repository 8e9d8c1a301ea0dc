"""Business Profile source: httpx MockTransport for the v4 API, and a loopback token endpoint
for the real refresh-token flow of an authorized-user credentials file."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from sources.errors import AuthError, NotFound, Rejected
from sources.gbp_api import MAX_REPLY_BYTES, GbpSource
from sources.http import RetryPolicy
from sources.source import Batch, Source

FIXTURES = Path(__file__).parent / "fixtures" / "api"
LOC = "accounts/11223344556677889900/locations/4455667788990011223"
REVIEWS = f"/v4/{LOC}/reviews"
PAGE2, PAGE3 = "ABHRLXX2page2", "ABHRLXX2page3"
G6 = "AbFvOqGbpSixKoramangalaQuick000000000000000001"
G4 = "AbFvOqGbpFourTranslated000000000000000000000003"
G2 = "AbFvOqGbpTwoSameTimeB00000000000000000000000005"


def page(n: int) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((FIXTURES / f"gbp_reviews_page{n}.json").read_text("utf-8"))
    return value


def ids(batch: Batch) -> list[str]:
    return [r.external_id[9:13] for r in batch.records]  # "AbFvOqGbpSix…" → "SixK"


class TokenServer:
    """POST /token for the refresh-token grant of an authorized-user file."""

    def __init__(self) -> None:
        self.issued = 0
        self.forms: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                server.forms.append(form)
                if form.get("refresh_token") != "1//refresh-token-for-tests":
                    status = 400
                    answer: dict[str, Any] = {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    }
                else:
                    server.issued += 1
                    status = 200
                    answer = {
                        "access_token": f"ya29.gbp-{server.issued}",
                        "expires_in": 3599,
                        "token_type": "Bearer",
                        "scope": "https://www.googleapis.com/auth/business.manage",
                    }
                content = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/token"
        threading.Thread(
            target=self.http.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()

    @property
    def token(self) -> str:
        return f"ya29.gbp-{self.issued}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


class FakeGbp:
    """The v4 reviews endpoints of one location, from recorded pages held in memory."""

    def __init__(self, tokens: TokenServer) -> None:
        self.tokens = tokens
        self.pages: dict[str | None, dict[str, Any] | bytes] = {
            None: page(1),
            PAGE2: page(2),
            PAGE3: page(3),
        }
        self.log: list[httpx.Request] = []
        self.refuse_next = 0

    def review(self, key: str) -> dict[str, Any]:
        for value in self.pages.values():
            if isinstance(value, dict):
                for item in value.get("reviews", []):
                    if item["reviewId"] == key:
                        return item  # type: ignore[no-any-return]
        raise KeyError(key)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        refused = self.refuse_next > 0
        self.refuse_next -= refused
        if refused or request.headers.get("Authorization") != f"Bearer {self.tokens.token}":
            return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        path = request.url.path
        if not path.startswith(REVIEWS):
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        if request.method == "GET" and path == REVIEWS:
            value = self.pages[request.url.params.get("pageToken")]
            if isinstance(value, bytes):
                return httpx.Response(200, content=value)
            return httpx.Response(200, json=value)
        key = path.removeprefix(REVIEWS + "/").removesuffix("/reply")
        try:
            review = self.review(key)
        except KeyError:
            return error(404, "NOT_FOUND", "Requested entity was not found.")
        if request.method == "GET":
            return httpx.Response(200, json=review)
        if request.method == "PUT" and path.endswith(f"/{key}/reply"):
            comment = json.loads(request.content)["comment"]
            if len(comment.encode("utf-8")) > MAX_REPLY_BYTES:
                return error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
            review["reviewReply"] = {"comment": comment, "updateTime": "2026-10-28T05:00:01.5Z"}
            return httpx.Response(200, json=review["reviewReply"])
        return error(405, "METHOD_NOT_ALLOWED", "No such method.")


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"code": status, "message": message, "status": code}}
    )


@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    server = TokenServer()
    yield server
    server.stop()


@pytest.fixture
def user_file(tmp_path: Path, tokens: TokenServer) -> Path:
    path = tmp_path / "gbp-authorized-user.json"
    info = {
        "type": "authorized_user",
        "client_id": "764086051850-test.apps.googleusercontent.com",
        "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
        "refresh_token": "1//refresh-token-for-tests",
        "token_uri": tokens.url,
    }
    path.write_text(json.dumps(info))
    return path


@pytest.fixture
def gbp(tokens: TokenServer) -> FakeGbp:
    return FakeGbp(tokens)


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def source(gbp: FakeGbp, user_file: Path, slept: list[float]) -> Iterator[GbpSource]:
    policy = RetryPolicy(attempts=3, base_seconds=1, max_backoff=8, sleep=slept.append)
    src = GbpSource(
        LOC,
        user_file,
        base_url="http://127.0.0.1:9",
        policy=policy,
        page_size=2,
        transport=httpx.MockTransport(gbp),
    )
    yield src
    src.close()


def test_reads_every_page_newest_first(
    source: GbpSource, gbp: FakeGbp, tokens: TokenServer
) -> None:
    assert isinstance(source, Source)
    batches = list(source.fetch(None))
    assert [ids(b) for b in batches] == [["SixK", "Five"], ["Four", "Thre"], ["TwoS", "OneO"]]
    assert [b.final for b in batches] == [False, False, True]
    assert [b.requests for b in batches] == [1, 1, 1]
    assert batches[-1].cursor == {"update_time": "2026-10-27T07:30:10.412345Z"}
    first = gbp.log[0]
    assert first.url.raw_path.decode() == (f"{REVIEWS}?pageSize=2&orderBy=updateTime%20desc")
    assert first.headers["Authorization"] == "Bearer ya29.gbp-1"
    assert [r.url.params.get("pageToken") for r in gbp.log] == [None, PAGE2, PAGE3]
    # The refresh-token grant went to the file's token_uri, once.
    assert tokens.issued == 1
    assert tokens.forms[0]["grant_type"] == "refresh_token"
    six = batches[0].records[0]
    assert six.reply is not None and six.reply.text.startswith("Thanks Sandeep")
    assert six.location == "locations/4455667788990011223"


def test_stops_at_the_cursor_and_rereads_its_own_time(source: GbpSource, gbp: FakeGbp) -> None:
    batches = list(source.fetch({"update_time": "2026-10-25T12:00:00Z"}))
    # Four is at the cursor's time (read again); Three is older: page 3 is never asked for.
    assert [ids(b) for b in batches] == [["SixK", "Five"], ["Four"]]
    assert len(gbp.log) == 2
    assert batches[-1].cursor == {"update_time": "2026-10-27T07:30:10.412345Z"}


def test_nothing_new_keeps_the_cursor(source: GbpSource) -> None:
    cursor = {"update_time": "2026-10-27T07:30:10.412345Z"}
    batches = list(source.fetch(cursor))
    assert [ids(b) for b in batches] == [["SixK"]]
    assert batches[0].cursor == cursor


def test_an_edited_review_comes_back(source: GbpSource, gbp: FakeGbp) -> None:
    cursor = list(source.fetch(None))[-1].cursor
    edited = copy.deepcopy(gbp.review(G2))
    edited["comment"] = "Update: the manager called and took the phone without the box. Thanks."
    edited["starRating"] = "FOUR"
    edited["updateTime"] = "2026-10-28T11:15:00Z"
    first, last = gbp.pages[None], gbp.pages[PAGE3]
    assert isinstance(first, dict) and isinstance(last, dict)
    first["reviews"].insert(0, edited)
    last["reviews"] = [r for r in last["reviews"] if r["reviewId"] != G2]
    gbp.log.clear()
    batches = list(source.fetch(cursor))
    assert [ids(b) for b in batches] == [["TwoS", "SixK"]]
    again = batches[0].records[0]
    assert again.external_id == G2 and again.rating == 4 and again.body.startswith("Update:")
    assert batches[0].cursor == {"update_time": "2026-10-28T11:15:00Z"}
    assert len(gbp.log) == 1


def test_reply_is_put_on_the_review_name_and_read_back(source: GbpSource, gbp: FakeGbp) -> None:
    assert source.get_reply(G4) is None
    receipt = source.reply(
        G4, "ಕ್ಷಮಿಸಿ! We are sorry about the price change. Please call 080-4000-1234."
    )
    put = gbp.log[-1]
    assert put.method == "PUT"
    assert put.url.path == f"{REVIEWS}/{G4}/reply"
    assert receipt.text.startswith("ಕ್ಷಮಿಸಿ!")
    assert receipt.replied_at is not None and receipt.replied_at.isoformat() == (
        "2026-10-28T05:00:01.500000+00:00"
    )
    shown = source.get_reply(G4)
    assert shown is not None and shown.text == receipt.text
    assert shown.replied_at == receipt.replied_at


def test_a_reply_over_4096_bytes_is_rejected(source: GbpSource, gbp: FakeGbp) -> None:
    text = "ಧ" * 1366  # 1366 characters but 4098 UTF-8 bytes
    with pytest.raises(Rejected) as info:
        source.reply(G4, text)
    assert info.value.status == 400
    assert str(info.value) == (
        f"Google Business Profile refused {REVIEWS}/{G4}/reply (HTTP 400): "
        "INVALID_ARGUMENT — Request contains an invalid argument."
    )
    assert "reviewReply" not in gbp.review(G4)


def test_an_unknown_location_is_not_found(gbp: FakeGbp, user_file: Path) -> None:
    other = "accounts/11223344556677889900/locations/999"
    source = GbpSource(other, user_file, transport=httpx.MockTransport(gbp))
    with pytest.raises(NotFound) as info:
        list(source.fetch(None))
    source.close()
    assert str(info.value) == (
        f"Google Business Profile does not know the location {other}, or these credentials "
        "do not manage it (check the account and location ids): "
        "NOT_FOUND — Requested entity was not found."
    )


def test_a_badly_written_location_is_refused_at_once(user_file: Path) -> None:
    with pytest.raises(ValueError, match="accounts/<account id>/locations/<location id>"):
        GbpSource("locations/4455667788990011223", user_file)


def test_401_refreshes_once(source: GbpSource, gbp: FakeGbp, tokens: TokenServer) -> None:
    list(source.fetch({"update_time": "2026-10-27T07:30:10.412345Z"}))
    gbp.refuse_next = 1
    batches = list(source.fetch({"update_time": "2026-10-27T07:30:10.412345Z"}))
    assert batches[0].requests == 2
    assert tokens.issued == 2


def test_a_revoked_refresh_token_is_an_auth_error(tmp_path: Path, gbp: FakeGbp) -> None:
    tokens = gbp.tokens
    path = tmp_path / "revoked.json"
    path.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "x.apps.googleusercontent.com",
                "client_secret": "s",
                "refresh_token": "1//revoked-long-refresh-token",
                "token_uri": tokens.url,
            }
        )
    )
    source = GbpSource(LOC, path, transport=httpx.MockTransport(gbp))
    with pytest.raises(AuthError) as info:
        list(source.fetch(None))
    source.close()
    assert "Token has been expired or revoked" in str(info.value)
    assert "1//revoked" not in str(info.value)
    assert gbp.log == []


def test_a_page_that_is_not_json_is_rejected_and_keeps_the_cursor(
    source: GbpSource, gbp: FakeGbp
) -> None:
    gbp.pages[PAGE2] = b'{"reviews": [ {"name": "accounts/1/locations/2/revie'
    cursor = {"update_time": "2026-10-01T00:00:00Z"}
    batches = list(source.fetch(cursor))
    assert [ids(b) for b in batches] == [["SixK", "Five"], []]
    assert batches[-1].final and batches[-1].cursor == cursor
    [rejected] = batches[-1].rejected
    assert rejected.position == "page 2"
    assert rejected.reason.startswith(f"page 2 from {REVIEWS} cannot be read: something that")
