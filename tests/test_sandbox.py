"""The loopback sandbox: every endpoint over a real socket, paging, replies, auth and faults."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from inbox.demo import shifted_documents
from sources.app_store import parse_asc, parse_itunes_rss
from sources.base import ParseOptions, Platform
from sources.gbp import parse_gbp
from sources.google_play import parse_play_api
from sources.http import Http, RetryPolicy, make_client
from sources.instagram import parse_instagram
from sources.sandbox import Fault, Sandbox, SandboxData

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PKG = "in.resello.app"
APP = "1589034512"
IG_USER = "17841400000000001"
ACCOUNT = "accounts/11223344556677889900"
LOCATIONS = [f"{ACCOUNT}/locations/{n}" for n in (4501, 4502, 4503)]
IG = {"Authorization": "Bearer sandbox-ig-token"}
PLAY = f"/androidpublisher/v3/applications/{PKG}/reviews"
MEDIA_FIELDS = "id,caption,permalink,timestamp,username,comments_count"
COMMENT_FIELDS = (
    "id,text,timestamp,username,like_count,hidden,from,parent_id,"
    "replies{id,text,timestamp,username,from}"
)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_docs() -> dict[str, Any]:
    return {name: doc for name, _fmt, doc in shifted_documents(NOW)}


def demo_data(docs: dict[str, Any]) -> SandboxData:
    return SandboxData.from_documents(
        play_pages=docs["play_api_earlier.json"] + docs["play_api.json"],
        asc_pages=docs["asc.json"],
        gbp_pages=docs["gbp_earlier.json"] + docs["gbp.json"],
        instagram_pages=docs["instagram.json"],
    )


def ticking(step: timedelta = timedelta(milliseconds=1)) -> Callable[[], datetime]:
    """A clock at NOW that moves `step` per reading."""
    ticks = itertools.count()
    return lambda: NOW + step * next(ticks)


@pytest.fixture
def sandbox(demo_docs: dict[str, Any]) -> Iterator[Sandbox]:
    with Sandbox(demo_data(demo_docs), play_window_days=None, clock=ticking()) as sb:
        yield sb
    assert sb.errors == []


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url, timeout=5) as c:
        yield c


def google(client: httpx.Client) -> dict[str, str]:
    """Authorization header from a real refresh-token grant."""
    answer = client.post("/token", data={"grant_type": "refresh_token", "refresh_token": "r1"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    return {"Authorization": f"Bearer {body['access_token']}"}


def asc_token(
    key: ec.EllipticCurvePrivateKey | None = None,
    *,
    kid: str | None = "KEY123",
    alg: str = "ES256",
    aud: str = "appstoreconnect-v1",
    lifetime: int = 1200,
    issued: float | None = None,
) -> str:
    issued = time.time() if issued is None else issued
    claims = {"iss": "issuer-1", "iat": int(issued), "exp": int(issued) + lifetime, "aud": aud}
    headers = {"kid": kid} if kid else {}
    if alg == "HS256":
        return jwt.encode(claims, "a-shared-secret-of-32-bytes-long!", algorithm=alg)
    signer = key or ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(claims, signer, algorithm=alg, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def play_walk(client: httpx.Client, headers: dict[str, str], size: int) -> list[dict[str, Any]]:
    reviews: list[dict[str, Any]] = []
    params: dict[str, Any] = {"maxResults": size}
    while True:
        page = client.get(PLAY, params=params, headers=headers)
        assert page.status_code == 200
        body = page.json()
        reviews += body.get("reviews", [])
        token = body.get("tokenPagination", {}).get("nextPageToken")
        if not token:
            return reviews
        params["token"] = token


def modified(review: dict[str, Any]) -> tuple[int, int]:
    stamp = review["comments"][0]["userComment"]["lastModified"]
    return int(stamp["seconds"]), int(stamp["nanos"])


# --------------------------------------------------------------------------- data


def test_from_documents_holds_the_demo_files(demo_docs: dict[str, Any]) -> None:
    counts = demo_data(demo_docs).counts()
    assert counts["google_play"]["reviews"] == 256
    assert counts["app_store"] == {"reviews": 160, "responses": 59, "pending_publish": 3}
    assert counts["gbp"]["reviews"] == 128
    assert counts["gbp"]["locations"] == 3
    assert counts["instagram"]["media"] == 12
    assert counts["instagram"]["comments"] == 96


def test_later_version_of_a_review_wins(demo_docs: dict[str, Any]) -> None:
    data = demo_data(demo_docs)
    earlier = demo_docs["play_api_earlier.json"][0]["reviews"][0]
    kept = data.play.reviews[earlier["reviewId"]]
    assert modified(kept) > modified(earlier)


def test_synthetic_is_fast_and_pages_through_all_play_reviews() -> None:
    started = time.perf_counter()
    data = SandboxData.synthetic(10_000, seed=7, now=NOW)
    built = time.perf_counter() - started
    assert built < 3
    counts = data.counts()
    assert counts["google_play"]["reviews"] == 10_000
    assert counts["app_store"]["reviews"] == 10_000
    assert counts["gbp"]["reviews"] == 10_000
    assert counts["gbp"]["locations"] == 3
    assert counts["instagram"]["comments"] == 10_000
    with Sandbox(data, clock=lambda: NOW) as sb, httpx.Client(base_url=sb.base_url) as c:
        reviews = play_walk(c, google(c), 100)
        assert len(sb.requests) == 1 + 100
    assert len({r["reviewId"] for r in reviews}) == 10_000
    stamps = [modified(r) for r in reviews]
    assert stamps == sorted(stamps, reverse=True)
    again = SandboxData.synthetic(50, seed=7, now=NOW)
    assert list(again.play.reviews) == list(SandboxData.synthetic(50, seed=7, now=NOW).play.reviews)


# --------------------------------------------------------------------------- Google auth


def test_google_endpoints_refuse_missing_or_unknown_tokens(client: httpx.Client) -> None:
    for headers in ({}, bearer("ya29.made-up")):
        answer = client.get(PLAY, headers=headers)
        assert answer.status_code == 401
        error = answer.json()["error"]
        assert error["code"] == 401
        assert error["status"] == "UNAUTHENTICATED"
        assert error["message"] == "Request had invalid authentication credentials."
    assert client.get(f"/v4/{LOCATIONS[0]}/reviews").status_code == 401


def test_service_account_jwt_grant_then_bearer_call(client: httpx.Client) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {
        "iss": "sa@project.iam.gserviceaccount.com",
        "scope": "https://www.googleapis.com/auth/androidpublisher",
        "aud": f"{client.base_url}token",
        "iat": now,
        "exp": now + 3600,
    }
    assertion = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    answer = client.post("/token", data={"grant_type": grant, "assertion": assertion})
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    assert client.get(PLAY, headers=bearer(token)).status_code == 200

    expired = jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, key, algorithm="RS256")
    refused = client.post("/token", data={"grant_type": grant, "assertion": expired})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert client.post("/token", data={"grant_type": grant, "assertion": "x"}).status_code == 400
    odd = client.post("/token", data={"grant_type": "password"})
    assert odd.json()["error"] == "unsupported_grant_type"


def test_revoked_tokens_need_a_new_grant(sandbox: Sandbox, client: httpx.Client) -> None:
    headers = google(client)
    sandbox.revoke_google_tokens()
    assert client.get(PLAY, headers=headers).status_code == 401
    assert client.get(PLAY, headers=google(client)).status_code == 200


# --------------------------------------------------------------------------- Play


@pytest.mark.parametrize("size", [100, 37])
def test_play_pages_hold_every_review_once_newest_first(client: httpx.Client, size: int) -> None:
    reviews = play_walk(client, google(client), size)
    assert len(reviews) == 256
    assert len({r["reviewId"] for r in reviews}) == 256
    stamps = [modified(r) for r in reviews]
    assert stamps == sorted(stamps, reverse=True)
    parsed = parse_play_api({"reviews": reviews})
    assert len(parsed.records) == 256
    assert parsed.rejected == []


def test_play_page_size_is_capped_and_bad_tokens_refused(client: httpx.Client) -> None:
    headers = google(client)
    page = client.get(PLAY, params={"maxResults": 500}, headers=headers).json()
    assert len(page["reviews"]) == 100
    assert len(client.get(PLAY, headers=headers).json()["reviews"]) == 10  # the API's default
    bad = client.get(PLAY, params={"token": "not-a-token"}, headers=headers)
    assert bad.status_code == 400
    assert bad.json()["error"]["status"] == "INVALID_ARGUMENT"
    other = client.get("/androidpublisher/v3/applications/com.other/reviews", headers=headers)
    assert other.status_code == 404


def test_play_window_hides_reviews_older_than_seven_days(demo_docs: dict[str, Any]) -> None:
    data = demo_data(demo_docs)
    cutoff = (NOW - timedelta(days=7)).timestamp()
    fresh = [
        r for r in data.play.reviews.values() if modified(r)[0] + modified(r)[1] / 1e9 >= cutoff
    ]
    old, older = [r for r in data.play.reviews.values() if modified(r)[0] < cutoff][:2]
    assert 0 < len(fresh) < 256
    with Sandbox(data, clock=lambda: NOW) as sb, httpx.Client(base_url=sb.base_url) as c:
        headers = google(c)
        seen = play_walk(c, headers, 100)
        assert {r["reviewId"] for r in seen} == {r["reviewId"] for r in fresh}
        sb.edit_review(Platform.GOOGLE_PLAY, old["reviewId"], text="Edited: got paid", rating=4)
        first = c.get(PLAY, params={"maxResults": 1}, headers=headers).json()["reviews"][0]
        assert first["reviewId"] == old["reviewId"]
        comment = first["comments"][0]["userComment"]
        assert (comment["text"], comment["starRating"]) == ("Edited: got paid", 4)
        # one review stays readable by id even outside the window
        assert c.get(f"{PLAY}/{older['reviewId']}", headers=headers).status_code == 200


def test_play_reply_is_stored_overwritten_and_checked(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    headers = google(client)
    review = play_walk(client, headers, 100)[-1]
    assert len(review["comments"]) == 1
    url = f"{PLAY}/{review['reviewId']}"
    answer = client.post(f"{url}:reply", json={"replyText": "Sorry! We're on it."}, headers=headers)
    assert answer.status_code == 200
    result = answer.json()["result"]
    assert result["replyText"] == "Sorry! We're on it."
    assert int(result["lastEdited"]["seconds"]) == int(NOW.timestamp())
    again = client.post(f"{url}:reply", json={"replyText": "Paid <b>today</b>."}, headers=headers)
    assert again.json()["result"]["replyText"] == "Paid today."  # HTML tags stripped
    stored = client.get(url, headers=headers).json()
    assert len(stored["comments"]) == 2
    assert stored["comments"][1]["developerComment"]["text"] == "Paid today."
    assert sandbox.reply_of("google_play", review["reviewId"]) == "Paid today."

    long = client.post(f"{url}:reply", json={"replyText": "x" * 351}, headers=headers)
    assert long.status_code == 400
    assert long.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert client.post(f"{url}:reply", json={"replyText": "x" * 350}, headers=headers).is_success
    missing = client.post(f"{PLAY}/gp:nope:reply", json={"replyText": "hi"}, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"
    garbled = client.post(f"{url}:reply", content=b"{not json", headers=headers)
    assert garbled.status_code == 400


def test_play_through_the_google_api_client(sandbox: Sandbox) -> None:
    from google.oauth2 import service_account
    from googleapiclient.discovery import build  # type: ignore[import-untyped]

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "sa@project.iam.gserviceaccount.com",
        "token_uri": sandbox.token_uri,
    }
    creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=["https://www.googleapis.com/auth/androidpublisher"]
    )
    service = build(
        "androidpublisher",
        "v3",
        credentials=creds,
        static_discovery=True,
        client_options={"api_endpoint": sandbox.base_url},
    )
    try:
        listed = service.reviews().list(packageName=PKG, maxResults=100).execute()
        review_id = listed["reviews"][0]["reviewId"]
        service.reviews().reply(
            packageName=PKG, reviewId=review_id, body={"replyText": "Thanks!"}
        ).execute()
    finally:
        service.close()
    assert sandbox.reply_of(Platform.GOOGLE_PLAY, review_id) == "Thanks!"
    assert sandbox.requests[0].path == "/token"


# --------------------------------------------------------------------------- App Store Connect


def asc_walk(
    client: httpx.Client, headers: dict[str, str], url: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    reviews: list[dict[str, Any]] = []
    included: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        answer = client.get(next_url, headers=headers)
        assert answer.status_code == 200
        body = answer.json()
        pages.append(body)
        reviews += body["data"]
        included += body.get("included", [])
        next_url = body["links"].get("next")
    return reviews, included, pages


def test_asc_pages_follow_absolute_next_links(client: httpx.Client) -> None:
    headers = bearer(asc_token())
    url = f"/v1/apps/{APP}/customerReviews?sort=-createdDate&limit=50&include=response"
    reviews, included, pages = asc_walk(client, headers, url)
    assert len(pages) == 4
    assert len({r["id"] for r in reviews}) == 160
    created = [datetime.fromisoformat(r["attributes"]["createdDate"]) for r in reviews]
    assert created == sorted(created, reverse=True)
    assert len(included) == 59
    first = pages[0]
    assert first["meta"]["paging"]["total"] == 160
    assert first["links"]["next"].startswith(f"{client.base_url}/v1/apps/{APP}/customerReviews?")
    assert "cursor=" in first["links"]["next"]
    assert "next" not in pages[-1]["links"]
    parsed = parse_asc(pages)
    assert len(parsed.records) == 160
    assert sum(1 for r in parsed.records if r.reply) == 59

    oldest_first, _, _ = asc_walk(
        client, headers, f"/v1/apps/{APP}/customerReviews?sort=createdDate&limit=200"
    )
    assert [r["id"] for r in oldest_first] == [r["id"] for r in reversed(reviews)]
    assert "data" not in oldest_first[0]["relationships"]["response"]


def test_asc_refuses_bad_parameters_in_apples_shape(client: httpx.Client) -> None:
    headers = bearer(asc_token())
    answer = client.get(f"/v1/apps/{APP}/customerReviews?limit=201", headers=headers)
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert (error["status"], error["code"]) == ("400", "PARAMETER_ERROR.INVALID")
    assert client.get(f"/v1/apps/{APP}/customerReviews?sort=x", headers=headers).status_code == 400
    assert client.get("/v1/apps/999/customerReviews", headers=headers).status_code == 404
    unknown = client.get("/v1/nothing", headers=headers)
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("token_args", "why"),
    [
        ({"alg": "HS256"}, "not ES256"),
        ({"kid": None}, "no kid"),
        ({"aud": "appstoreconnect-v2"}, "aud"),
        ({"lifetime": 1201}, "more than 1200"),
        ({"issued": time.time() - 1300}, "expired"),
    ],
)
def test_asc_checks_the_jwt(client: httpx.Client, token_args: dict[str, Any], why: str) -> None:
    answer = client.get(f"/v1/apps/{APP}/customerReviews", headers=bearer(asc_token(**token_args)))
    assert answer.status_code == 401
    error = answer.json()["errors"][0]
    assert (error["status"], error["code"]) == ("401", "NOT_AUTHORIZED")
    assert why in error["detail"]
    assert client.get(f"/v1/apps/{APP}/customerReviews").status_code == 401


def test_asc_verifies_signatures_of_registered_keys(sandbox: Sandbox, client: httpx.Client) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    sandbox.asc_public_keys["KEY123"] = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    url = f"/v1/apps/{APP}/customerReviews"
    assert client.get(url, headers=bearer(asc_token(key))).status_code == 200
    assert client.get(url, headers=bearer(asc_token())).status_code == 401  # another key
    assert client.get(url, headers=bearer(asc_token(key, kid="OTHER"))).status_code == 401


def test_asc_response_is_created_overwritten_and_read(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    headers = bearer(asc_token())
    reviews, _, _ = asc_walk(client, headers, f"/v1/apps/{APP}/customerReviews?limit=200")
    assert len(reviews) == 160
    unanswered = next(
        r["id"]
        for r in asc_walk(client, headers, f"/v1/apps/{APP}/customerReviews?include=response")[0]
        if r["relationships"]["response"]["data"] is None
    )
    response_url = f"/v1/customerReviews/{unanswered}/response"
    assert client.get(response_url, headers=headers).status_code == 404

    def post(text: str) -> httpx.Response:
        body = {
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": text},
                "relationships": {
                    "review": {"data": {"type": "customerReviews", "id": unanswered}}
                },
            }
        }
        return client.post("/v1/customerReviewResponses", json=body, headers=headers)

    created = post("Sorry, we're calling you today.")
    assert created.status_code == 201
    data = created.json()["data"]
    assert data["type"] == "customerReviewResponses"
    assert data["attributes"]["state"] == "PENDING_PUBLISH"
    assert data["attributes"]["responseBody"] == "Sorry, we're calling you today."
    assert data["attributes"]["lastModifiedDate"]
    replaced = post("Refund sent.").json()["data"]
    assert replaced["id"] == data["id"]
    shown = client.get(response_url, headers=headers).json()["data"]
    assert shown["attributes"]["responseBody"] == "Refund sent."
    assert sandbox.reply_of(Platform.APP_STORE, unanswered) == "Refund sent."
    assert sandbox.publish_app_store_responses() == 4
    assert client.get(response_url, headers=headers).json()["data"]["attributes"]["state"] == (
        "PUBLISHED"
    )
    bad = client.post(
        "/v1/customerReviewResponses",
        json={"data": {"type": "customerReviewResponses", "attributes": {"responseBody": "x"}}},
        headers=headers,
    )
    assert bad.status_code == 409
    assert bad.json()["errors"][0]["code"] == "ENTITY_ERROR.RELATIONSHIP.REQUIRED"


# --------------------------------------------------------------------------- iTunes RSS


def rss(client: httpx.Client, cc: str, page: int, app: str = APP) -> httpx.Response:
    return client.get(f"/{cc}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/json")


def test_rss_feed_shape_and_pages(client: httpx.Client) -> None:
    pages = [rss(client, "in", n).json() for n in range(1, 5)]
    entries = [e for page in pages for e in page["feed"]["entry"]]
    assert "im:rating" not in entries[0]  # the app's own entry opens page 1
    assert entries[0]["im:name"]["label"] == "Resello"
    reviews = entries[1:]
    assert len(reviews) == 155
    assert [len(p["feed"]["entry"]) for p in pages] == [51, 50, 50, 5]
    assert len({e["id"]["label"] for e in reviews}) == 155
    assert all(isinstance(e["im:rating"]["label"], str) for e in reviews)
    updated = [datetime.fromisoformat(e["updated"]["label"]) for e in reviews]
    assert updated == sorted(updated, reverse=True)
    parsed = parse_itunes_rss(pages)
    assert len(parsed.records) == 155
    assert {r.territory for r in parsed.records} == {"IN"}
    assert "entry" not in rss(client, "in", 5).json()["feed"]
    assert isinstance(rss(client, "de", 1).json()["feed"]["entry"], dict)  # the app entry only
    assert len(rss(client, "us", 1).json()["feed"]["entry"]) == 3
    assert "entry" not in rss(client, "us", 1, app="42").json()["feed"]
    deep = rss(client, "in", 11)
    assert deep.status_code == 400
    assert (
        client.get("/in/rss/customerreviews/page=1/id=1/sortby=mostrecent/xml").status_code == 404
    )


def test_rss_single_entry_is_a_dict() -> None:
    with (
        Sandbox(SandboxData(), clock=ticking(timedelta(minutes=1))) as sb,
        httpx.Client(base_url=sb.base_url) as c,
    ):
        for n in range(51):
            sb.add_review("app_store", text=f"review {n}", rating=4, territory="FRA")
        page2 = rss(c, "fr", 2).json()["feed"]
        assert isinstance(page2["entry"], dict)
        assert page2["entry"]["content"]["label"] == "review 0"


# --------------------------------------------------------------------------- Business Profile


def gbp_walk(
    client: httpx.Client, headers: dict[str, str], location: str, size: int
) -> list[dict[str, Any]]:
    reviews: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pageSize": size, "orderBy": "updateTime desc"}
    while True:
        body = client.get(f"/v4/{location}/reviews", params=params, headers=headers).json()
        reviews += body.get("reviews", [])
        if "nextPageToken" not in body:
            return reviews
        params["pageToken"] = body["nextPageToken"]


@pytest.mark.parametrize("size", [50, 7])
def test_gbp_pages_per_location(client: httpx.Client, size: int) -> None:
    headers = google(client)
    seen: list[dict[str, Any]] = []
    for location in LOCATIONS:
        reviews = gbp_walk(client, headers, location, size)
        assert all(r["name"].startswith(f"{location}/reviews/") for r in reviews)
        times = [datetime.fromisoformat(r["updateTime"]) for r in reviews]
        assert times == sorted(times, reverse=True)
        seen += reviews
    assert len(seen) == 128
    assert len({r["name"] for r in seen}) == 128
    assert len(parse_gbp({"reviews": seen}).records) == 128
    first = client.get(f"/v4/{LOCATIONS[0]}/reviews", headers=headers).json()
    assert len(first["reviews"]) == 50
    assert first["totalReviewCount"] == 55
    assert isinstance(first["averageRating"], float)


def test_gbp_reply_upserts_and_counts_bytes(sandbox: Sandbox, client: httpx.Client) -> None:
    headers = google(client)
    review = next(r for r in gbp_walk(client, headers, LOCATIONS[1], 50) if "reviewReply" not in r)
    url = f"/v4/{review['name']}"
    answer = client.put(f"{url}/reply", json={"comment": "Thank you, Priya!"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["comment"] == "Thank you, Priya!"
    assert answer.json()["updateTime"].endswith("Z")
    client.put(f"{url}/reply", json={"comment": "Updated thanks."}, headers=headers)
    stored = client.get(url, headers=headers).json()
    assert stored["reviewReply"]["comment"] == "Updated thanks."
    assert sandbox.reply_of("gbp", review["reviewId"]) == "Updated thanks."

    rupees = "₹" * 1366  # 1,366 characters but 4,098 UTF-8 bytes
    too_long = client.put(f"{url}/reply", json={"comment": rupees}, headers=headers)
    assert too_long.status_code == 400
    assert too_long.json()["error"]["status"] == "INVALID_ARGUMENT"
    fits = "₹" * 1365 + "a"  # 4,096 bytes
    assert client.put(f"{url}/reply", json={"comment": fits}, headers=headers).status_code == 200
    gone = client.put(
        f"/v4/{LOCATIONS[1]}/reviews/nope/reply", json={"comment": "x"}, headers=headers
    )
    assert gone.status_code == 404
    assert client.get(f"/v4/{ACCOUNT}/locations/1/reviews", headers=headers).status_code == 404


def test_edits_and_new_reviews_come_first(sandbox: Sandbox, client: httpx.Client) -> None:
    headers = google(client)
    oldest = gbp_walk(client, headers, LOCATIONS[2], 50)[-1]
    sandbox.edit_review("gbp", oldest["reviewId"], text="Better now", rating=5)
    first = client.get(f"/v4/{LOCATIONS[2]}/reviews?pageSize=1", headers=headers).json()
    assert first["reviews"][0]["reviewId"] == oldest["reviewId"]
    assert first["reviews"][0]["starRating"] == "FIVE"
    new_id = sandbox.add_review("gbp", text="Fresh", rating=2, location=LOCATIONS[2])
    first = client.get(f"/v4/{LOCATIONS[2]}/reviews?pageSize=1", headers=headers).json()
    assert first["reviews"][0]["reviewId"] == new_id
    play_id = sandbox.add_review("google_play", text="App hangs", rating=1, author="Asha")
    newest = client.get(PLAY, params={"maxResults": 1}, headers=headers).json()["reviews"][0]
    assert newest["reviewId"] == play_id
    asc_id = sandbox.add_review(Platform.APP_STORE, text="Nice", rating=5, title="Good")
    sandbox.edit_review(Platform.APP_STORE, asc_id, text="Nice, paid fast")
    one = client.get(f"/v1/customerReviews/{asc_id}", headers=bearer(asc_token())).json()
    assert one["data"]["attributes"]["body"] == "Nice, paid fast"
    with pytest.raises(ValueError, match="cannot be edited"):
        sandbox.edit_review("instagram", "1", text="x")


# --------------------------------------------------------------------------- Instagram


def ig_walk(client: httpx.Client, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    answer = client.get(url, params=params, headers=IG)
    while True:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["data"]
        link = body.get("paging", {}).get("next")
        if not link:
            return items
        assert link.startswith(str(client.base_url).rstrip("/") + "/v25.0/")
        assert "access_token" not in link
        answer = client.get(link, headers=IG)


def test_instagram_media_and_comments_paging(client: httpx.Client) -> None:
    media = ig_walk(client, f"/v25.0/{IG_USER}/media", {"fields": MEDIA_FIELDS, "limit": 5})
    assert len(media) == 12
    times = [m["timestamp"] for m in media]
    assert times == sorted(times, reverse=True)
    assert "comments" not in media[0]
    comments: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    for item in media:
        found = ig_walk(
            client, f"/v25.0/{item['id']}/comments", {"fields": COMMENT_FIELDS, "limit": 7}
        )
        stamps = [c["timestamp"] for c in found]
        assert stamps == sorted(stamps, reverse=True)
        replies = sum(len(c.get("replies", {}).get("data", [])) for c in found)
        assert item["comments_count"] == len(found) + replies
        comments += found
        pages.append({**item, "comments": {"data": found}})
    assert len(comments) == 96
    assert len({c["id"] for c in comments}) == 96
    assert sum(c["hidden"] for c in comments) == 3
    threaded = next(c for c in comments if "replies" in c)
    assert set(threaded["replies"]) == {"data"}
    parsed = parse_instagram({"data": pages}, ParseOptions(own_username="resello.in"))
    assert parsed.rejected == []
    assert sum(1 for r in parsed.records if r.reply) > 20

    default = client.get(f"/v19.0/{media[0]['id']}/comments", headers=IG).json()["data"][0]
    assert set(default) == {"id", "text", "timestamp"}  # the Graph API's default fields
    unknown = client.get(f"/v25.0/{media[0]['id']}?fields=id,bogus", headers=IG)
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == 100


def test_instagram_replies(sandbox: Sandbox, client: httpx.Client) -> None:
    media = client.get(f"/v25.0/{IG_USER}/media", headers=IG).json()["data"]
    comments = [
        c
        for m in media
        for c in client.get(
            f"/v25.0/{m['id']}/comments", params={"fields": COMMENT_FIELDS, "limit": 50}, headers=IG
        ).json()["data"]
    ]
    open_one = next(c for c in comments if not c["hidden"] and "replies" not in c)
    answer = client.post(
        f"/v25.0/{open_one['id']}/replies", params={"message": "DM us"}, headers=IG
    )
    assert answer.status_code == 200
    reply_id = answer.json()["id"]
    listed = client.get(
        f"/v25.0/{open_one['id']}/replies", params={"fields": "id,text,username"}, headers=IG
    ).json()
    assert listed["data"] == [{"id": reply_id, "text": "DM us", "username": "resello.in"}]
    second = client.post(
        f"/v25.0/{open_one['id']}/replies", data={"message": "Sorted?"}, headers=IG
    )
    assert second.status_code == 200
    assert sandbox.reply_of("instagram", open_one["id"]) == "Sorted?"
    one = client.get(f"/v25.0/{reply_id}", params={"fields": "id,parent_id"}, headers=IG).json()
    assert one == {"id": reply_id, "parent_id": open_one["id"]}

    hidden = next(c for c in comments if c["hidden"])
    refused = client.post(f"/v25.0/{hidden['id']}/replies", params={"message": "x"}, headers=IG)
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "OAuthException"
    nested = client.post(f"/v25.0/{reply_id}/replies", params={"message": "x"}, headers=IG)
    assert nested.status_code == 400
    assert "top-level" in nested.json()["error"]["message"]
    empty = client.post(f"/v25.0/{open_one['id']}/replies", headers=IG)
    assert empty.status_code == 400
    unknown = client.post("/v25.0/123/replies", params={"message": "x"}, headers=IG)
    assert unknown.json()["error"]["error_subcode"] == 33


def test_instagram_token_only_in_the_header(client: httpx.Client) -> None:
    url = f"/v25.0/{IG_USER}/media"
    in_url = client.get(url, params={"access_token": "sandbox-ig-token"}, headers=IG)
    assert in_url.status_code == 400
    assert "access_token" in in_url.json()["error"]["message"]
    for headers in ({}, bearer("expired-token")):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["code"] == 190
        assert error["type"] == "OAuthException"
        assert error["message"].startswith("Error validating access token: Session has expired")


# --------------------------------------------------------------------------- faults


def test_429_with_retry_after_then_ok(sandbox: Sandbox, client: httpx.Client) -> None:
    headers = google(client)
    sandbox.faults.add(Fault(429, count=2, path_contains="/reviews", retry_after=3))
    for _ in range(2):
        limited = client.get(PLAY, headers=headers)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "3"
        assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert client.get(PLAY, headers=headers).status_code == 200

    slept: list[float] = []
    http = Http(
        make_client(sandbox.base_url), "Google Play", RetryPolicy(sleep=slept.append), headers.copy
    )
    sandbox.faults.add(Fault("429", path_contains="/reviews"))
    sandbox.faults.add(Fault("503", path_contains="/reviews"))
    assert "reviews" in http.json("GET", PLAY)
    assert slept[0] == 1
    assert http.requests == 3
    http.client.close()


def test_malformed_timeout_reset_and_401(sandbox: Sandbox, client: httpx.Client) -> None:
    sandbox.faults.add(Fault("malformed", path_contains="/media"))
    broken = client.get(f"/v25.0/{IG_USER}/media", headers=IG)
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        broken.json()

    sandbox.faults.add(Fault("timeout", seconds=1.0, path_contains="/rss/"))
    with pytest.raises(httpx.ReadTimeout):
        client.get("/in/rss/customerreviews/page=1/id=1/sortby=mostrecent/json", timeout=0.2)

    sandbox.faults.add(Fault("reset", method="GET"))
    with pytest.raises(httpx.TransportError):
        rss(client, "in", 1)
    assert rss(client, "in", 1).status_code == 200

    sandbox.faults.add(Fault(401, path_contains="/v1/"))
    expired = client.get(f"/v1/apps/{APP}/customerReviews", headers=bearer(asc_token()))
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["code"] == "NOT_AUTHORIZED"
    sandbox.faults.add(Fault(401, path_contains="/media"))
    assert client.get(f"/v25.0/{IG_USER}/media", headers=IG).json()["error"]["code"] == 190
    statuses = sorted(
        r.status
        for r in sandbox.requests
        if r.path != "/in/rss/customerreviews/page=1/id=1/sortby=mostrecent/json"
    )
    assert statuses == [0, 200, 200, 400, 401]


def test_faults_and_state_over_http(sandbox: Sandbox, client: httpx.Client) -> None:
    added = client.post(
        "/_sandbox/faults", json={"kind": "500", "count": 2, "path_contains": "/v4/"}
    )
    assert added.status_code == 201
    assert added.json()["faults"][0]["remaining"] == 2
    headers = google(client)  # /token is not faulted: the path does not match
    first = client.get(f"/v4/{LOCATIONS[0]}/reviews", headers=headers)
    assert first.status_code == 500
    assert first.json()["error"]["status"] == "INTERNAL"
    state = client.get("/_sandbox/state").json()
    assert state["faults"][0]["remaining"] == 1
    assert state["platforms"]["gbp"]["reviews"] == 128
    assert state["statuses"] == {"200": 1, "500": 1}
    assert client.delete("/_sandbox/faults").json() == {"faults": []}
    assert client.get(f"/v4/{LOCATIONS[0]}/reviews", headers=headers).status_code == 200
    assert client.post("/_sandbox/faults", json={"kind": "418"}).status_code == 400
    assert client.post("/_sandbox/faults", content=b"{").status_code == 400
    made = client.post(
        "/_sandbox/reviews", json={"platform": "google_play", "text": "New!", "rating": 3}
    )
    assert made.status_code == 201
    assert sandbox.data.play.reviews[made.json()["external_id"]]
    assert ("GET", f"/v4/{LOCATIONS[0]}/reviews", 500) in sandbox.requests
    assert all("?" not in r.path for r in sandbox.requests)


def test_bad_requests_never_stop_the_server(sandbox: Sandbox, client: httpx.Client) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.get("/v25.0").status_code == 404
    assert client.get("/androidpublisher/v3/x").json()["error"]["status"] == "NOT_FOUND"
    with socket.create_connection(("127.0.0.1", int(sandbox.base_url.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        raw.recv(1024)
    with socket.create_connection(("127.0.0.1", int(sandbox.base_url.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"POST /token HTTP/1.1\r\nContent-Length: 50\r\n\r\nshort")
    statuses: list[int] = []

    def poll() -> None:
        with httpx.Client(base_url=sandbox.base_url) as own:
            headers = google(own)
            for _ in range(10):
                statuses.append(own.get(PLAY, headers=headers).status_code)

    threads = [threading.Thread(target=poll) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 60
