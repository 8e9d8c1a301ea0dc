"""Google Business Profile reviews (My Business API v4): read reviews, post and read replies.

Plain REST with httpx (`sources.http.Http`) and a bearer token from google-auth: v4 is not in
google-api-python-client's bundled discovery documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from sources._payload import Reader, RecordError
from sources.base import Platform, PlatformReply, Rejected
from sources.errors import NotFound, Unavailable
from sources.gbp import parse_gbp
from sources.google_auth import GBP_SCOPE, GoogleAuth, decode_page, relabel, shown_content
from sources.http import Http, RetryPolicy, make_client
from sources.source import Batch, Cursor, ReplyReceipt, close_poll

PLATFORM_NAME = "Google Business Profile"
DEFAULT_BASE_URL = "https://mybusiness.googleapis.com"
MAX_PAGE_SIZE = 50
MAX_REPLY_BYTES = 4096  # ReviewReply.comment, UTF-8 bytes; enforced by the API (400)
_LOCATION = re.compile(r"accounts/[^/\s?#]+/locations/[^/\s?#]+")


class GbpSource:
    """The reviews of one verified location, `accounts/{account}/locations/{location}`."""

    platform = Platform.GBP
    can_reply = True

    def __init__(
        self,
        location: str,
        credentials_file: Path,
        *,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        page_size: int = MAX_PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
    ) -> None:
        location = location.strip().strip("/")
        if not _LOCATION.fullmatch(location):
            raise ValueError(
                f"a Business Profile location is written accounts/<account id>/locations/"
                f"<location id>, not {location!r}"
            )
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, not {page_size}")
        self.location = location
        self.page_size = page_size
        self.auth = GoogleAuth(Path(credentials_file), [GBP_SCOPE])
        client = make_client(base_url or DEFAULT_BASE_URL, transport=transport, timeout=timeout)
        self.http = Http(
            client,
            PLATFORM_NAME,
            policy or RetryPolicy(),
            auth=self.auth.headers,
            refresh_auth=self.auth.refresh,
        )

    def _review_path(self, external_id: str) -> str:
        return f"/v4/{self.location}/reviews/{quote(external_id, safe='')}"

    def _list_url(self, token: str | None) -> str:
        # Spelled out so the space is %20, as in Google's documentation (httpx would write '+').
        url = f"/v4/{self.location}/reviews?pageSize={self.page_size}&orderBy=updateTime%20desc"
        return url + (f"&pageToken={quote(token, safe='')}" if token else "")

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Newest `updateTime` first, page after page, until a review older than the cursor.

        Edited reviews and reviews whose reply changed come back with a newer updateTime.
        Reviews at the cursor's own time are read again (ingest is idempotent).
        """
        since, notes = _read_cursor(cursor)
        newest = since
        held = False
        token: str | None = None
        page = 0
        while True:
            page += 1
            label = f"page {page}"
            url = self._list_url(token)
            before = self.http.requests
            try:
                response = self.http.request("GET", url)
            except NotFound as exc:
                raise self._unknown_location(exc) from None
            batch = Batch(requests=self.http.requests - before, notes=notes)
            notes = []
            obj, problem = decode_page(response.content)
            next_token: str | None = None
            reached = False
            if obj is None:
                reason = f"{label} from {httpx.URL(url).path} cannot be read: {problem}"
                batch.rejected.append(Rejected(label, reason, shown_content(response.content)))
                held = True
            else:
                result = relabel(parse_gbp(obj), label)
                batch.rejected.extend(result.rejected)
                batch.notes.extend(result.notes)
                held = held or any(r.position == label for r in result.rejected)
                value = obj.get("nextPageToken")
                next_token = value if isinstance(value, str) and value else None
                for record in result.records:
                    when = record.updated_at or record.created_at
                    if since is not None and when is not None and when < since:
                        reached = True
                        continue
                    batch.records.append(record)
                    if when is not None and (newest is None or when > newest):
                        newest = when
            if next_token is not None and next_token == token:
                batch.notes.append(f"{PLATFORM_NAME} gave the same page token twice; stopped")
                next_token, held = None, True
            if reached or next_token is None:
                new = dict(cursor) if cursor else None
                if newest is not None and newest != since:
                    new = {**(cursor or {}), "update_time": rfc3339(newest)}
                yield close_poll(batch, cursor, new, held=held)
                return
            yield batch
            token = next_token

    def _unknown_location(self, exc: NotFound) -> NotFound:
        said = str(exc).partition(": ")[2]
        return NotFound(
            f"{PLATFORM_NAME} does not know the location {self.location}, or these credentials "
            f"do not manage it (check the account and location ids)"
            + (f": {said}" if said else ""),
            status=exc.status,
        )

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        """Create or replace the owner's reply (PUT on the review name + /reply).

        Replies longer than 4096 UTF-8 bytes are refused by the API: a Rejected with its words.
        """
        response = self.http.request(
            "PUT", self._review_path(external_id) + "/reply", json={"comment": text}
        )
        obj, _ = decode_page(response.content)
        if obj is None:
            # Accepted (2xx) but unreadable: the reply is posted all the same.
            return ReplyReceipt(external_id=external_id, text=text)
        comment = obj.get("comment")
        state = obj.get("state")
        return ReplyReceipt(
            external_id=external_id,
            text=comment if isinstance(comment, str) else text,
            state=state if isinstance(state, str) else None,
            replied_at=_time(obj.get("updateTime")),
        )

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """The owner's reply shown now (`reviews.get` → reviewReply), or None."""
        path = self._review_path(external_id)
        response = self.http.request("GET", path)
        obj, problem = decode_page(response.content)
        if obj is None:
            raise Unavailable(f"{PLATFORM_NAME} answered {path} with {problem}")
        result = parse_gbp(obj)
        if not result.records:
            reason = result.rejected[0].reason if result.rejected else "no review in the answer"
            raise Unavailable(
                f"{PLATFORM_NAME} answered {path} with a review that cannot be read: {reason}"
            )
        return result.records[0].reply

    def close(self) -> None:
        self.http.client.close()
        self.auth.close()


def rfc3339(moment: datetime) -> str:
    """UTC with a Z, microseconds only when there are some: 2026-10-27T07:30:10.412345Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(value: object) -> datetime | None:
    try:
        return Reader(None).time(value, "updateTime")
    except RecordError:
        return None


def _read_cursor(cursor: Cursor | None) -> tuple[datetime | None, list[str]]:
    if not cursor or cursor.get("update_time") is None:
        return None, []
    value: Any = cursor.get("update_time")
    when = _time(value) if isinstance(value, str) else None
    if when is None:
        return None, [
            "the stored Business Profile poll position cannot be read; all reviews were read again"
        ]
    return when, []


__all__ = ["MAX_REPLY_BYTES", "GbpSource", "rfc3339"]
