"""Instagram comments through the Graph API: rescan recent or changed posts, reply to comments."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from sources import errors
from sources._payload import Reader, RecordError, count, describe, ident, read_instant, text
from sources.base import ParseOptions, Platform, PlatformReply, Rejected
from sources.http import Http, RetryPolicy, make_client, url_path
from sources.instagram import parse_instagram
from sources.source import Batch, Cursor, ReplyReceipt

GRAPH_HOST = "https://graph.facebook.com"
NAME = "Instagram"
MEDIA_FIELDS = "id,caption,permalink,timestamp,username,comments_count"
COMMENT_FIELDS = (
    "id,text,timestamp,username,like_count,hidden,from,parent_id,"
    "replies{id,text,timestamp,username,from}"
)
REPLY_FIELDS = "id,text,timestamp,username"
PAGE_LIMIT = 50  # the most /comments returns at once
MAX_REPLY_PAGES = 20
TOKEN_EXPIRED = 190
# Meta's throttling codes: app, user, page, custom-level, and the Instagram BUC limit.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80002})
_USAGE_KEYS = ("call_count", "total_cputime", "total_time")

Next = tuple[str, dict[str, str | int] | None]
T = TypeVar("T")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _handle(name: str | None) -> str | None:
    if name is None:
        return None
    return name.strip().lstrip("@").lower() or None


def _page_json(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        return json.loads(response.content), None
    except (ValueError, RecursionError) as exc:  # ValueError: bad JSON, text or a huge number
        where = url_path(str(response.request.url))
        kind = type(exc).__name__
        return None, f"the answer to {where} is not JSON ({len(response.content)} bytes, {kind})"


def _shape_problem(obj: object, what: str) -> str | None:
    if not isinstance(obj, Mapping):
        return f"the page is {describe(obj)}, not a list of {what}"
    if isinstance(obj.get("error"), Mapping):
        return f"the page is an error, not {what}"
    if not isinstance(obj.get("data"), list):
        return f"data is {describe(obj.get('data'))}, not a list of {what}"
    return None


def _graph_error(response: httpx.Response) -> tuple[int | None, str | None]:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None, None
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None, None
    code = error.get("code")
    message = error.get("message")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        message[:300] if isinstance(message, str) else None,
    )


def usage_percent(headers: httpx.Headers) -> tuple[int | None, int]:
    """Highest usage percentage in `X-Business-Use-Case-Usage` / `X-App-Usage`, and the
    minutes Meta says until access is regained (0 when it did not say)."""
    highest: int | None = None
    wait = 0
    for name in ("X-Business-Use-Case-Usage", "X-App-Usage"):
        value = headers.get(name)
        if not value:
            continue
        try:
            data = json.loads(value)
        except (ValueError, RecursionError):
            continue
        # BUC: {"<id>": [{"type": "instagram", "call_count": 28, …}]}; app: {"call_count": …}
        stack: list[object] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, Mapping):
                for key, number in item.items():
                    if isinstance(number, Mapping | list):
                        stack.append(number)
                    elif isinstance(number, int | float) and not isinstance(number, bool):
                        if key in _USAGE_KEYS:
                            highest = int(number) if highest is None else max(highest, int(number))
                        elif key == "estimated_time_to_regain_access":
                            wait = max(wait, int(number))
    return highest, wait


@dataclass
class _GraphHttp(Http):
    """Http that reads Meta's error codes: 190 is an expired token, whatever the status."""

    token_env: str | None = None

    def error_for(self, response: httpx.Response) -> errors.SourceError:
        code, message = _graph_error(response)
        if code == TOKEN_EXPIRED:
            where = f"${self.token_env}" if self.token_env else "the account's token setting"
            return errors.AuthError(
                "Instagram token expired — create a new long-lived token in Meta Business "
                f"Suite and put it in {where}",
                status=response.status_code,
            )
        if code in RATE_LIMIT_CODES:
            said = f": {message}" if message else ""
            return errors.RateLimited(f"Instagram rate limit reached (code {code}){said}")
        return super().error_for(response)


@dataclass
class _Post:
    id: str
    raw: Mapping[str, Any]
    at: datetime | None
    comments: int | None
    username: str | None


@dataclass
class _Poll:
    counts: dict[str, int]
    newest: datetime | None
    complete: bool = True  # every media page read (the listing may still stop early)
    sent: bool = False  # a request went out in this poll, so `usage` is fresh
    stopped: str | None = None  # why the poll stopped before its end
    notes: list[str] = field(default_factory=list)


class InstagramSource:
    """Comments on one Instagram professional account's posts.

    The Graph API has no "comments since": a poll lists media newest first (50 a page) and
    reads every comment page (50 each, replies expanded) of each post that was published in
    the last `rescan_days` days or whose `comments_count` differs from the count stored in the
    cursor (`{"media": {"<media-id>": <comments_count>}, "newest_media": "<ISO>"}`). Counts are
    only known from the media list, so listing goes on page by page until a page holds a post
    older than the window whose count is unchanged; posts further down keep their stored
    counts. Call budget per poll: ⌈listed posts / 50⌉ media requests plus ⌈comments / 50⌉ for
    each rescanned post (posts with no comments cost nothing); the first poll, with no cursor,
    lists every post. `Batch.requests` reports each page's share.

    The token travels only in `Authorization: Bearer`, never in a URL. When Meta's
    `X-Business-Use-Case-Usage` (or `X-App-Usage`) reaches `max_usage_percent`, the poll stops
    with a note and the old cursor.
    """

    platform = Platform.INSTAGRAM
    can_reply = True

    def __init__(
        self,
        ig_user_id: str,
        token: str,
        *,
        own_username: str | None = None,
        base_url: str | None = None,
        graph_version: str = "v25.0",
        rescan_days: int = 30,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utcnow,
        token_env: str | None = None,
        max_usage_percent: int = 90,
    ) -> None:
        self.ig_user_id = ig_user_id
        self.own_username = own_username
        self.version = graph_version.strip("/")
        self.rescan_days = max(0, rescan_days)
        self.max_usage_percent = max_usage_percent
        self.usage: int | None = None
        self._regain_minutes = 0
        self._clock = clock
        self._token = token
        self._learned_username: str | None = None
        # What fetch saw of each comment: (hidden, top_level), to refuse doomed replies.
        self._known: dict[str, tuple[bool | None, bool | None]] = {}
        self._client = make_client(base_url or GRAPH_HOST, transport=transport)
        self._http = _GraphHttp(
            self._client,
            NAME,
            policy or RetryPolicy(),
            auth=self._auth_header,
            token_env=token_env,
        )

    def _auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    @property
    def requests(self) -> int:
        """HTTP requests this source has sent (retries included)."""
        return self._http.requests

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, url, **kwargs)
        highest, wait = usage_percent(response.headers)
        if highest is not None:
            self.usage = highest
            self._regain_minutes = wait
        return response

    def _stop_for_budget(self, poll: _Poll) -> bool:
        """Before a request: True (and a note) when the last usage seen in this poll is too
        high to go on. The first request of a poll always goes out, to read a fresh figure."""
        if not poll.sent:
            poll.sent = True
            return False
        if self.usage is None or self.usage < self.max_usage_percent:
            return False
        wait = self._regain_minutes
        after = f"; Meta expects access back in {wait} min" if wait else ""
        poll.stopped = (
            f"Instagram usage is at {self.usage}% of the account's limit; stopped early to "
            f"spare it, the next poll reads the same posts again{after}"
        )
        poll.notes.append(poll.stopped)
        return True

    def _next(
        self, obj: object, path: str, query: dict[str, str | int], current: Next
    ) -> Next | None:
        """The next page: our own request (`path`, `query`) with `after=` from the cursors or
        from Meta's `next` link, whose token-bearing URL is never sent as it is; a link with
        no `after` at all is followed stripped of any token and kept on our host. A "next"
        page that is the current one again ends the listing instead of looping."""
        paging = obj.get("paging") if isinstance(obj, Mapping) else None
        if not isinstance(paging, Mapping):
            return None
        link = paging.get("next")
        if not isinstance(link, str) or not link.strip():
            return None  # Graph leaves `next` out on the last page
        target = httpx.URL(link.strip()).copy_remove_param("access_token")
        cursors = paging.get("cursors")
        after = cursors.get("after") if isinstance(cursors, Mapping) else None
        if not isinstance(after, str) or not after:
            after = target.params.get("after")
        step: Next
        if after:
            step = (path, {**query, "after": after})
        else:
            base = self._client.base_url
            same = (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)
            own = str(target) if target.is_absolute_url and same else target.raw_path.decode()
            step = (own, None)
        return None if step == current else step

    # ----------------------------------------------------------------------- reading

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Media pages and the comment pages of the posts to rescan; the last batch carries
        the cursor (the old one when a media page was unreadable or the budget ran low)."""
        old = dict(cursor) if cursor else None
        stored = _stored_counts(old)
        self.usage, self._regain_minutes = None, 0  # only this poll's figures count
        poll = _Poll(counts=dict(stored), newest=read_instant((old or {}).get("newest_media")))
        pending: Batch | None = None
        for batch in self._poll(poll, stored, first=old is None or "media" not in old):
            if pending is not None:
                yield pending
            pending = batch
        last = pending or Batch()
        last.final = True
        last.notes.extend(poll.notes)
        if poll.stopped or not poll.complete:
            last.cursor = old
        else:
            last.cursor = {
                **(old or {}),
                "media": poll.counts,
                "newest_media": poll.newest.isoformat() if poll.newest else None,
            }
        yield last

    def _poll(self, poll: _Poll, stored: dict[str, int], *, first: bool) -> Iterator[Batch]:
        window = self._clock() - timedelta(days=self.rescan_days)
        path = f"/{self.version}/{quote(self.ig_user_id, safe='')}/media"
        query: dict[str, str | int] = {"fields": MEDIA_FIELDS, "limit": PAGE_LIMIT}
        step: Next | None = (path, query)
        number = 0
        while step is not None:
            if self._stop_for_budget(poll):
                return
            number += 1
            url, params = step
            before = self._http.requests
            response = self._send("GET", url, params=params)
            batch = Batch()
            obj, problem = _page_json(response)
            problem = problem or _shape_problem(obj, "posts")
            step = self._next(obj, path, query, step)
            posts: list[_Post] = []
            if problem:
                poll.complete = False
                raw = obj if obj is not None else response.text[:2000]
                batch.rejected.append(Rejected(f"media page {number}", problem, raw))
                poll.notes.append(
                    "Instagram sent a list of posts that could not be read; the cursor stays "
                    "where it was so the next poll reads the same posts again"
                )
            else:
                posts = _read_posts(obj["data"], number, batch.rejected)
            batch.requests = self._http.requests - before
            yield batch
            enough = False
            for post in posts:
                if self._learned_username is None and post.username:
                    self._learned_username = post.username
                if post.at is not None:
                    poll.newest = post.at if poll.newest is None else max(poll.newest, post.at)
                in_window = post.at is None or post.at >= window
                changed = post.comments is None or stored.get(post.id) != post.comments
                if not first and not in_window and not changed:
                    enough = True
                if post.comments == 0 or not (in_window or changed):
                    if post.comments is not None:
                        poll.counts[post.id] = post.comments
                    continue
                read_all = yield from self._comments(post, poll)
                if poll.stopped:
                    return
                if read_all and post.comments is not None:
                    poll.counts[post.id] = post.comments
            if enough:
                return

    def _comments(self, post: _Post, poll: _Poll) -> Generator[Batch, None, bool]:
        """Every comment page of one post; False when a page could not be read."""
        path = f"/{self.version}/{quote(post.id, safe='')}/comments"
        query: dict[str, str | int] = {"fields": COMMENT_FIELDS, "limit": PAGE_LIMIT}
        step: Next | None = (path, query)
        options = ParseOptions(own_username=self.own_username)
        number = 0
        read_all = True
        while step is not None:
            if self._stop_for_budget(poll):
                return False
            number += 1
            url, params = step
            before = self._http.requests
            response = self._send("GET", url, params=params)
            batch = Batch()
            obj, problem = _page_json(response)
            problem = problem or _shape_problem(obj, "comments")
            step = self._next(obj, path, query, step)
            if problem:
                read_all = False
                raw = obj if obj is not None else response.text[:2000]
                where = f"post {post.id} comments page {number}"
                batch.rejected.append(Rejected(where, problem, raw))
                batch.notes.append(
                    f"comments of post {post.id} could not all be read; the post is read "
                    "again next poll"
                )
            else:
                wrapped: dict[str, Any] = {**post.raw, "comments": obj}
                wrapped.setdefault("owner", {"id": self.ig_user_id})
                result = parse_instagram(wrapped, options)
                batch.records.extend(result.records)
                batch.rejected.extend(result.rejected)
                batch.notes.extend(result.notes)
                for review in result.records:
                    hidden = review.extra.get("hidden")
                    top = review.extra.get("top_level")
                    self._known[review.external_id] = (
                        hidden if isinstance(hidden, bool) else None,
                        top if isinstance(top, bool) else None,
                    )
            batch.requests = self._http.requests - before
            yield batch
        return read_all

    # ----------------------------------------------------------------------- replying

    def reply(
        self,
        external_id: str,
        text: str,
        *,
        hidden: bool | None = None,
        top_level: bool | None = None,
    ) -> ReplyReceipt:
        """Reply under a top-level comment; hidden comments and replies are refused here,
        before Instagram would refuse them."""
        seen_hidden, seen_top = self._known.get(external_id, (None, None))
        hidden = seen_hidden if hidden is None else hidden
        top_level = seen_top if top_level is None else top_level
        if hidden:
            raise errors.Rejected(
                "Instagram does not take replies to hidden comments; unhide the comment first"
            )
        if top_level is False:
            raise errors.Rejected(
                "Instagram takes replies to top-level comments only; reply to the comment "
                "this one answers"
            )
        if not text.strip():
            raise errors.Rejected("the reply is empty; Instagram needs some text")
        path = f"/{self.version}/{quote(external_id, safe='')}/replies"
        # Each POST makes a new comment: never retried blindly (the sender checks first).
        response = self._send("POST", path, data={"message": text}, idempotent=False)
        obj, _ = _page_json(response)
        reply_id = obj.get("id") if isinstance(obj, Mapping) else None
        return ReplyReceipt(
            external_id=external_id,
            text=text,
            reply_id=str(reply_id) if isinstance(reply_id, str | int) else None,
        )

    def delete_reply(self, reply_id: str) -> None:
        """Delete one of our replies: Instagram cannot edit a comment, so an edited reply is
        a delete and a new post. A reply already gone counts as deleted."""
        try:
            self._send("DELETE", f"/{self.version}/{quote(reply_id, safe='')}")
        except errors.NotFound:
            return

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """Our earliest reply under the comment, or None when the account has not replied."""
        own = self._own_handle()
        path = f"/{self.version}/{quote(external_id, safe='')}/replies"
        query: dict[str, str | int] = {"fields": REPLY_FIELDS}
        step: Next | None = (path, query)
        reader = Reader(None)
        found: list[tuple[datetime, int, PlatformReply]] = []
        for _ in range(MAX_REPLY_PAGES):
            if step is None:
                break
            url, params = step
            response = self._send("GET", url, params=params)
            obj, problem = _page_json(response)
            problem = problem or _shape_problem(obj, "replies")
            if problem:
                raise errors.Unavailable(f"Instagram answered {path} unreadably: {problem}")
            for item in obj["data"]:
                if not isinstance(item, Mapping) or _handle(_str(item.get("username"))) != own:
                    continue
                try:
                    when = reader.time(item.get("timestamp"), "timestamp")
                    body = text(item, "text") or ""
                    reply_id = ident(item, "id")
                except RecordError:
                    continue
                moment = when or datetime.max.replace(tzinfo=UTC)
                found.append((moment, len(found), PlatformReply(body, when, reply_id)))
            step = self._next(obj, path, query, step)
        if not found:
            return None
        return min(found, key=lambda f: (f[0], f[1]))[2]

    def _own_handle(self) -> str:
        handle = _handle(self.own_username) or _handle(self._learned_username)
        if handle is None:
            path = f"/{self.version}/{quote(self.ig_user_id, safe='')}/media"
            response = self._send("GET", path, params={"fields": MEDIA_FIELDS, "limit": 1})
            obj, _ = _page_json(response)
            data = obj.get("data") if isinstance(obj, Mapping) else None
            first = data[0] if isinstance(data, list) and data else None
            if isinstance(first, Mapping):
                self._learned_username = _str(first.get("username"))
            handle = _handle(self._learned_username)
        if handle is None:
            raise errors.Rejected(
                "cannot tell this account's own Instagram replies from others'; set its "
                "own_username"
            )
        return handle

    def close(self) -> None:
        self._client.close()


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _stored_counts(cursor: Mapping[str, Any] | None) -> dict[str, int]:
    media = cursor.get("media") if cursor else None
    if not isinstance(media, Mapping):
        return {}
    return {
        str(key): value
        for key, value in media.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def _read_posts(items: list[Any], number: int, rejected: list[Rejected]) -> list[_Post]:
    """The posts of a media page; one that cannot be read is rejected on its own."""
    reader = Reader(None)
    posts: list[_Post] = []
    for index, item in enumerate(items):
        position = f"media page {number}, data[{index}]"
        if not isinstance(item, Mapping):
            rejected.append(Rejected(position, f"the post is {describe(item)}", item))
            continue
        try:
            post_id = ident(item, "id")
        except RecordError as exc:
            post_id, problem = None, str(exc)
        else:
            problem = "the post has no id"
        if post_id is None:
            rejected.append(Rejected(position, f"the post cannot be read: {problem}", item))
            continue
        # An unreadable date or count is not fatal: the post is then simply read again.
        posts.append(
            _Post(
                id=post_id,
                raw=item,
                at=_lenient(partial(reader.time, item.get("timestamp"), "timestamp")),
                comments=_lenient(partial(count, item, "comments_count")),
                username=_lenient(partial(text, item, "username")),
            )
        )
    return posts


def _lenient(read: Callable[[], T | None]) -> T | None:
    try:
        return read()
    except RecordError:
        return None
