"""Retries, Retry-After, token refresh and error sentences, with httpx's MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from sources.errors import AuthError, NotFound, RateLimited, Rejected, Unavailable
from sources.http import Http, RetryPolicy, make_client, retry_after_seconds


def http(
    handler: Callable[[httpx.Request], httpx.Response], **kw: object
) -> tuple[Http, list[float]]:
    slept: list[float] = []
    client = make_client("https://api.example.test", transport=httpx.MockTransport(handler))
    policy = RetryPolicy(attempts=4, base_seconds=1, max_backoff=8, sleep=slept.append)
    return Http(client, "Google Play", policy, **kw), slept  # type: ignore[arg-type]


def test_429_waits_as_told_then_succeeds() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(503),
            httpx.Response(200, json={"reviews": []}),
        ]
    )
    client, slept = http(lambda request: next(answers))
    assert client.json("GET", "/v3/reviews") == {"reviews": []}
    assert slept[0] == 7
    assert 0 <= slept[1] <= 2  # jittered backoff for the second attempt
    assert client.requests == 3


def test_500_storm_gives_up_with_a_sentence() -> None:
    client, slept = http(
        lambda request: httpx.Response(500, json={"error": {"message": "Backend Error"}})
    )
    with pytest.raises(Unavailable) as info:
        client.request("GET", "/v3/reviews?token=secret")
    assert str(info.value) == (
        "Google Play kept failing with HTTP 500 on /v3/reviews (4 attempts): Backend Error"
    )
    assert "secret" not in str(info.value)
    assert len(slept) == 3


def test_rate_limit_outlasting_retries() -> None:
    client, _ = http(lambda request: httpx.Response(429, headers={"Retry-After": "30"}))
    with pytest.raises(RateLimited) as info:
        client.request("GET", "/x")
    assert info.value.retry_after == 30
    assert "try again in 30 s" in str(info.value)


def test_timeouts_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, slept = http(handler)
    with pytest.raises(Unavailable, match="did not answer /x in time"):
        client.request("GET", "/x")
    assert len(slept) == 3


def test_401_refreshes_the_token_once() -> None:
    tokens = iter(["old", "new"])
    current = {"token": next(tokens)}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "Bearer old":
            return httpx.Response(401, json={"error": {"message": "Invalid Credentials"}})
        return httpx.Response(200, json={})

    client, _ = http(
        handler,
        auth=lambda: {"Authorization": f"Bearer {current['token']}"},
        refresh_auth=lambda: current.update(token=next(tokens)),
    )
    client.request("GET", "/x")
    assert seen == ["Bearer old", "Bearer new"]


def test_401_after_refresh_is_an_auth_error() -> None:
    client, _ = http(
        lambda request: httpx.Response(401, json={"error": {"message": "Token expired"}}),
        auth=lambda: {"Authorization": "Bearer t"},
        refresh_auth=lambda: None,
    )
    with pytest.raises(
        AuthError, match=r"refused the credentials \(expired or revoked\): Token expired"
    ):
        client.request("GET", "/x")


def test_other_statuses() -> None:
    client, _ = http(lambda request: httpx.Response(404, json={"errors": [{"detail": "no app"}]}))
    with pytest.raises(NotFound, match="does not know /v1/apps/9: no app"):
        client.request("GET", "/v1/apps/9")
    client, _ = http(lambda request: httpx.Response(400, text="<html>"))
    with pytest.raises(Rejected, match=r"refused /r \(HTTP 400\)$"):
        client.request("POST", "/r")


def test_malformed_json_is_a_clear_error() -> None:
    client, _ = http(lambda request: httpx.Response(200, content=b'{"reviews": [}'))
    with pytest.raises(Unavailable, match="not JSON"):
        client.json("GET", "/x")


def test_retry_after_http_date() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 25 Nov 2026 10:00:30 GMT"})
    assert retry_after_seconds(response, now=datetime(2026, 11, 25, 10, 0, tzinfo=UTC)) == 30
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
