"""App Store Connect poller: JWT, paging to the cursor, rate limits, replies (MockTransport)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from sources.asc_api import AppStoreSource, parse_rate_limit
from sources.base import Platform, PlatformReply
from sources.errors import AuthError, Rejected, Unavailable
from sources.http import RetryPolicy
from sources.source import Batch, Source

API = Path(__file__).parent / "fixtures" / "api"
APP = "1589034512"
BASE = "https://asc.sandbox.test"
REVIEWS = f"/v1/apps/{APP}/customerReviews"
NOW = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
KEY_ID = "2X9R4HXF34"
ISSUER = "57246542-96fe-1a63-e053-0824d011072a"


def page(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((API / name).read_text(encoding="utf-8"))
    return data


PAGES = {
    None: page("asc_reviews_page1.json"),
    "Mw": page("asc_reviews_page2.json"),
    "Ng": page("asc_reviews_page3.json"),
}


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def key_file(tmp_path: Path, ec_key: ec.EllipticCurvePrivateKey) -> Path:
    path = tmp_path / f"AuthKey_{KEY_ID}.p8"
    path.write_bytes(
        ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


class Apple:
    """A fake App Store Connect: serves the recorded pages, records every request."""

    def __init__(self, pages: dict[str | None, Any] | None = None) -> None:
        self.pages: dict[str | None, Any] = copy.deepcopy(PAGES) if pages is None else pages
        self.seen: list[httpx.Request] = []
        self.responses: dict[str, dict[str, Any]] = {}
        self.rate_remaining = 3400
        self.override: Callable[[httpx.Request], httpx.Response | None] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.override is not None and (answer := self.override(request)) is not None:
            return answer
        headers = {"X-Rate-Limit": f"user-hour-lim:3500;user-hour-rem:{self.rate_remaining};"}
        path = request.url.path
        if path == REVIEWS and request.method == "GET":
            body = self.pages[request.url.params.get("cursor")]
            if isinstance(body, bytes):
                return httpx.Response(200, content=body, headers=headers)
            return httpx.Response(200, json=body, headers=headers)
        if path == "/v1/customerReviewResponses" and request.method == "POST":
            sent = json.loads(request.content)
            review = sent["data"]["relationships"]["review"]["data"]["id"]
            created = page("asc_response_created.json")
            created["data"]["attributes"]["responseBody"] = sent["data"]["attributes"][
                "responseBody"
            ]
            self.responses[review] = created
            return httpx.Response(201, json=created, headers=headers)
        if path.startswith("/v1/customerReviews/") and path.endswith("/response"):
            review = path.split("/")[3]
            if review in self.responses:
                return httpx.Response(200, json=self.responses[review], headers=headers)
            return httpx.Response(
                404,
                json={"errors": [{"status": "404", "code": "NOT_FOUND", "detail": "no response"}]},
            )
        return httpx.Response(404)


def source(
    apple: Apple,
    key_file: Path,
    *,
    slept: list[float] | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
    **kw: Any,
) -> AppStoreSource:
    sleep = slept.append if slept is not None else (lambda _: None)
    return AppStoreSource(
        APP,
        key_file,
        KEY_ID,
        ISSUER,
        base_url=BASE,
        policy=RetryPolicy(attempts=3, sleep=sleep),
        transport=httpx.MockTransport(apple),
        clock=clock,
        **kw,
    )


def ids(batches: list[Batch]) -> list[str]:
    return [r.external_id[-3:] for b in batches for r in b.records]


def test_first_poll_reads_every_page_and_moves_the_cursor_last(key_file: Path) -> None:
    apple = Apple()
    src = source(apple, key_file)
    assert isinstance(src, Source)
    batches = list(src.fetch(None))
    assert [b.final for b in batches] == [False, False, True]
    assert [b.cursor for b in batches[:2]] == [None, None]
    # -07:00 on 3 Nov 21:40 is later than +05:30 on 4 Nov 09:05: instants, not text
    assert batches[-1].cursor == {"created": "2026-11-04T04:40:12+00:00"}
    assert ids(batches) == ["101", "102", "103", "104", "105", "106", "107", "108"]
    assert [b.requests for b in batches] == [1, 1, 1]
    assert all(not b.rejected for b in batches)
    first = batches[0].records[0]
    assert first.platform is Platform.APP_STORE
    assert first.territory == "IN"
    assert first.account_hint == APP
    assert first.reply is not None and first.reply.state == "PUBLISHED"
    # the real host's links.next is followed on our host only: the JWT goes nowhere else
    assert {r.url.host for r in apple.seen} == {"asc.sandbox.test"}
    params = apple.seen[0].url.params
    assert (params["sort"], params["limit"], params["include"]) == (
        "-createdDate",
        "200",
        "response",
    )
    assert [r.url.params.get("cursor") for r in apple.seen] == [None, "Mw", "Ng"]


def test_second_poll_stops_at_the_cursor_and_sees_a_new_review(key_file: Path) -> None:
    apple = Apple()
    src = source(apple, key_file)
    cursor = list(src.fetch(None))[-1].cursor
    apple.seen.clear()

    again = list(src.fetch(cursor))
    assert len(again) == 1 and again[0].final
    assert again[0].cursor == cursor  # nothing newer
    assert len(apple.seen) == 1  # page 1 holds a review older than the cursor

    fresh = copy.deepcopy(apple.pages[None]["data"][1])
    fresh["id"] = "7a2f0c11-0000-4c3e-9b1d-000000000109"
    fresh["attributes"].update(
        createdDate="2026-11-05T08:30:00+05:30", body="Dobara becha, phir se badiya ✅", rating=5
    )
    apple.pages[None]["data"].insert(0, fresh)
    newer = list(src.fetch(cursor))
    assert ids(newer)[0] == "109"
    assert newer[-1].cursor == {"created": "2026-11-05T03:00:00+00:00"}


def test_reviews_at_the_cursor_instant_are_read_again_and_no_page_is_skipped(
    key_file: Path,
) -> None:
    apple = Apple()
    src = source(apple, key_file)
    # the last review of page 2, written in another offset: same instant, so not older
    batches = list(src.fetch({"created": "2026-10-29T22:30:00-06:00"}))
    assert [r.url.params.get("cursor") for r in apple.seen] == [None, "Mw", "Ng"]
    assert ids(batches)[-3:] == ["106", "107", "108"]
    assert batches[-1].cursor == {"created": "2026-11-04T04:40:12+00:00"}


def test_rescan_days_reads_back_for_responses_made_elsewhere(key_file: Path) -> None:
    apple = Apple()
    cursor = {"created": "2026-11-04T04:40:12+00:00"}
    assert len(list(source(apple, key_file).fetch(cursor))) == 1
    apple.seen.clear()
    batches = list(source(apple, key_file, rescan_days=7).fetch(cursor))
    assert [r.url.params.get("cursor") for r in apple.seen] == [None, "Mw", "Ng"]
    assert batches[-1].cursor == cursor


def test_jwt_claims_reuse_expiry_and_renewal_after_401(
    key_file: Path, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    now = [NOW]
    apple = Apple()
    src = source(apple, key_file, clock=lambda: now[0])
    list(src.fetch(None))
    tokens = [r.headers["Authorization"].removeprefix("Bearer ") for r in apple.seen]
    assert len(tokens) == 3 and len(set(tokens)) == 1  # one token for the whole poll

    header = jwt.get_unverified_header(tokens[0])
    assert (header["alg"], header["kid"], header["typ"]) == ("ES256", KEY_ID, "JWT")
    claims = jwt.decode(
        tokens[0],
        ec_key.public_key(),
        algorithms=["ES256"],
        audience="appstoreconnect-v1",
        options={"verify_exp": False},
    )
    assert claims["iss"] == ISSUER
    assert claims["iat"] == int(NOW.timestamp())
    assert 0 < claims["exp"] - claims["iat"] <= 1200

    now[0] = NOW + timedelta(minutes=17, seconds=59)  # still more than 60 s left
    assert src.token() == tokens[0]
    now[0] = NOW + timedelta(minutes=18, seconds=1)  # under 60 s left: a new one
    renewed = src.token()
    assert renewed != tokens[0]
    assert jwt.decode(
        renewed,
        ec_key.public_key(),
        algorithms=["ES256"],
        audience="appstoreconnect-v1",
        options={"verify_exp": False},
    )["iat"] == int(now[0].timestamp())

    # Apple refuses the token it holds (revoked, clock skew): one new token, one retry
    refused = {renewed}
    apple.seen.clear()

    def deny(request: httpx.Request) -> httpx.Response | None:
        if request.headers["Authorization"].removeprefix("Bearer ") in refused:
            return httpx.Response(401, json=page("asc_error_401.json"))
        return None

    apple.override = deny
    assert len(list(src.fetch({"created": "2026-11-04T04:40:12+00:00"}))) == 1
    sent = [r.headers["Authorization"].removeprefix("Bearer ") for r in apple.seen]
    assert sent[0] == renewed and sent[1] != renewed and len(sent) == 2

    refused.add(sent[1])
    refused.add(src.token())
    apple.override = lambda request: httpx.Response(401, json=page("asc_error_401.json"))
    with pytest.raises(AuthError, match="NOT_AUTHORIZED"):
        list(src.fetch(None))


@pytest.mark.parametrize("kind", ["missing", "garbage", "rsa"])
def test_unusable_key_is_an_auth_error_without_key_material(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "AuthKey.p8"
    secret = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n"
    if kind == "garbage":
        path.write_text(secret + "-----END PRIVATE KEY-----\n")
    elif kind == "rsa":
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            rsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    apple = Apple()
    with pytest.raises(AuthError) as info:
        list(source(apple, path).fetch(None))
    message = str(info.value)
    assert "App Store Connect" in message and str(path) in message
    assert "MIG" not in message and "BEGIN" not in message
    assert apple.seen == []  # nothing sent without a token


def test_reply_is_pending_publish_and_reads_back(key_file: Path) -> None:
    apple = Apple()
    src = source(apple, key_file)
    review = "7a2f0c11-0000-4c3e-9b1d-000000000102"
    assert src.get_reply(review) is None  # 404: no response yet

    text = "Namaste Ankit ji, pickup mein deri ke liye maafi 🙏 – Team Resello"
    receipt = src.reply(review, text)
    assert receipt.state == "PENDING_PUBLISH"
    assert receipt.reply_id == "9c1d2e3f-0000-4a5b-8c6d-000000000902"
    assert receipt.text == text
    assert receipt.replied_at == datetime(2026, 11, 5, 6, 31, tzinfo=UTC)

    posted = next(r for r in apple.seen if r.method == "POST")
    assert json.loads(posted.content) == {
        "data": {
            "type": "customerReviewResponses",
            "attributes": {"responseBody": text},
            "relationships": {"review": {"data": {"type": "customerReviews", "id": review}}},
        }
    }
    assert posted.headers["Content-Type"] == "application/json"

    assert src.get_reply(review) == PlatformReply(
        text=text,
        replied_at=datetime(2026, 11, 5, 6, 31, tzinfo=UTC),
        external_id="9c1d2e3f-0000-4a5b-8c6d-000000000902",
        state="PENDING_PUBLISH",
    )


@pytest.mark.parametrize("status", [409, 422])
def test_refused_reply_carries_apples_detail(key_file: Path, status: int) -> None:
    apple = Apple()
    apple.override = lambda request: httpx.Response(status, json=page("asc_error_409.json"))
    with pytest.raises(Rejected) as info:
        source(apple, key_file).reply("7a2f0c11-0000-4c3e-9b1d-000000000102", "Thanks!")
    assert "A response for this review is being deleted" in str(info.value)
    assert len(apple.seen) == 1  # a refusal is not retried


def test_low_rate_limit_stops_early_with_the_old_cursor(key_file: Path) -> None:
    assert parse_rate_limit("user-hour-lim:3500;user-hour-rem:500;") == {
        "user-hour-lim": 3500,
        "user-hour-rem": 500,
    }
    apple = Apple()
    apple.rate_remaining = 12
    src = source(apple, key_file)
    old = {"created": "2026-10-01T00:00:00+00:00"}
    batches = list(src.fetch(old))
    assert len(batches) == 1 and batches[0].final
    assert batches[0].cursor == old
    assert len(batches[0].records) == 3  # the page read is kept
    assert src.rate_limit_remaining == 12
    assert any("only 12 more requests this hour of 3500" in n for n in batches[0].notes)
    assert len(apple.seen) == 1


def test_429_waits_for_retry_after(key_file: Path) -> None:
    apple = Apple()
    calls = iter([httpx.Response(429, headers={"Retry-After": "12"})])
    apple.override = lambda request: next(calls, None)
    slept: list[float] = []
    batches = list(source(apple, key_file, slept=slept).fetch(None))
    assert slept == [12]
    assert batches[0].requests == 2  # the retry counts
    assert batches[-1].final


def test_500_storm_is_unavailable(key_file: Path) -> None:
    apple = Apple()
    apple.override = lambda request: httpx.Response(
        500, json={"errors": [{"status": "500", "code": "UNEXPECTED_ERROR"}]}
    )
    slept: list[float] = []
    with pytest.raises(Unavailable, match="HTTP 500 on /v1/apps/1589034512/customerReviews"):
        list(source(apple, key_file, slept=slept).fetch(None))
    assert len(apple.seen) == 3 and len(slept) == 2


def test_malformed_page_without_next_ends_with_the_old_cursor(key_file: Path) -> None:
    apple = Apple()
    apple.pages["Mw"] = b"<html><body>502 Bad Gateway</body></html>"
    old = {"created": "2026-10-01T00:00:00+00:00"}
    batches = list(source(apple, key_file).fetch(old))
    assert [b.final for b in batches] == [False, True]
    assert batches[-1].cursor == old
    assert batches[-1].records == []
    [rejected] = batches[-1].rejected
    assert rejected.position == "page 2"
    assert "is not JSON" in rejected.reason
    assert "502 Bad Gateway" in rejected.raw


def test_wrong_shape_page_with_next_goes_on_but_keeps_the_cursor(key_file: Path) -> None:
    apple = Apple()
    apple.pages["Mw"] = {"data": "oops", "links": apple.pages["Mw"]["links"]}
    batches = list(source(apple, key_file).fetch(None))
    assert [r.url.params.get("cursor") for r in apple.seen] == [None, "Mw", "Ng"]
    assert batches[1].rejected[0].reason == "data is text, not a list of reviews"
    assert ids(batches) == ["101", "102", "103", "107", "108"]
    assert batches[-1].cursor is None  # the old cursor: page 2 is read again next time
    assert any("could not be read" in n for n in batches[-1].notes)


def test_next_link_looping_back_ends_the_poll_with_the_old_cursor(key_file: Path) -> None:
    apple = Apple()
    apple.pages["Ng"]["links"]["next"] = apple.pages["Mw"]["links"]["next"]  # page 3 → page 3
    batches = list(source(apple, key_file).fetch(None))
    assert [r.url.params.get("cursor") for r in apple.seen] == [None, "Mw", "Ng"]
    assert batches[-1].final and batches[-1].cursor is None
    assert "next-page link back to a page already read" in batches[-1].notes[0]
