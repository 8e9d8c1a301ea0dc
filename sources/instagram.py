"""Instagram payloads: media comments, user media with expanded comments, one media or comment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sources._payload import (
    Page,
    Payload,
    Reader,
    RecordError,
    count,
    describe,
    each_page,
    entries,
    flag,
    ident,
    mapping,
    require,
    text,
)
from sources.base import ParseOptions, ParseResult, Platform, PlatformReply, Rejected, Review

INSTAGRAM = Platform.INSTAGRAM

# Keys only a media object has; a comment has text/from/parent_id/media instead.
_MEDIA_KEYS = frozenset(
    {
        "comments",
        "caption",
        "permalink",
        "media_type",
        "media_url",
        "media_product_type",
        "comments_count",
        "thumbnail_url",
        "shortcode",
        "is_comment_enabled",
        "owner",
    }
)
_EMPTY_PAGE_KEYS = frozenset({"data", "paging", "summary"})
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Media:
    """What a comment inherits from its post: id, caption, link, and whose post it is."""

    id: str | None = None
    caption: str | None = None
    permalink: str | None = None
    username: str | None = None
    owner_id: str | None = None


@dataclass
class _Found:
    """A comment or reply seen in the payload, before it is turned into a record."""

    position: str
    raw: object
    media: Media
    parent: str | None = None  # the comment it replies to, when nested under `replies`
    nested: bool = False  # under `replies`, even when the parent comment has no id
    own_replies: list[_Found] = field(default_factory=list)


def parse_instagram(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse Instagram comments; the account's own replies become the reply of their comment.

    A reply is ours when its username is the media owner's (`username` on the media) or
    `options.own_username`. Replies by anyone else are records of their own.
    """
    reader = Reader(options)
    found: list[_Found] = []
    each_page(reader, data, partial(_ig_page, reader, found))
    _emit(reader, found)
    return reader.finish()


# --------------------------------------------------------------------------- collecting


def _ig_page(reader: Reader, found: list[_Found], page: Page, obj: Mapping[str, Any]) -> None:
    if "data" in obj:
        paging = _paging_ids(obj)
        for position, item in entries(obj, "data"):
            if isinstance(item, Mapping) and _MEDIA_KEYS & item.keys():
                _media(reader, found, page.at(position), item, paging.get("media"))
            else:
                media = Media(id=paging.get("comments"))
                _comment(found, page.at(position), item, media, None)
    elif _MEDIA_KEYS & obj.keys():
        _media(reader, found, page.at("media"), obj, None)
    elif "id" in obj:
        _comment(found, page.at("comment"), obj, Media(), None)
    elif not obj.keys() <= _EMPTY_PAGE_KEYS:
        raise RecordError(f"{page.name} has no data, comments or id: not an Instagram response")


def _paging_ids(obj: Mapping[str, Any]) -> dict[str, str]:
    """The media id (…/{id}/comments) or user id (…/{id}/media) named by the paging links."""
    paging = obj.get("paging")
    links = [paging.get(k) for k in ("next", "previous")] if isinstance(paging, Mapping) else []
    ids: dict[str, str] = {}
    for link in links:
        match = re.search(r"/(\d+)/(comments|media)\b", link) if isinstance(link, str) else None
        if match:
            ids.setdefault(match.group(2), match.group(1))
    return ids


def _media(
    reader: Reader,
    found: list[_Found],
    position: str,
    item: Mapping[str, Any],
    user_id: str | None,
) -> None:
    try:
        owner = mapping(item, "owner") or {}
        media = Media(
            id=ident(item, "id"),
            caption=text(item, "caption"),
            permalink=text(item, "permalink") or None,
            username=text(item, "username") or None,
            owner_id=ident(owner, "id", "owner.id") or user_id,
        )
        comments = item.get("comments")
        if isinstance(comments, list):
            listed = entries(item, "comments")
        else:
            nested = mapping(item, "comments") or {}
            listed = [(f"comments.{pos}", c) for pos, c in entries(nested, "data")]
    except RecordError as exc:
        reader.reject(position, f"the post cannot be read: {exc}", item)
        return
    for inner, comment in listed:
        _comment(found, f"{position}.{inner}", comment, media, None)


def _comment(
    found: list[_Found], position: str, item: object, media: Media, parent: str | None
) -> None:
    """Record a comment and, right after it, the replies nested under it."""
    found.append(_Found(position, item, media, parent))
    if not isinstance(item, Mapping):
        return
    own_id = _id_of(item)
    replies = item.get("replies")
    if isinstance(replies, Mapping):
        replies = replies.get("data")
    if isinstance(replies, Mapping):
        replies = [replies]
    if not isinstance(replies, list):
        return
    for index, reply in enumerate(replies):
        found.append(_Found(f"{position}.replies.data[{index}]", reply, media, own_id, True))


def _id_of(item: object) -> str | None:
    value = item.get("id") if isinstance(item, Mapping) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _username_of(item: object) -> str | None:
    if not isinstance(item, Mapping):
        return None
    name = item.get("username")
    sender = item.get("from")
    if not isinstance(name, str) and isinstance(sender, Mapping):
        name = sender.get("username")
    return name if isinstance(name, str) else None


# --------------------------------------------------------------------------- records


def _emit(reader: Reader, found: list[_Found]) -> None:
    """Attach our own replies to the comments they answer; everything else is a record."""
    own_handle = _handle(reader.options.own_username)
    present = {i for f in found if (i := _id_of(f.raw)) is not None}
    by_id: dict[str, _Found] = {}
    for item in found:
        key = _id_of(item.raw)
        if key is not None:
            by_id.setdefault(key, item)
    records: list[_Found] = []
    unknown_owner = 0
    for item in found:
        parent = item.parent or _parent_field(item.raw)
        owners = {h for h in (_handle(item.media.username), own_handle) if h}
        if (parent or item.nested) and not owners:
            unknown_owner += 1
        if parent is not None and parent in present and _handle(_username_of(item.raw)) in owners:
            by_id[parent].own_replies.append(item)
        else:
            records.append(item)
    for item in records:
        reader.record(item.position, item.raw, partial(_ig_review, reader, item, own_handle))
    if unknown_owner:
        reader.note(
            f"{unknown_owner} repl{'ies' if unknown_owner > 1 else 'y'} could not be checked "
            "for our own: the file does not name the account; pass --own-username"
        )


def _handle(name: str | None) -> str | None:
    """Instagram handles are case-insensitive; "@resello.in" and "resello.in" are one."""
    if name is None:
        return None
    return name.strip().lstrip("@").lower() or None


def _parent_field(raw: object) -> str | None:
    value = raw.get("parent_id") if isinstance(raw, Mapping) else None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _ig_review(reader: Reader, item: _Found, own_handle: str | None) -> Review:
    raw = item.raw
    if not isinstance(raw, Mapping):
        raise RecordError(f"the comment is {describe(raw)}, not an object")
    comment_id = require(ident(raw, "id"), "no id")
    sender = mapping(raw, "from") or {}
    username = text(raw, "username") or text(sender, "username", "from.username") or None
    parent = item.parent or ident(raw, "parent_id")
    media_ref = mapping(raw, "media") or {}
    extra: dict[str, Any] = {"top_level": not (parent or item.nested)}
    if parent:
        extra["parent_comment_id"] = parent
    hidden = flag(raw, "hidden")
    if hidden is not None:
        extra["hidden"] = hidden
    likes = count(raw, "like_count")
    if likes is not None:
        extra["like_count"] = likes
    owners = {h for h in (_handle(item.media.username), own_handle) if h}
    if _handle(username) in owners:
        extra["own"] = True
    return Review(
        platform=INSTAGRAM,
        external_id=comment_id,
        body=text(raw, "text") or "",
        raw=raw,
        created_at=require(reader.time(raw.get("timestamp"), "timestamp"), "no timestamp"),
        author=username,
        author_id=ident(sender, "id", "from.id"),
        parent_id=item.media.id or ident(media_ref, "id", "media.id"),
        parent_text=item.media.caption,
        permalink=item.media.permalink,
        account_hint=item.media.owner_id,
        reply=_earliest_reply(reader, item.own_replies),
        extra=extra,
    )


def _earliest_reply(reader: Reader, replies: list[_Found]) -> PlatformReply | None:
    """Our first reply; one with an unreadable time is rejected on its own, not with its parent."""
    readable: list[tuple[datetime | None, int, PlatformReply]] = []
    for order, reply in enumerate(replies):
        raw = reply.raw
        if not isinstance(raw, Mapping):  # cannot happen: only objects have a username
            continue
        try:
            when = reader.time(raw.get("timestamp"), "timestamp")
            body = text(raw, "text") or ""
        except RecordError as exc:
            reader.result.rejected.append(Rejected(reply.position, str(exc), raw))
            continue
        readable.append((when, order, PlatformReply(body, when, external_id=_id_of(raw))))
    if not readable:
        return None
    readable.sort(key=lambda r: (r[0] is None, r[0] or _NEVER, r[1]))
    return readable[0][2]
