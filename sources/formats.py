"""The import formats the CLI offers: their names, how to recognise them, and their parsers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sources._payload import Payload, decode, json_document
from sources.app_store import parse_asc, parse_itunes_rss
from sources.base import ParseError, ParseOptions, ParseResult, Platform
from sources.gbp import parse_gbp
from sources.google_play import parse_play_api, parse_play_csv, parse_play_scraper
from sources.instagram import parse_instagram

__all__ = ["FORMATS", "FormatSpec", "ParseOptions", "detect_format", "parse_bytes"]


@dataclass(frozen=True)
class FormatSpec:
    """One importable file format."""

    name: str
    platform: Platform
    description: str
    parse: Callable[[Payload, ParseOptions | None], ParseResult]


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec(
            "play-api",
            Platform.GOOGLE_PLAY,
            "Google Play Developer API reviews.list / reviews.get JSON",
            parse_play_api,
        ),
        FormatSpec(
            "play-csv",
            Platform.GOOGLE_PLAY,
            "Play Console monthly review export CSV (UTF-16 or UTF-8)",
            parse_play_csv,
        ),
        FormatSpec(
            "play-scraper",
            Platform.GOOGLE_PLAY,
            "google-play-scraper reviews() saved as JSON or CSV (naive times: pass --tz)",
            parse_play_scraper,
        ),
        FormatSpec(
            "asc",
            Platform.APP_STORE,
            "App Store Connect customerReviews JSON (include=response)",
            parse_asc,
        ),
        FormatSpec(
            "itunes-rss",
            Platform.APP_STORE,
            "public App Store customer-reviews RSS feed, JSON form",
            parse_itunes_rss,
        ),
        FormatSpec(
            "gbp",
            Platform.GBP,
            "Google Business Profile v4 reviews.list / batchGetReviews JSON",
            parse_gbp,
        ),
        FormatSpec(
            "instagram",
            Platform.INSTAGRAM,
            "Instagram Graph API media comments or media with expanded comments JSON",
            parse_instagram,
        ),
    )
}

# Words in a file name that point at a format, used only to break a tie (empty pages).
_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "play-api": ("play-api", "play_api", "playapi", "androidpublisher"),
    "play-csv": ("play-csv", "play_csv", "playcsv"),
    "play-scraper": ("scraper",),
    "asc": ("asc", "appstoreconnect", "app-store-connect", "customerreviews"),
    "itunes-rss": ("itunes", "rss"),
    "gbp": ("gbp", "business", "gmb"),
    "instagram": ("instagram", "ig-", "ig_"),
}
_MEDIA_KEYS = {"comments", "caption", "permalink", "media_type", "media_url", "comments_count"}
_COMMENT_KEYS = {"text", "timestamp", "username", "from", "parent_id", "like_count", "hidden"}
_SCRAPER_KEYS = {"score", "content", "at", "userName", "thumbsUpCount", "replyContent"}


def _names() -> str:
    return "; ".join(f"{spec.name} ({spec.description})" for spec in FORMATS.values())


def detect_format(data: bytes, filename: str | None = None) -> str:
    """Tell a file's format from its content; the file name only breaks ties.

    Raises ParseError, naming every format, when the content matches none or several.
    """
    content = decode(data)
    start = content.lstrip()[:1]
    if not start:
        raise ParseError(f"the file is empty, so its format cannot be told. Formats: {_names()}")
    votes = _json_votes(data) if start in "[{" else _csv_votes(content)
    if len(votes) == 1:
        return next(iter(votes))
    hinted = _hint(filename, votes or set(FORMATS))
    if hinted is not None:
        return hinted
    if votes:
        why = "it could be " + " or ".join(sorted(votes))
    else:
        why = "it matches none of the known shapes"
    raise ParseError(
        f"cannot tell which format this file is ({why}); pass --format with one of: {_names()}"
    )


def parse_bytes(
    data: bytes,
    fmt: str | None,
    options: ParseOptions | None = None,
    filename: str | None = None,
) -> tuple[str, ParseResult]:
    """Parse a file in the named format, or in the detected one when `fmt` is None."""
    if fmt is None:
        fmt = detect_format(data, filename)
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ParseError(f"unknown format {fmt!r}; use one of: {_names()}")
    return fmt, spec.parse(data, options or ParseOptions())


def _hint(filename: str | None, candidates: Iterable[str]) -> str | None:
    if not filename:
        return None
    lowered = filename.lower()
    matches = [f for f in candidates if any(word in lowered for word in _NAME_HINTS[f])]
    return matches[0] if len(matches) == 1 else None


# --------------------------------------------------------------------------- content sniffing


def _csv_votes(content: str) -> set[str]:
    try:
        header = next(csv.reader(io.StringIO(content, newline="")), [])
    except csv.Error:
        return set()
    columns = {cell.strip() for cell in header}
    if {"Package Name", "Star Rating"} <= columns or "Review Submit Date and Time" in columns:
        return {"play-csv"}
    if "reviewId" in columns and columns & _SCRAPER_KEYS:
        return {"play-scraper"}
    return set()


def _json_votes(data: bytes) -> set[str]:
    """Formats every page agrees with; pages that fit any format (empty ones) do not vote."""
    try:
        pages, _ = json_document(data)
    except ParseError:
        return set()
    definite: set[str] = set()
    loose: list[set[str]] = []
    for page in pages:
        for vote in _page_votes(page.value, depth=0):
            if len(vote) == 1:
                definite |= vote
            else:
                loose.append(vote)
    if definite:
        return definite
    return set.intersection(*loose) if loose else set()


def _page_votes(value: object, depth: int) -> list[set[str]]:
    if isinstance(value, list):
        if depth > 1:
            return []
        if any(isinstance(v, Mapping) and _is_scraper_review(v) for v in value):
            return [{"play-scraper"}]
        return [vote for item in value[:50] for vote in _page_votes(item, depth + 1)]
    if not isinstance(value, Mapping) or not value:
        return []
    vote = _object_vote(value)
    return [vote] if vote else []


def _object_vote(obj: Mapping[str, Any]) -> set[str]:
    if "feed" in obj:
        return {"itunes-rss"}
    if "locationReviews" in obj:
        return {"gbp"}
    if "reviews" in obj:
        return _reviews_vote(obj)
    if "data" in obj or "included" in obj:
        return _data_vote(obj)
    if isinstance(obj.get("errors"), list):
        return {"asc"}  # a JSON:API error document
    return _single_vote(obj)


def _reviews_vote(obj: Mapping[str, Any]) -> set[str]:
    reviews = obj.get("reviews")
    first = reviews[0] if isinstance(reviews, list) and reviews else reviews
    if isinstance(first, Mapping):
        vote = _single_vote(first)
        if vote:
            return vote
    if "tokenPagination" in obj or "pageInfo" in obj:
        return {"play-api"}
    if {"averageRating", "totalReviewCount", "nextPageToken"} & obj.keys():
        return {"gbp"}
    return {"play-api", "gbp"}


def _data_vote(obj: Mapping[str, Any]) -> set[str]:
    items = obj.get("data")
    first = items[0] if isinstance(items, list) and items else items
    if isinstance(first, Mapping):
        if first.get("type") == "customerReviews" or "attributes" in first:
            return {"asc"}
        if (_MEDIA_KEYS | _COMMENT_KEYS) & first.keys():
            return {"instagram"}
    links = obj.get("links")
    if "included" in obj or "meta" in obj or isinstance(links, Mapping):
        return {"asc"}
    if "paging" in obj:
        return {"instagram"}
    return {"asc", "instagram"}


def _single_vote(obj: Mapping[str, Any]) -> set[str]:
    """A single review or comment saved on its own (reviews.get, /{comment-id}, …)."""
    if "comments" in obj and "reviewId" in obj:
        return {"play-api"}
    if "starRating" in obj or "reviewer" in obj or "createTime" in obj:
        return {"gbp"}
    if _is_scraper_review(obj):
        return {"play-scraper"}
    if _MEDIA_KEYS & obj.keys() or ("id" in obj and _COMMENT_KEYS & obj.keys()):
        return {"instagram"}
    if "reviewId" in obj:
        return {"play-api", "gbp", "play-scraper"}
    return set()


def _is_scraper_review(obj: Mapping[str, Any]) -> bool:
    return "reviewId" in obj and len(_SCRAPER_KEYS & obj.keys()) >= 2
