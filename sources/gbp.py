"""Google Business Profile payloads: v4 reviews.list, batchGetReviews and reviews.get."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from sources._payload import (
    Page,
    Payload,
    Reader,
    RecordError,
    describe,
    each_page,
    entries,
    flag,
    ident,
    mapping,
    require,
    shown,
    text,
)
from sources.base import ParseOptions, ParseResult, Platform, PlatformReply, Review

GBP = Platform.GBP

STAR_RATINGS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
_UNSPECIFIED = "STAR_RATING_UNSPECIFIED"
_REVIEW_NAME = re.compile(r"(accounts/([^/]+)/locations/([^/]+))(?:/reviews/([^/]+))?")

# Google writes machine translations into the comment itself, in one of two layouts.
_TRANSLATED_FIRST = re.compile(
    r"\A\(Translated by Google\)[ \n](?P<translation>.*?)\n\n\(Original\)\n(?P<original>.*)\Z",
    re.DOTALL,
)
_ORIGINAL_FIRST = re.compile(
    r"\A(?P<original>.*?)\n\n\(Translated by Google\)[ \n](?P<translation>.*)\Z", re.DOTALL
)


def parse_gbp(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse Business Profile review pages: reviews.list, batchGetReviews or one review."""
    reader = Reader(options)
    each_page(reader, data, partial(_gbp_page, reader))
    return reader.finish()


def _gbp_page(reader: Reader, page: Page, obj: Mapping[str, Any]) -> None:
    if "locationReviews" in obj:
        for position, wrapper in entries(obj, "locationReviews"):
            _location_review(reader, page.at(position), wrapper)
        return
    single = "reviews" not in obj and ("reviewId" in obj or "starRating" in obj)
    items = [("review", obj)] if single else entries(obj, "reviews")
    for position, item in items:
        reader.record(page.at(position), item, partial(_gbp_review, reader, item, None))


def _location_review(reader: Reader, position: str, wrapper: object) -> None:
    """batchGetReviews wraps each review as {name: location, review: {...}}."""
    if not isinstance(wrapper, Mapping):
        reason = f"the entry is {describe(wrapper)}, not an object"
        reader.reject(position, reason, wrapper)
        return
    review = wrapper.get("review")
    location = wrapper.get("name") if isinstance(wrapper.get("name"), str) else None
    reader.record(f"{position}.review", review, partial(_gbp_review, reader, review, location))


def _gbp_review(reader: Reader, item: object, location_name: str | None) -> Review:
    if not isinstance(item, Mapping):
        raise RecordError(f"the review is {describe(item)}, not an object")
    name = text(item, "name") or location_name or ""
    parsed = _REVIEW_NAME.search(name)
    review_id = ident(item, "reviewId") or (parsed.group(4) if parsed else None)
    review_id = require(review_id, "no reviewId")
    reviewer = mapping(item, "reviewer") or {}
    anonymous = flag(reviewer, "isAnonymous")
    body = text(item, "comment") or ""
    extra: dict[str, Any] = {}
    if anonymous is not None:
        extra["anonymous"] = anonymous
    original = split_translation(body)
    if original is not None:
        extra["original_text"] = original
    return Review(
        platform=GBP,
        external_id=review_id,
        body=body,
        raw=item,
        created_at=require(reader.time(item.get("createTime"), "createTime"), "no createTime"),
        updated_at=reader.time(item.get("updateTime"), "updateTime"),
        author=None
        if anonymous
        else (text(reviewer, "displayName", "reviewer.displayName") or None),
        rating=star_rating(item.get("starRating")),
        location=f"locations/{parsed.group(3)}" if parsed else None,
        account_hint=parsed.group(1) if parsed else None,
        reply=_gbp_reply(reader, item),
        extra=extra,
    )


def star_rating(value: object) -> int | None:
    """ONE..FIVE → 1..5; unspecified or absent → None; 1..5 as numbers are accepted too."""
    if value is None or value == _UNSPECIFIED:
        return None
    if isinstance(value, str) and value.strip().upper() in STAR_RATINGS:
        return STAR_RATINGS[value.strip().upper()]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    raise RecordError(f"starRating {shown(value)} is not one of ONE..FIVE")


def split_translation(comment: str) -> str | None:
    """The reviewer's own words from a "(Translated by Google) … (Original) …" comment."""
    if comment.count("(Translated by Google)") != 1 or comment.count("(Original)") > 1:
        return None
    match = _TRANSLATED_FIRST.match(comment)
    if match is None and "(Original)" not in comment:
        match = _ORIGINAL_FIRST.match(comment)
    if match is None or not match.group("original").strip():
        return None
    return match.group("original")


def _gbp_reply(reader: Reader, item: Mapping[str, Any]) -> PlatformReply | None:
    reply = mapping(item, "reviewReply")
    if reply is None:
        return None
    body = text(reply, "comment", "reviewReply.comment")
    if body is None:
        raise RecordError("reviewReply has no comment")
    return PlatformReply(
        text=body,
        replied_at=reader.time(reply.get("updateTime"), "reviewReply.updateTime"),
        # Reply moderation `state` is newer and its values are unverified: kept only as text.
        state=reply.get("state") if isinstance(reply.get("state"), str) else None,
    )
