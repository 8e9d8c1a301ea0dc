"""Play Developer API source against a loopback server, with the real service-account flow:
google-auth signs a JWT with a key made here, posts it to the file's token_uri, and
google-api-python-client sends the bearer token to the reviews endpoints."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2.credentials import Credentials as UserCredentials

from sources.errors import AuthError, NotFound, RateLimited, Rejected, Unavailable
from sources.google_auth import PLAY_SCOPE, load_credentials
from sources.http import RetryPolicy
from sources.play_api import PlayApiSource
from sources.source import Batch, Source

FIXTURES = Path(__file__).parent / "fixtures" / "api"
PKG = "in.resello.app"
T0 = 1793100000
PAGE2, PAGE3 = "CmQKYgpAZ3BwYWdlMg", "CmQKYgpAZ3BwYWdlMw"
EMAIL = "inbox-poller@resello-test.iam.gserviceaccount.com"
REVIEWS = f"/androidpublisher/v3/applications/{PKG}/reviews"


def page(n: int) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((FIXTURES / f"play_reviews_page{n}.json").read_text("utf-8"))
    return value


def ids(batch: Batch) -> list[str]:
    return [r.external_id[9:11] for r in batch.records]  # "gp:AOqpTOH7…" → "H7"


class FakeGoogle:
    """Token endpoint and Play reviews endpoints, from recorded pages held in memory."""

    def __init__(self, public_key: Any) -> None:
        self.public_key = public_key
        self.pages: dict[str | None, dict[str, Any] | bytes] = {
            None: page(1),
            PAGE2: page(2),
            PAGE3: page(3),
        }
        self.queued: list[tuple[int, dict[str, str], bytes]] = []
        self.api_log: list[tuple[str, str, dict[str, list[str]]]] = []
        self.claims: list[dict[str, Any]] = []
        self.issued = 0
        self.valid_token: str | None = None
        self.always_401 = False
        self.token_error: str | None = None
        self.token_status = 400
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def review(self, key: str) -> dict[str, Any]:
        for value in self.pages.values():
            if isinstance(value, dict):
                for item in value.get("reviews", []):
                    if item["reviewId"] == key:
                        return item  # type: ignore[no-any-return]
        raise KeyError(key)

    def revoke(self) -> None:
        """The current access token stops working (as after a revocation or expiry)."""
        self.valid_token = None

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

        return Handler

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        path = unquote(url.path)
        if path == "/token":
            status, headers, content = self.token(body)
        else:
            self.api_log.append((method, path, parse_qs(url.query)))
            status, headers, content = self.api(method, path, parse_qs(url.query), h, body)
        h.send_response(status)
        headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(content)))
        h.end_headers()
        h.wfile.write(content)

    def token(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if self.token_error:
            error = {"error": "invalid_grant", "error_description": self.token_error}
            return self.token_status, {}, json.dumps(error).encode()
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        claims = jwt.decode(
            form["assertion"],
            self.public_key,
            algorithms=["RS256"],
            audience="https://oauth2.googleapis.com/token",
        )
        self.claims.append(claims)
        self.issued += 1
        self.valid_token = f"ya29.test-token-{self.issued}"
        answer = {"access_token": self.valid_token, "expires_in": 3600, "token_type": "Bearer"}
        return 200, {}, json.dumps(answer).encode()

    def api(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        h: BaseHTTPRequestHandler,
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        if self.always_401 or h.headers.get("Authorization") != f"Bearer {self.valid_token}":
            return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if self.queued:
            return self.queued.pop(0)
        if method == "GET" and path == REVIEWS:
            value = self.pages[query.get("token", [None])[0]]
            content = value if isinstance(value, bytes) else json.dumps(value).encode()
            return 200, {}, content
        if method == "GET" and path.startswith(REVIEWS + "/"):
            try:
                return 200, {}, json.dumps(self.review(path.rsplit("/", 1)[1])).encode()
            except KeyError:
                return error(404, "NOT_FOUND", "Review not found.")
        if method == "POST" and path.startswith(REVIEWS + "/") and path.endswith(":reply"):
            key = path.rsplit("/", 1)[1].removesuffix(":reply")
            text = json.loads(body)["replyText"]
            if len(text) > 350:
                return error(400, "INVALID_ARGUMENT", "Reply text is too long.")
            comments = self.review(key)["comments"]
            stamp = {"seconds": str(T0 + 7200), "nanos": 500000000}
            comments[1:] = [{"developerComment": {"text": text, "lastModified": stamp}}]
            return (
                200,
                {},
                json.dumps({"result": {"replyText": text, "lastEdited": stamp}}).encode(),
            )
        return error(404, "NOT_FOUND", "No such method.")


def error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"code": status, "message": message, "status": code}}
    return status, {}, json.dumps(body).encode()


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def google(key: rsa.RSAPrivateKey) -> Iterator[FakeGoogle]:
    fake = FakeGoogle(key.public_key())
    yield fake
    fake.stop()


@pytest.fixture
def key_file(tmp_path: Path, key: rsa.RSAPrivateKey, google: FakeGoogle) -> Path:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "resello-test",
        "private_key_id": "0123456789abcdef",
        "private_key": pem,
        "client_email": EMAIL,
        "client_id": "104242424242424242424",
        "token_uri": f"{google.url}/token",
    }
    path = tmp_path / "play-service-account.json"
    path.write_text(json.dumps(info))
    return path


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def source(google: FakeGoogle, key_file: Path, slept: list[float]) -> Iterator[PlayApiSource]:
    policy = RetryPolicy(attempts=3, base_seconds=1, max_backoff=8, sleep=slept.append)
    src = PlayApiSource(PKG, key_file, base_url=google.url, policy=policy, page_size=2)
    yield src
    src.close()


# ---------------------------------------------------------------------- reading


def test_reads_every_page_with_the_real_token_flow(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    assert isinstance(source, Source)
    assert PlayApiSource.window_days == 7
    batches = list(source.fetch(None))
    assert [ids(b) for b in batches] == [["H7", "G6"], ["F5", "E4"], ["D3", "C2", "B1"]]
    assert [b.final for b in batches] == [False, False, True]
    assert [b.requests for b in batches] == [1, 1, 1]
    assert all(b.cursor is None for b in batches[:-1])
    assert batches[-1].cursor == {
        "last_modified": T0 + 600,
        "review_ids": ["gp:AOqpTOH7Review7SevenPickupDelayedxxxxxxxxxxxxxxxx"],
    }
    json.dumps(batches[-1].cursor)
    # One JWT grant, for the Play scope, signed by the service account's key.
    assert google.issued == 1
    assert google.claims[0]["iss"] == EMAIL
    assert google.claims[0]["scope"] == PLAY_SCOPE
    tokens = [q.get("token", [None])[0] for _, _, q in google.api_log]
    assert tokens == [None, PAGE2, PAGE3]
    assert all(q["maxResults"] == ["2"] for _, _, q in google.api_log)
    first = batches[0].records[0]
    assert first.title == "Pickup rescheduled twice"
    assert first.reply is not None and first.reply.text.startswith("Hi Ananya")
    assert first.updated_at is not None and first.updated_at.timestamp() == T0 + 600.25


def test_stops_at_the_cursor_without_reading_further_pages(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    batches = list(source.fetch({"last_modified": T0 + 450, "review_ids": ["x"]}))
    assert [ids(b) for b in batches] == [["H7", "G6"], []]  # F5, E4 are older: not yielded
    assert batches[-1].final
    assert len(google.api_log) == 2  # page 3 never requested
    assert batches[-1].cursor is not None and batches[-1].cursor["last_modified"] == T0 + 600


def test_reviews_in_the_cursor_second_are_read_again(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    e4 = "gp:AOqpTOE4Review4FourSameSecondAxxxxxxxxxxxxxxxxxxxxx"
    batches = list(source.fetch({"last_modified": T0 + 300, "review_ids": [e4]}))
    # E4 and D3 share the cursor's second (on two pages): both come back; C2 is older.
    assert [ids(b) for b in batches] == [["H7", "G6"], ["F5", "E4"], ["D3"]]
    assert len(google.api_log) == 3


def test_nothing_new_keeps_the_cursor(source: PlayApiSource, google: FakeGoogle) -> None:
    google.pages[None] = {}
    cursor = {"last_modified": T0 + 600, "review_ids": ["a"], "other": 1}
    batches = list(source.fetch(cursor))
    assert len(batches) == 1 and batches[0].final and batches[0].records == []
    assert batches[0].cursor == cursor


def test_an_edited_review_comes_back_with_its_new_text(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    cursor = list(source.fetch(None))[-1].cursor
    c2 = "gp:AOqpTOC2Review2TwoBeforeEditxxxxxxxxxxxxxxxxxxxxxxxxx"
    edited = copy.deepcopy(google.review(c2))
    comment = edited["comments"][0]["userComment"]
    comment["text"] = "Payment came after I wrote here. Changing to 4 stars."
    comment["starRating"] = 4
    comment["lastModified"] = {"seconds": str(T0 + 900)}
    first, last = google.pages[None], google.pages[PAGE3]
    assert isinstance(first, dict) and isinstance(last, dict)
    first["reviews"].insert(0, edited)
    last["reviews"] = [r for r in last["reviews"] if r is not google.review(c2)]
    google.api_log.clear()
    batches = list(source.fetch(cursor))
    assert [ids(b) for b in batches] == [["C2", "H7"]]  # H7 is at the cursor's second
    again = batches[0].records[0]
    assert again.external_id == c2 and again.rating == 4 and again.body.startswith("Payment")
    assert batches[0].cursor == {"last_modified": T0 + 900, "review_ids": [c2]}
    assert len(google.api_log) == 1
    assert google.issued == 1  # the token is reused across polls


# ---------------------------------------------------------------------- replies


def test_reply_is_posted_and_read_back(source: PlayApiSource, google: FakeGoogle) -> None:
    g6 = "gp:AOqpTOG6Review6SixUpiFastxxxxxxxxxxxxxxxxxxxxxxxxxx"
    assert source.get_reply(g6) is None
    receipt = source.reply(g6, "Thank you Farhan! Glad the UPI transfer was quick.")
    assert receipt.external_id == g6
    assert receipt.text == "Thank you Farhan! Glad the UPI transfer was quick."
    assert receipt.replied_at is not None and receipt.replied_at.timestamp() == T0 + 7200.5
    shown = source.get_reply(g6)
    assert shown is not None and shown.text == receipt.text
    assert shown.replied_at == receipt.replied_at
    method, path, _ = google.api_log[1]
    assert (method, path) == ("POST", f"{REVIEWS}/{g6}:reply")


def test_a_refused_reply_is_rejected_with_googles_words(source: PlayApiSource) -> None:
    g6 = "gp:AOqpTOG6Review6SixUpiFastxxxxxxxxxxxxxxxxxxxxxxxxxx"
    with pytest.raises(Rejected) as info:
        source.reply(g6, "x" * 400)
    assert "Reply text is too long" in str(info.value)
    assert info.value.status == 400


def test_reply_to_an_unknown_review_is_not_found(source: PlayApiSource) -> None:
    with pytest.raises(NotFound, match="Review not found"):
        source.get_reply("gp:nope")


# ---------------------------------------------------------------------- failures


def test_401_refreshes_the_token_once_then_succeeds(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    list(source.fetch(None))
    google.revoke()
    google.api_log.clear()
    batches = list(source.fetch({"last_modified": T0 + 550}))
    assert [ids(b) for b in batches] == [["H7"]]
    assert google.issued == 2
    assert batches[0].requests == 2  # the refused call and its retry with the new token


def test_401_twice_is_an_auth_error_without_the_token(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    google.always_401 = True
    with pytest.raises(AuthError) as info:
        list(source.fetch(None))
    message = str(info.value)
    assert message == (
        "Google Play refused the credentials (expired or revoked): "
        "UNAUTHENTICATED — Request had invalid authentication credentials."
    )
    assert "ya29" not in message
    assert google.issued == 2
    assert len(google.api_log) == 2


def test_token_endpoint_refusal_is_an_auth_error(source: PlayApiSource, google: FakeGoogle) -> None:
    google.token_error = "Invalid JWT Signature."
    with pytest.raises(AuthError, match=r"Google refused the credentials.*Invalid JWT Signature"):
        list(source.fetch(None))
    assert google.api_log == []


def test_token_endpoint_rate_limit_is_temporary(source: PlayApiSource, google: FakeGoogle) -> None:
    """Found by the chaos proof: a 429 from the token endpoint had failed replies for good."""
    google.token_status, google.token_error = 429, "Resource has been exhausted."
    with pytest.raises(Unavailable, match="token endpoint is busy") as info:
        list(source.fetch(None))
    assert info.value.retryable
    assert not isinstance(info.value, AuthError)


def test_429_waits_as_long_as_retry_after_says(
    source: PlayApiSource, google: FakeGoogle, slept: list[float]
) -> None:
    status, _, body = error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.")
    google.queued.append((status, {"Retry-After": "7"}, body))
    batches = list(source.fetch({"last_modified": T0 + 550}))
    assert [ids(b) for b in batches] == [["H7"]]
    assert slept == [7]
    assert batches[0].requests == 2


def test_429_outlasting_the_retries_is_rate_limited(
    source: PlayApiSource, google: FakeGoogle, slept: list[float]
) -> None:
    status, _, body = error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric.")
    google.queued.extend([(status, {"Retry-After": "30"}, body)] * 3)
    with pytest.raises(RateLimited) as info:
        list(source.fetch(None))
    assert info.value.retry_after == 30
    assert slept == [30, 30]
    assert "try again in 30 s" in str(info.value)


def test_500_storm_is_unavailable_after_the_policys_attempts(
    source: PlayApiSource, google: FakeGoogle, slept: list[float]
) -> None:
    google.queued.extend([error(500, "INTERNAL", "Internal error encountered.")] * 5)
    with pytest.raises(Unavailable) as info:
        list(source.fetch(None))
    assert str(info.value) == (
        f"Google Play kept failing with HTTP 500 on {REVIEWS} (3 attempts): "
        "INTERNAL — Internal error encountered."
    )
    assert len(slept) == 2 and all(0 <= s <= 2 for s in slept)
    assert len(google.queued) == 2


def test_a_page_that_is_not_json_is_rejected_and_keeps_the_old_cursor(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    google.pages[PAGE2] = b"<html><body>502 Bad Gateway</body></html>"
    cursor = {"last_modified": T0 - 5000, "review_ids": []}
    batches = list(source.fetch(cursor))
    assert [ids(b) for b in batches] == [["H7", "G6"], []]
    last = batches[-1]
    assert last.final and last.cursor == cursor
    [rejected] = last.rejected
    assert rejected.position == "page 2"
    assert rejected.reason.startswith(f"page 2 from {REVIEWS} cannot be read: something that")
    assert rejected.raw.startswith("<html>")
    assert any("position was kept" in note for note in last.notes)


def test_a_page_of_the_wrong_shape_is_rejected_and_the_poll_goes_on(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    google.pages[PAGE2] = {"reviews": "oops", "tokenPagination": {"nextPageToken": PAGE3}}
    batches = list(source.fetch(None))
    assert [ids(b) for b in batches] == [["H7", "G6"], [], ["D3", "C2", "B1"]]
    assert [(r.position, r.reason) for r in batches[1].rejected] == [
        ("page 2", "reviews is text, not a list")
    ]
    assert batches[-1].final and batches[-1].cursor is None  # nothing skipped next time


def test_one_bad_review_is_rejected_and_the_rest_are_kept(
    source: PlayApiSource, google: FakeGoogle
) -> None:
    page2 = google.pages[PAGE2]
    assert isinstance(page2, dict)
    del page2["reviews"][0]["comments"][0]["userComment"]["lastModified"]
    batches = list(source.fetch(None))
    assert [ids(b) for b in batches] == [["H7", "G6"], ["E4"], ["D3", "C2", "B1"]]
    assert [r.position for r in batches[1].rejected] == ["page 2, reviews[0]"]
    assert batches[-1].cursor is not None and batches[-1].cursor["last_modified"] == T0 + 600


# ---------------------------------------------------------------------- credentials files


def test_credentials_file_problems_are_sentences(tmp_path: Path, key_file: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(AuthError, match=r"the credentials file .*nope.json does not exist"):
        load_credentials(missing, [PLAY_SCOPE])
    garbage = tmp_path / "garbage.json"
    garbage.write_text("-----BEGIN PRIVATE KEY-----\nMIIEv...")
    with pytest.raises(AuthError, match="is not JSON") as info:
        load_credentials(garbage, [PLAY_SCOPE])
    assert "MIIE" not in str(info.value)
    other = tmp_path / "external.json"
    other.write_text(json.dumps({"type": "external_account", "audience": "x"}))
    with pytest.raises(AuthError, match="of type 'external_account'; use a service-account"):
        load_credentials(other, [PLAY_SCOPE])
    info_ = json.loads(key_file.read_text())
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**info_, "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA"}))
    with pytest.raises(AuthError, match="private_key that cannot be read") as info:
        load_credentials(broken, [PLAY_SCOPE])
    assert "AAAA" not in str(info.value)
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"type": "service_account", "private_key": info_["private_key"]}))
    with pytest.raises(AuthError, match="has no client_email, token_uri") as info:
        load_credentials(partial, [PLAY_SCOPE])
    assert "PRIVATE" not in str(info.value)
    with pytest.raises(AuthError, match="is a directory"):
        load_credentials(tmp_path, [PLAY_SCOPE])


def test_authorized_user_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "user.json"
    path.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "123.apps.googleusercontent.com",
                "client_secret": "s3cret",
                "refresh_token": "1//refresh",
                "token_uri": "http://127.0.0.1:9/token",
            }
        )
    )
    credentials = load_credentials(path, [PLAY_SCOPE])
    assert isinstance(credentials, UserCredentials)
    assert credentials.token_uri == "http://127.0.0.1:9/token"
    assert not credentials.valid
