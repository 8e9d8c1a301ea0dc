"""The public iTunes customer-reviews RSS feed (JSON form): read-only, per storefront."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from sources import errors
from sources._payload import describe, read_instant
from sources.app_store import parse_itunes_rss
from sources.base import Platform, PlatformReply, Rejected
from sources.http import Http, RetryPolicy, make_client, url_path
from sources.source import Batch, Cursor, ReplyReceipt

ITUNES_HOST = "https://itunes.apple.com"
NAME = "the App Store RSS feed"
FEED_PAGES = 10  # the feed serves pages 1..10 (about 50 reviews each), no more


def _page_json(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        return json.loads(response.content), None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        where = url_path(str(response.request.url))
        kind = type(exc).__name__
        return None, f"the answer to {where} is not JSON ({len(response.content)} bytes, {kind})"


def _shape_problem(obj: object) -> str | None:
    if not isinstance(obj, Mapping):
        return f"the page is {describe(obj)}, not a feed"
    feed = obj.get("feed")
    if not isinstance(feed, Mapping):
        return f"feed is {describe(feed)}, not an object"
    entry = feed.get("entry")
    if entry is not None and not isinstance(entry, list | Mapping):
        return f"feed.entry is {describe(entry)}, not a list of reviews"
    return None


class ItunesRssSource:
    """Public reviews of any app from `itunes.apple.com/{cc}/rss/customerreviews/…/json`.

    Per storefront, pages 1..`max_pages` (at most 10: the feed's ceiling of ~500 reviews) are
    read newest `updated` first until an entry is older than that storefront's cursor. The
    cursor is `{"<cc>": "<ISO updated>", …}`, one timestamp per storefront. The feed has no
    developer responses and cannot take replies.
    """

    platform = Platform.APP_STORE
    can_reply = False

    def __init__(
        self,
        app_id: str,
        storefronts: Sequence[str] = ("in",),
        *,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        max_pages: int = FEED_PAGES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.app_id = app_id
        self.storefronts = [s.strip().lower() for s in storefronts if s.strip()]
        self.max_pages = max(1, min(FEED_PAGES, max_pages))
        self._client = make_client(base_url or ITUNES_HOST, transport=transport)
        self._http = Http(self._client, NAME, policy or RetryPolicy())

    @property
    def requests(self) -> int:
        """HTTP requests this source has sent (retries included)."""
        return self._http.requests

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Pages of every storefront in turn; the last batch carries the cursor."""
        new: dict[str, Any] = dict(cursor or {})
        pending: Batch | None = None
        for storefront in self.storefronts:
            for batch in self._storefront(storefront, cursor or {}, new):
                if pending is not None:
                    yield pending
                pending = batch
        last = pending or Batch()
        last.final = True
        last.cursor = new
        yield last

    def _storefront(self, cc: str, old: Cursor, new: dict[str, Any]) -> Iterator[Batch]:
        """One storefront's pages; sets `new[cc]` only when every page was readable."""
        since = read_instant(old.get(cc))
        newest = since
        intact = True
        oldest: datetime | None = None
        app = quote(self.app_id, safe="")
        store = quote(cc, safe="")
        reached = False
        for number in range(1, self.max_pages + 1):
            before = self._http.requests
            path = f"/{store}/rss/customerreviews/page={number}/id={app}/sortby=mostrecent/json"
            try:
                response = self._http.request("GET", path)
            except errors.NotFound:
                if number == 1:
                    raise
                yield Batch(requests=self._http.requests - before)
                break  # past the last page
            batch = Batch()
            obj, problem = _page_json(response)
            problem = problem or _shape_problem(obj)
            if problem:
                intact = False
                raw = obj if obj is not None else response.text[:2000]
                batch.rejected.append(Rejected(f"{cc.upper()} page {number}", problem, raw))
                batch.notes.append(
                    f"{NAME} for {cc.upper()} sent page {number} unreadable; the cursor for "
                    f"{cc.upper()} stays where it was so the next poll reads it again"
                )
                batch.requests = self._http.requests - before
                yield batch
                continue  # the next page's address is known: read on
            result = parse_itunes_rss(obj)
            batch.rejected.extend(result.rejected)
            batch.notes.extend(result.notes)
            batch.requests = self._http.requests - before
            if not result.records and not result.rejected:
                if number == 1 and since is not None:
                    batch.notes.append(
                        f"{NAME} for {cc.upper()} returned nothing; treated as unknown, "
                        "the cursor stays where it was"
                    )
                yield batch
                break
            for review in result.records:
                batch.records.append(
                    replace(
                        review,
                        territory=review.territory or cc.upper(),
                        account_hint=review.account_hint or self.app_id,
                    )
                )
                updated = review.updated_at
                if updated is None:
                    continue
                newest = updated if newest is None else max(newest, updated)
                oldest = updated if oldest is None else min(oldest, updated)
                if since is not None and updated < since:
                    reached = True
            if reached:
                yield batch
                break
            if number == self.max_pages:
                older = f" older than {oldest:%d %b %Y}" if oldest else ""
                batch.notes.append(
                    f"{NAME} for {cc.upper()} stops at {self.max_pages} pages; reviews{older} "
                    "were not reached (App Store Connect has them all)"
                )
            yield batch
        if intact and newest is not None and newest != since:
            new[cc] = newest.isoformat()

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        raise errors.ReplyNotSupported(
            "the App Store RSS feed is read-only; reply in App Store Connect "
            "(set up the App Store Connect API for this app to reply from the inbox)"
        )

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """The feed shows no developer responses, so there is never one to read."""
        return None

    def close(self) -> None:
        self._client.close()
