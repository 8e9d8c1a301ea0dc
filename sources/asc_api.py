"""App Store Connect customer reviews: read newest first with an ES256 JWT, post responses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    load_der_private_key,
    load_pem_private_key,
)

from sources import errors
from sources._payload import describe, read_instant
from sources.app_store import parse_asc, parse_asc_response
from sources.base import ParseError, Platform, PlatformReply, Rejected
from sources.http import Http, RetryPolicy, make_client, url_path
from sources.source import Batch, Cursor, ReplyReceipt

ASC_HOST = "https://api.appstoreconnect.apple.com"
NAME = "App Store Connect"
AUDIENCE = "appstoreconnect-v1"
TOKEN_SECONDS = 19 * 60  # Apple refuses tokens living longer than 20 minutes
TOKEN_MARGIN = 60  # a token this close to expiry is replaced before it is sent
MAX_PAGE_SIZE = 200
_RATE_PART = re.compile(r"([A-Za-z0-9_-]+)\s*:\s*(\d+)")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def load_asc_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The EC P-256 private key of a `.p8` file; AuthError sentences never quote the key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise errors.AuthError(
            f"cannot read the App Store Connect key file {path} ({reason})"
        ) from None
    try:
        key: object = (
            load_pem_private_key(data, password=None)
            if b"-----BEGIN" in data
            else load_der_private_key(data, password=None)
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise errors.AuthError(
            f"the App Store Connect key file {path} is not a readable .p8 private key; "
            "download a new key in Users and Access → Integrations"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise errors.AuthError(
            f"the key in {path} is not an App Store Connect key (ES256 needs an EC P-256 key)"
        )
    return key


def parse_rate_limit(value: str | None) -> dict[str, int]:
    """`user-hour-lim:3500;user-hour-rem:500;` → {"user-hour-lim": 3500, "user-hour-rem": 500}."""
    if not value:
        return {}
    return {name: int(number) for name, number in _RATE_PART.findall(value)}


def _page_json(response: httpx.Response) -> tuple[Any, str | None]:
    """The page's JSON, or why it is not JSON."""
    try:
        return json.loads(response.content), None
    except (ValueError, RecursionError) as exc:  # ValueError: bad JSON, text or a huge number
        where = url_path(str(response.request.url))
        kind = type(exc).__name__
        return None, f"the answer to {where} is not JSON ({len(response.content)} bytes, {kind})"


def _shape_problem(obj: object) -> str | None:
    """Why a customerReviews page is not one, or None."""
    if not isinstance(obj, Mapping):
        return f"the page is {describe(obj)}, not a JSON:API document"
    if isinstance(obj.get("errors"), list):
        return "the page is an error document, not reviews"
    if not isinstance(obj.get("data"), list):
        return f"data is {describe(obj.get('data'))}, not a list of reviews"
    return None


class AppStoreSource:
    """One app's written reviews through the App Store Connect API.

    Reviews come newest `createdDate` first (200 a page); a poll follows `links.next` until a
    review is older than the cursor (`{"created": "<ISO>"}`, compared as instants).

    Apple keeps no "modified" date on reviews, so a response written or edited in App Store
    Connect after the poll that passed its review is never seen. `rescan_days` reads that many
    days further back than the cursor on every poll to pick such responses up (each 200 reviews
    read back cost one more request); 0 (the default) reads only new reviews.

    Every response carries `X-Rate-Limit: user-hour-lim:N;user-hour-rem:M;` (per key, rolling
    hour): `rate_limit` holds the last values seen. When fewer than `min_remaining` requests are
    left and more pages are needed, the poll stops with a note and the old cursor.
    """

    platform = Platform.APP_STORE
    can_reply = True

    def __init__(
        self,
        app_id: str,
        key_file: Path,
        key_id: str,
        issuer_id: str,
        *,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utcnow,
        rescan_days: int = 0,
        min_remaining: int = 50,
    ) -> None:
        self.app_id = app_id
        self.key_file = Path(key_file)
        self.key_id = key_id
        self.issuer_id = issuer_id
        self.page_size = max(1, min(MAX_PAGE_SIZE, page_size))
        self.rescan_days = max(0, rescan_days)
        self.min_remaining = min_remaining
        self.rate_limit: dict[str, int] = {}
        self._clock = clock
        self._key: ec.EllipticCurvePrivateKey | None = None
        self._token: str | None = None
        self._token_expires = 0
        self._client = make_client(base_url or ASC_HOST, transport=transport)
        self._http = Http(
            self._client,
            NAME,
            policy or RetryPolicy(),
            auth=self._auth_header,
            refresh_auth=self._drop_token,
        )

    # ----------------------------------------------------------------------- auth

    def _auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def token(self) -> str:
        """The current JWT, minted again when it is within a minute of expiry."""
        now = int(self._clock().timestamp())
        if self._token is None or now >= self._token_expires - TOKEN_MARGIN:
            if self._key is None:
                self._key = load_asc_key(self.key_file)
            expires = now + TOKEN_SECONDS
            self._token = jwt.encode(
                {"iss": self.issuer_id, "iat": now, "exp": expires, "aud": AUDIENCE},
                self._key,
                algorithm="ES256",
                headers={"kid": self.key_id, "typ": "JWT"},
            )
            self._token_expires = expires
        return self._token

    def _drop_token(self) -> None:
        self._token = None

    @property
    def rate_limit_remaining(self) -> int | None:
        """Requests left in the rolling hour, from the last `X-Rate-Limit` header seen."""
        return self.rate_limit.get("user-hour-rem")

    @property
    def requests(self) -> int:
        """HTTP requests this source has sent (retries included)."""
        return self._http.requests

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, url, **kwargs)
        seen = parse_rate_limit(response.headers.get("X-Rate-Limit"))
        if seen:
            self.rate_limit = seen
        return response

    # ----------------------------------------------------------------------- reading

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Pages of reviews, newest first, down to the cursor (minus `rescan_days`)."""
        old = dict(cursor) if cursor else None
        notes: list[str] = []
        since = read_instant((old or {}).get("created"))
        if old and old.get("created") is not None and since is None:
            notes.append("the stored App Store cursor is unreadable; reading all reviews again")
        stop_before = since - timedelta(days=self.rescan_days) if since else None
        newest = since
        broken: str | None = None  # why the cursor may not move
        url: str | None = f"/v1/apps/{quote(self.app_id, safe='')}/customerReviews"
        params: dict[str, str | int] | None = {
            "sort": "-createdDate",
            "limit": self.page_size,
            "include": "response",
        }
        number = 0
        followed: set[str] = set()
        while url is not None:
            number += 1
            before = self._http.requests
            response = self._send("GET", url, params=params)
            batch = Batch(notes=notes)
            notes = []
            obj, problem = _page_json(response)
            problem = problem or _shape_problem(obj)
            next_url = self._next_url(obj)
            followed.add(url)
            if next_url is not None and next_url in followed:
                broken = f"{NAME} sent a next-page link back to a page already read"
                next_url = None
            reached = False
            if problem:
                broken = f"{NAME} sent a page that could not be read"
                raw = obj if obj is not None else response.text[:2000]
                batch.rejected.append(Rejected(f"page {number}", problem, raw))
            else:
                result = parse_asc(obj)
                batch.records.extend(result.records)
                batch.rejected.extend(result.rejected)
                batch.notes.extend(result.notes)
                for review in result.records:
                    created = review.created_at
                    if created is None:
                        continue
                    newest = created if newest is None else max(newest, created)
                    if stop_before is not None and created < stop_before:
                        reached = True
            batch.requests = self._http.requests - before
            if reached or next_url is None:
                batch.final = True
                if broken is None:
                    batch.cursor = _with_created(old, newest)
                else:
                    batch.cursor = old
                    batch.notes.append(
                        f"{broken}; the cursor stays where it was so the next poll reads the "
                        "same reviews again"
                    )
                yield batch
                return
            remaining = self.rate_limit_remaining
            if remaining is not None and remaining < self.min_remaining:
                batch.final = True
                batch.cursor = old
                limit = self.rate_limit.get("user-hour-lim")
                of = f" of {limit}" if limit is not None else ""
                batch.notes.append(
                    f"{NAME} allows only {remaining} more requests this hour{of}; stopped after "
                    f"page {number} to spare the quota, the next poll reads the same range again"
                )
                yield batch
                return
            yield batch
            url, params = next_url, None

    def _next_url(self, obj: object) -> str | None:
        """`links.next`, kept on our own host (the JWT goes nowhere else)."""
        if not isinstance(obj, Mapping):
            return None
        links = obj.get("links")
        link = links.get("next") if isinstance(links, Mapping) else None
        if not isinstance(link, str) or not link.strip():
            return None
        target = httpx.URL(link.strip())
        if not target.is_absolute_url:
            return str(target)
        base = self._client.base_url
        if (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port):
            return str(target)
        # The real host's link from the sandbox or a proxy: same path and query, our host.
        return target.raw_path.decode("ascii")

    # ----------------------------------------------------------------------- replying

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        """Create or overwrite the review's response; Apple answers 201 PENDING_PUBLISH."""
        if not text.strip():
            raise errors.Rejected("the reply is empty; App Store Connect needs some text")
        body = {
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": text},
                "relationships": {
                    "review": {"data": {"type": "customerReviews", "id": external_id}}
                },
            }
        }
        response = self._send("POST", "/v1/customerReviewResponses", json=body)
        obj, _ = _page_json(response)
        accepted: PlatformReply | None = None
        reply_id: str | None = None
        if isinstance(obj, Mapping):
            data = obj.get("data")
            if isinstance(data, Mapping) and isinstance(data.get("id"), str):
                reply_id = data["id"]
            try:
                accepted = parse_asc_response(obj)
            except ParseError:
                accepted = None  # accepted anyway (2xx); the state is read back later
        return ReplyReceipt(
            external_id=external_id,
            text=accepted.text if accepted else text,
            reply_id=reply_id,
            state=accepted.state if accepted else None,
            replied_at=accepted.replied_at if accepted else None,
        )

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """The review's response as App Store Connect has it now; None when there is none."""
        path = f"/v1/customerReviews/{quote(external_id, safe='')}/response"
        try:
            response = self._send("GET", path)
        except errors.NotFound:
            return None
        obj, problem = _page_json(response)
        if problem or not isinstance(obj, Mapping):
            raise errors.Unavailable(f"{NAME} answered {path} with something unreadable")
        try:
            return parse_asc_response(obj)
        except ParseError as exc:
            raise errors.Unavailable(
                f"{NAME} answered {path} with an odd response: {exc}"
            ) from None

    def close(self) -> None:
        self._client.close()


def _with_created(old: dict[str, Any] | None, newest: datetime | None) -> dict[str, Any]:
    cursor = dict(old or {})
    if newest is not None:
        cursor["created"] = newest.isoformat()
    return cursor
