"""HTTP for every source: one client per source, retries with backoff that honours
Retry-After (tenacity), and platform errors turned into sentences."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from sources._payload import error_message
from sources.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Rejected,
    SourceError,
    Unavailable,
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
USER_AGENT = "review-inbox/0.1 (+https://github.com/review-inbox)"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts in all, backoff base and cap, the longest Retry-After obeyed."""

    attempts: int = 5
    base_seconds: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


class _RetryableResponse(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RetryableResponse):
            after = retry_after_seconds(error.response)
            if after is not None:
                return min(after, policy.max_retry_after)
        # Full jitter: spreads retries of many pollers instead of synchronising them.
        ceiling = min(policy.max_backoff, policy.base_seconds * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # noqa: S311 (jitter, not security)

    return wait


def _retryable(error: BaseException) -> bool:
    return isinstance(error, _RetryableResponse | httpx.TransportError)


def _surely_not_processed(error: BaseException) -> bool:
    """For a request that must not run twice (posting an Instagram reply): retry only what
    the server cannot have acted on: no connection, or a refusal before any work (429)."""
    if isinstance(error, _RetryableResponse):
        return error.response.status_code == 429
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)


@dataclass
class Http:
    """One shared client for one source, with its retry policy and auth header provider.

    `auth` returns the headers to send; `refresh_auth` is called once after a 401 so an
    expired token (Google access token, App Store JWT) is renewed before giving up.
    """

    client: httpx.Client
    platform: str
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    auth: Callable[[], Mapping[str, str]] | None = None
    refresh_auth: Callable[[], None] | None = None
    requests: int = 0

    def request(
        self, method: str, url: str, *, idempotent: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send with retries; returns a 2xx response or raises a SourceError subclass.

        `idempotent=False`: a timeout, a reset or a 5xx may mean the server acted, so it is not
        retried here; the caller raises Unavailable and checks the platform before trying again.
        """
        refreshed = False
        while True:
            response = self._with_retries(method, url, idempotent=idempotent, **kwargs)
            if response.status_code == 401 and self.refresh_auth and not refreshed:
                self.refresh_auth()
                refreshed = True
                continue
            if response.is_success:
                return response
            raise self.error_for(response)

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.request(method, url, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except (ValueError, RecursionError) as exc:  # bad JSON, text or a huge number
            raise Unavailable(
                f"{self.platform} answered {url_path(url)} with something that is not JSON "
                f"({len(response.content)} bytes): {exc}"
            ) from None

    def _with_retries(
        self, method: str, url: str, *, idempotent: bool = True, **kwargs: Any
    ) -> httpx.Response:
        given = dict(kwargs.pop("headers", None) or {})  # sent again with every retry

        def attempt() -> httpx.Response:
            headers = dict(given)
            if self.auth is not None:
                headers.update(self.auth())
            self.requests += 1
            response = self.client.request(method, url, headers=headers, **kwargs)
            if response.status_code in RETRY_STATUSES:
                raise _RetryableResponse(response)
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=_wait(self.policy),
            retry=retry_if_exception(_retryable if idempotent else _surely_not_processed),
            sleep=self.policy.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableResponse as exc:
            return exc.response
        except httpx.TimeoutException:
            tries = f"{self.policy.attempts} attempts" if idempotent else "not retried"
            raise Unavailable(
                f"{self.platform} did not answer {url_path(url)} in time ({tries})"
            ) from None
        except httpx.TransportError as exc:
            tries = f"after {self.policy.attempts} attempts" if idempotent else "(not retried)"
            raise Unavailable(
                f"cannot reach {self.platform} ({url_path(url)}): {type(exc).__name__} {tries}"
            ) from None

    def error_for(self, response: httpx.Response) -> SourceError:
        """A sentence for a failed response, with the platform's own message when it gave one."""
        status = response.status_code
        detail = _platform_message(response)
        where = url_path(str(response.request.url))
        said = f": {detail}" if detail else ""
        if status == 401:
            return AuthError(
                f"{self.platform} refused the credentials (expired or revoked){said}", status=status
            )
        if status == 403:
            return PermissionDenied(
                f"{self.platform} says this account may not do that ({where}){said}", status=status
            )
        if status == 404:
            return NotFound(f"{self.platform} does not know {where}{said}", status=status)
        if status == 429:
            after = retry_after_seconds(response)
            when = f"; try again in {after:.0f} s" if after is not None else ""
            return RateLimited(
                f"{self.platform} rate limit reached after {self.policy.attempts} attempts{when}"
                f"{said}",
                retry_after=after,
            )
        if status >= 500 or status == 408:
            return Unavailable(
                f"{self.platform} kept failing with HTTP {status} on {where} "
                f"({self.policy.attempts} attempts){said}",
                status=status,
            )
        return Rejected(f"{self.platform} refused {where} (HTTP {status}){said}", status=status)


def _platform_message(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, Mapping):
        return None
    message = error_message(body)
    return message[:300] if message else None


def url_path(url: str) -> str:
    """The path of a URL without its query (where tokens may travel), for messages."""
    return httpx.URL(url).path


def make_client(
    base_url: str,
    *,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """The one client a source uses for all its calls (connection reuse, one timeout)."""
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=10.0),
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        follow_redirects=True,
    )
