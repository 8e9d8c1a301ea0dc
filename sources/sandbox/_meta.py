"""Instagram Graph API: the account's media, their comments and replies, and posting replies."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sources.sandbox._http import GRAPH_VERSION, Request, Response, json_response, meta_error
from sources.sandbox._util import PACIFIC, GraphField, Ordered, decode_cursor, parse_fields
from sources.sandbox.data import InstagramStore, NotFoundError, Refused

if TYPE_CHECKING:
    from sources.sandbox.server import Sandbox

DEFAULT_LIMIT = 25
MEDIA_MAX_LIMIT = 100
COMMENTS_MAX_LIMIT = 50

USER_FIELDS = frozenset(
    {"id", "username", "name", "media_count", "followers_count", "follows_count", "biography",
     "profile_picture_url", "website", "ig_id", "media"}
)  # fmt: skip
MEDIA_FIELDS = frozenset(
    {"id", "caption", "media_type", "media_url", "media_product_type", "permalink", "timestamp",
     "username", "comments_count", "like_count", "thumbnail_url", "shortcode", "owner",
     "comments", "children", "is_comment_enabled", "is_shared_to_feed", "alt_text",
     "legacy_instagram_media_id", "ig_id"}
)  # fmt: skip
COMMENT_FIELDS = frozenset(
    {"id", "text", "timestamp", "username", "like_count", "hidden", "from", "parent_id",
     "replies", "media", "user", "legacy_instagram_comment_id"}
)  # fmt: skip
_DEFAULT_USER = {"id": GraphField()}
_DEFAULT_MEDIA = {"id": GraphField()}
_DEFAULT_COMMENT = {"id": GraphField(), "text": GraphField(), "timestamp": GraphField()}


class _FieldError(Exception):
    def __init__(self, name: str, node: str) -> None:
        super().__init__(f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})")


def _unsupported(req: Request, node: str) -> Response:
    return meta_error(
        400,
        f"Unsupported {req.method.lower()} request. Object with ID '{node}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation. "
        "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        100,
        kind="GraphMethodException",
        subcode=33,
    )


def auth_error(sb: Sandbox) -> Response:
    """Meta's answer to an expired or unknown token (HTTP 400 like the real Graph API)."""
    now = datetime.fromtimestamp(time.time(), PACIFIC)
    expired = now - timedelta(hours=1)
    style = "%A, %d-%b-%y %H:%M:%S %Z"
    message = (
        f"Error validating access token: Session has expired on {expired.strftime(style)}. "
        f"The current time is {now.strftime(style)}."
    )
    return meta_error(
        sb.instagram_auth_status,
        message,
        190,
        subcode=463,
        headers={"WWW-Authenticate": f'OAuth "Facebook Platform" "invalid_token" "{message}"'},
    )


def graph(sb: Sandbox, req: Request) -> Response:
    """`/{ver}/{node}[/{edge}]` for the IG user, its media, comments and replies."""
    parts = req.segments
    if not parts or not GRAPH_VERSION.match(parts[0]) or not 2 <= len(parts) <= 3:
        return meta_error(404, f"Unknown path components: {req.path}", 2500)
    if "access_token" in req.query:
        return meta_error(
            400,
            "The sandbox refuses access_token in the URL (it would land in logs): send it as "
            "'Authorization: Bearer <token>'",
            190,
        )
    if req.bearer() != sb.instagram_token:
        return auth_error(sb)
    try:
        fields = _fields(req)
        return _route(sb, req, parts[1], parts[2] if len(parts) == 3 else None, fields)
    except _FieldError as exc:
        return meta_error(400, str(exc), 100)
    except ValueError as exc:
        return meta_error(400, f"(#100) {exc}", 100)


def _fields(req: Request) -> dict[str, GraphField] | None:
    text = req.param("fields")
    return parse_fields(text) if text else None


def _route(
    sb: Sandbox, req: Request, node: str, edge: str | None, fields: dict[str, GraphField] | None
) -> Response:
    store = sb.data.instagram
    if node in ("me", store.user_id):
        if edge is None and req.method == "GET":
            return json_response(200, _user_view(store, fields or _DEFAULT_USER))
        if edge == "media" and req.method == "GET":
            return json_response(200, _media_page(req, store, fields or _DEFAULT_MEDIA))
        return _unknown_edge(req, node, edge)
    if node in store.media:
        if edge is None and req.method == "GET":
            return json_response(200, _media_view(req, store, node, fields or _DEFAULT_MEDIA))
        if edge == "comments" and req.method == "GET":
            ordered = store.ordered_comments(node)
            page = _page(req, ordered, "comments", COMMENTS_MAX_LIMIT, DEFAULT_LIMIT)
            return json_response(
                200, _listing(req, store, page, ordered, fields or _DEFAULT_COMMENT)
            )
        return _unknown_edge(req, node, edge)
    if node in store.comments:
        if edge is None:
            if req.method == "GET":
                return json_response(
                    200, _comment_view(req, store, node, fields or _DEFAULT_COMMENT)
                )
            if req.method == "DELETE":
                _delete(store, node)
                return json_response(200, {"success": True})
            return _unsupported(req, node)
        if edge == "replies" and req.method == "GET":
            if node in store.parent_of:
                return json_response(200, {"data": []})
            ordered = store.ordered_replies(node)
            page = _page(req, ordered, "replies", COMMENTS_MAX_LIMIT, DEFAULT_LIMIT)
            return json_response(
                200, _listing(req, store, page, ordered, fields or _DEFAULT_COMMENT)
            )
        if edge == "replies" and req.method == "POST":
            return _post_reply(sb, req, node)
        return _unknown_edge(req, node, edge)
    return _unsupported(req, node)


def _unknown_edge(req: Request, node: str, edge: str | None) -> Response:
    if edge is None:
        return _unsupported(req, node)
    return meta_error(400, f"Unknown path components: /{edge}", 2500)


def _post_reply(sb: Sandbox, req: Request, comment_id: str) -> Response:
    message = req.param("message")
    if message is None and req.body:
        if "json" in (req.header("Content-Type") or ""):
            body = req.json()
            found = body.get("message") if isinstance(body, dict) else None
            message = found if isinstance(found, str) else None
        else:
            values = req.form().get("message")
            message = values[0] if values else None
    if not message:
        return meta_error(400, "(#100) The parameter message is required", 100)
    store = sb.data.instagram
    try:
        new_id = store.reply(comment_id, message, sb.now(), sb.data.new_numeric_id())
    except NotFoundError:
        return _unsupported(req, comment_id)
    except Refused as exc:
        return meta_error(400, str(exc), 100)
    return json_response(200, {"id": new_id})


def _delete(store: InstagramStore, comment_id: str) -> None:
    for reply in list(store.replies.get(comment_id, ())):
        _delete(store, reply)
    parent = store.parent_of.pop(comment_id, None)
    media_id = store.media_of.pop(comment_id)
    if parent is not None:
        store.replies[parent].remove(comment_id)
    else:
        store.top[media_id].remove(comment_id)
        store.replies.pop(comment_id, None)
    del store.comments[comment_id]
    store.touch()


# --------------------------------------------------------------------------- paging


class _Page:
    def __init__(self, ordered: Ordered, start: int, stop: int, backwards: bool) -> None:
        self.ordered = ordered
        self.start = start
        self.stop = stop
        self.backwards = backwards


def _page(req: Request, ordered: Ordered, tag: str, most: int, default: int) -> _Page:
    raw = req.param("limit")
    try:
        limit = int(raw) if raw else default
    except ValueError:
        raise ValueError("Param limit must be a number") from None
    limit = min(max(limit, 1), most)
    like = ordered.like((0, 0) if tag == "replies" else (0, ""))
    before = req.param("before")
    if before:
        start, stop = ordered.before(_cursor(tag, before, like), limit)
        return _Page(ordered, start, stop, True)
    after = req.param("after")
    cursor = _cursor(tag, after, like) if after else None
    start, stop = ordered.after(cursor, limit)
    return _Page(ordered, start, stop, False)


def _cursor(tag: str, token: str, like: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        return decode_cursor(tag, token, like)
    except ValueError:
        raise ValueError("Invalid cursor") from None


def _paging(req: Request, page: _Page, path: str | None = None) -> dict[str, Any] | None:
    ordered = page.ordered
    if page.stop <= page.start:
        return None
    paging: dict[str, Any] = {
        "cursors": {"before": ordered.cursor(page.start), "after": ordered.cursor(page.stop - 1)}
    }
    query = {k: v for k, v in req.query.items() if k not in ("after", "before")}
    plain = Request(req.method, path or req.path, query, req.headers, b"", req.base_url)
    if page.start > 0:
        paging["previous"] = plain.url(before=ordered.cursor(page.start))
    if page.stop < len(ordered.ids):
        paging["next"] = plain.url(after=ordered.cursor(page.stop - 1))
    return paging


def _listing(
    req: Request,
    store: InstagramStore,
    page: _Page,
    ordered: Ordered,
    fields: dict[str, GraphField],
) -> dict[str, Any]:
    ids = ordered.ids[page.start : page.stop]
    body: dict[str, Any] = {"data": [_comment_view(req, store, c, fields) for c in ids]}
    paging = _paging(req, page)
    if paging:
        body["paging"] = paging
    return body


def _media_page(req: Request, store: InstagramStore, fields: dict[str, GraphField]) -> Any:
    ordered = store.ordered_media()
    page = _page(req, ordered, "media", MEDIA_MAX_LIMIT, DEFAULT_LIMIT)
    ids = ordered.ids[page.start : page.stop]
    body: dict[str, Any] = {"data": [_media_view(req, store, m, fields) for m in ids]}
    paging = _paging(req, page)
    if paging:
        body["paging"] = paging
    return body


# --------------------------------------------------------------------------- views


def _render(fields: dict[str, GraphField]) -> str:
    parts = []
    for name, spec in fields.items():
        text = name + (f".limit({spec.limit})" if spec.limit is not None else "")
        if spec.sub is not None:
            text += "{" + _render(spec.sub) + "}"
        parts.append(text)
    return ",".join(parts)


def _pick(value: Any, sub: dict[str, GraphField] | None) -> Any:
    if sub is None or not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if k in sub}


def _user_view(store: InstagramStore, fields: dict[str, GraphField]) -> dict[str, Any]:
    known = {"id": store.user_id, "username": store.username, "media_count": len(store.media)}
    out: dict[str, Any] = {}
    for name in fields:
        if name not in USER_FIELDS:
            raise _FieldError(name, "IGUser")
        if name in known:
            out[name] = known[name]
    return out


def _media_view(
    req: Request, store: InstagramStore, media_id: str, fields: dict[str, GraphField]
) -> dict[str, Any]:
    media = store.media[media_id]
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in MEDIA_FIELDS:
            raise _FieldError(name, "IGMedia")
        if name == "id":
            out["id"] = media_id
        elif name == "comments_count":
            out[name] = store.comments_count(media_id)
        elif name == "owner":
            out[name] = _pick({"id": store.user_id, "username": store.username}, spec.sub)
        elif name == "comments":
            ordered = store.ordered_comments(media_id)
            if ordered.ids:
                limit = min(max(spec.limit or DEFAULT_LIMIT, 1), COMMENTS_MAX_LIMIT)
                page = _Page(ordered, 0, min(limit, len(ordered.ids)), False)
                sub = spec.sub or _DEFAULT_COMMENT
                ids = ordered.ids[: page.stop]
                value: dict[str, Any] = {"data": [_comment_view(req, store, c, sub) for c in ids]}
                inner = Request(
                    "GET",
                    f"/{req.segments[0]}/{media_id}/comments",
                    {"fields": [_render(sub)], "limit": [str(limit)]},
                    req.headers,
                    b"",
                    req.base_url,
                )
                paging = _paging(inner, page)
                if paging:
                    value["paging"] = paging
                out[name] = value
        elif name in media:
            out[name] = _pick(media[name], spec.sub)
    return out


def _comment_view(
    req: Request, store: InstagramStore, comment_id: str, fields: dict[str, GraphField]
) -> dict[str, Any]:
    comment = store.comments[comment_id]
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in COMMENT_FIELDS:
            raise _FieldError(name, "IGComment")
        if name == "id":
            out["id"] = comment_id
        elif name == "parent_id":
            if comment_id in store.parent_of:
                out[name] = store.parent_of[comment_id]
        elif name == "media":
            out[name] = _pick({"id": store.media_of[comment_id]}, spec.sub)
        elif name == "replies":
            replies = (
                store.ordered_replies(comment_id).ids if comment_id not in store.parent_of else []
            )
            if replies:
                sub = spec.sub or _DEFAULT_COMMENT
                shown = replies[: spec.limit] if spec.limit else replies
                out[name] = {"data": [_comment_view(req, store, r, sub) for r in shown]}
        elif name == "hidden":
            out[name] = bool(comment.get("hidden", False))
        elif name == "like_count":
            out[name] = comment.get("like_count", 0)
        elif name in comment:
            out[name] = _pick(comment[name], spec.sub)
    return out
