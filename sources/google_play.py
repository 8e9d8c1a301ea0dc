"""Google Play payloads: Developer API reviews.list, the Console CSV export, google-play-scraper."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from sources._payload import (
    Page,
    Payload,
    Reader,
    RecordError,
    count,
    csv_rows,
    describe,
    each_page,
    entries,
    ident,
    json_document,
    mapping,
    require,
    stars,
    text,
    to_text,
)
from sources.base import (
    ParseError,
    ParseOptions,
    ParseResult,
    Platform,
    PlatformReply,
    Rejected,
    Review,
)

PLAY = Platform.GOOGLE_PLAY


def play_permalink(package: str | None, review_id: str) -> str | None:
    """The public store link to one review; only when the package is known."""
    if not package:
        return None
    return (
        f"https://play.google.com/store/apps/details?id={quote(package)}"
        f"&reviewId={quote(review_id, safe=':')}"
    )


def split_title(value: str) -> tuple[str | None, str]:
    """Play joins title and body with a TAB; no TAB means there is no title."""
    title, tab, body = value.partition("\t")
    if not tab:
        return None, value
    return (title if title.strip() else None), body


# --------------------------------------------------------------------------- Developer API


def parse_play_api(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse `reviews.list` responses (or `reviews.get` single reviews) from the Developer API."""
    reader = Reader(options)
    each_page(reader, data, lambda page, obj: _api_page(reader, page, obj))
    return reader.finish()


def _api_page(reader: Reader, page: Page, obj: Mapping[str, Any]) -> None:
    single = "reviews" not in obj and ("reviewId" in obj or "comments" in obj)
    items = [("review", obj)] if single else entries(obj, "reviews")
    for position, item in items:
        reader.record(page.at(position), item, partial(_api_review, reader, item))


def _api_review(reader: Reader, item: object) -> Review:
    if not isinstance(item, Mapping):
        raise RecordError(f"the review is {describe(item)}, not an object")
    review_id = require(ident(item, "reviewId"), "no reviewId")
    user, developer = _comments(item)
    if user is None:
        raise RecordError("no userComment in comments")
    title, body = split_title(text(user, "text", "userComment.text") or "")
    extra: dict[str, Any] = {}
    original = text(user, "originalText", "userComment.originalText")
    if original is not None:
        original_title, extra["original_text"] = split_title(original)
        if original_title is not None:
            extra["original_title"] = original_title
    for key, name in (("thumbsUpCount", "thumbs_up"), ("thumbsDownCount", "thumbs_down")):
        value = count(user, key)
        if value is not None:
            extra[name] = value
    for key, name in (("appVersionCode", "app_version_code"), ("androidOsVersion", "android_os")):
        if isinstance(user.get(key), int | str) and not isinstance(user.get(key), bool):
            extra[name] = user[key]
    return Review(
        platform=PLAY,
        external_id=review_id,
        body=body,
        raw=item,
        title=title,
        updated_at=_last_modified(reader, user, "userComment", required=True),
        author=text(item, "authorName") or None,
        rating=stars(user.get("starRating"), "starRating"),
        language=text(user, "reviewerLanguage") or None,
        app_version=text(user, "appVersionName") or None,
        device=text(user, "device") or None,
        reply=_api_reply(reader, developer),
        extra=extra,
    )


def _comments(
    item: Mapping[str, Any],
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The first userComment and the first developerComment of the `comments` union."""
    user = developer = None
    for position, comment in entries(item, "comments"):
        if not isinstance(comment, Mapping):
            raise RecordError(f"{position} is {describe(comment)}, not an object")
        if user is None:
            user = mapping(comment, "userComment", f"{position}.userComment")
        if developer is None:
            developer = mapping(comment, "developerComment", f"{position}.developerComment")
    return user, developer


def _last_modified(
    reader: Reader, comment: Mapping[str, Any], what: str, *, required: bool
) -> datetime | None:
    stamp = mapping(comment, "lastModified", f"{what}.lastModified")
    if stamp is None or stamp.get("seconds") is None:
        if required:
            raise RecordError(f"{what} has no lastModified time")
        return None
    return reader.epoch(stamp.get("seconds"), f"{what}.lastModified", nanos=stamp.get("nanos"))


def _api_reply(reader: Reader, developer: Mapping[str, Any] | None) -> PlatformReply | None:
    if developer is None:
        return None
    body = text(developer, "text", "developerComment.text")
    if body is None:
        raise RecordError("developerComment has no text")
    when = _last_modified(reader, developer, "developerComment", required=False)
    return PlatformReply(text=body, replied_at=when)


# --------------------------------------------------------------------------- Console CSV

_SUBMIT = "Review Submit Date and Time"
_CSV_REQUIRED = ("Package Name", "Star Rating", "Review Text", _SUBMIT)
SYNTHETIC_PREFIX = "play-csv:"


def parse_play_csv(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse a Play Console monthly review export (UTF-16 or UTF-8 CSV).

    Rows without a reviewId in "Review Link" (Play leaves the link empty for rating-only
    reviews) get a synthetic id "play-csv:<hash>" built from package, submit time, device,
    language and version code: stable across exports, never equal to an API reviewId.
    """
    reader = Reader(options)
    header, rows = csv_rows(to_text(data))
    missing = [column for column in _CSV_REQUIRED if column not in header]
    if missing:
        raise ParseError(
            "this CSV is not a Play Console review export: it has no "
            + ", ".join(f'"{column}"' for column in missing)
            + " column"
        )
    seen: dict[str, int] = {}
    synthetic = 0
    for row in rows:
        if isinstance(row, Rejected):
            reader.result.rejected.append(row)
            continue
        review = reader.record(
            f"line {row.line}", row.values, partial(_csv_review, reader, row.values, row.line, seen)
        )
        if review is not None and review.extra.get("synthetic_id"):
            synthetic += 1
    if synthetic:
        reader.note(
            f"{synthetic} row{'s' if synthetic > 1 else ''} had no reviewId in Review Link "
            f"(usually rating-only reviews); gave them synthetic ids '{SYNTHETIC_PREFIX}…' made "
            "from package, submit time, device, language and version code. They stay the same "
            "in later exports but never match a review from the API."
        )
    return reader.finish()


def _csv_review(reader: Reader, values: dict[str, str], line: int, seen: dict[str, int]) -> Review:
    package = text(values, "Package Name") or None
    created = _csv_time(reader, values, _SUBMIT, "Review Submit Millis Since Epoch")
    if created is None:
        raise RecordError(f"no {_SUBMIT}")
    link = (text(values, "Review Link") or "").strip()
    review_id = _review_id_from_link(link)
    extra: dict[str, Any] = {}
    if review_id is None:
        review_id = _synthetic_id(values, package, created)
        if review_id in seen:
            raise RecordError(
                f"no reviewId, and package, submit time, device, language and version are the "
                f"same as line {seen[review_id]}, so it cannot get a distinct id"
            )
        seen[review_id] = line
        extra["synthetic_id"] = True
    if link:
        extra["review_link"] = link
    if text(values, "App Version Code"):
        extra["app_version_code"] = values["App Version Code"]
    return Review(
        platform=PLAY,
        external_id=review_id,
        body=text(values, "Review Text") or "",
        raw=values,
        created_at=created,
        updated_at=_csv_time(
            reader,
            values,
            "Review Last Update Date and Time",
            "Review Last Update Millis Since Epoch",
        ),
        rating=stars(values.get("Star Rating"), "Star Rating"),
        title=text(values, "Review Title") or None,
        language=text(values, "Reviewer Language") or None,
        permalink=None if extra.get("synthetic_id") else play_permalink(package, review_id),
        app_version=text(values, "App Version Name") or None,
        device=text(values, "Device") or None,
        account_hint=package,
        reply=_csv_reply(reader, values),
        extra=extra,
    )


def _csv_time(reader: Reader, values: dict[str, str], column: str, millis: str) -> datetime | None:
    """The date column, else the millis column; an unreadable value rejects the row."""
    when = reader.time(values.get(column), column)
    if when is None and (values.get(millis) or "").strip():
        when = reader.epoch(values[millis], millis, scale=1000)
    return when


def _csv_reply(reader: Reader, values: dict[str, str]) -> PlatformReply | None:
    body = text(values, "Developer Reply Text") or ""
    if not body.strip():
        return None
    when = _csv_time(
        reader, values, "Developer Reply Date and Time", "Developer Reply Millis Since Epoch"
    )
    return PlatformReply(text=body, replied_at=when)


def _review_id_from_link(link: str) -> str | None:
    """Play puts the reviewId (e.g. "gp:AOqp…") in the Review Link query string."""
    if not link:
        return None
    try:
        query = parse_qs(urlsplit(link).query)
    except ValueError:
        return None
    found = [value for value in query.get("reviewId", []) if value.strip()]
    return found[0] if found else None


def _synthetic_id(values: dict[str, str], package: str | None, created: datetime) -> str:
    millis = (values.get("Review Submit Millis Since Epoch") or "").strip()
    moment = millis or str(int(created.timestamp()) * 1000)
    key = "\x1f".join(
        [
            package or "",
            moment,
            values.get("Device", ""),
            values.get("Reviewer Language", ""),
            values.get("App Version Code", ""),
        ]
    )
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:24]
    return SYNTHETIC_PREFIX + digest


# --------------------------------------------------------------------------- google-play-scraper

SCRAPER_COLUMNS = (
    "reviewId",
    "userName",
    "userImage",
    "content",
    "score",
    "thumbsUpCount",
    "reviewCreatedVersion",
    "at",
    "replyContent",
    "repliedAt",
    "appVersion",
)


def parse_play_scraper(data: Payload, options: ParseOptions | None = None) -> ParseResult:
    """Parse google-play-scraper `reviews()` output saved as JSON, JSON Lines or CSV.

    The scraper writes naive local times; they are read in `options.naive_tz`, and the
    record is rejected when no zone was given.
    """
    reader = Reader(options)
    if isinstance(data, Mapping | list):
        _scraper_json(reader, data)
        return reader.finish()
    content = to_text(data)
    if content.lstrip()[:1] in ("[", "{"):
        _scraper_json(reader, content)
    else:
        _scraper_csv(reader, content)
    return reader.finish()


def _scraper_json(reader: Reader, data: Payload) -> None:
    pages, rejected = json_document(data)
    reader.result.rejected.extend(rejected)
    for page in pages:
        reader.check_numbers |= page.nonfinite
        value = page.value
        if isinstance(value, list):
            _scraper_list(reader, page, value)
        elif isinstance(value, Mapping) and "reviews" in value and "reviewId" not in value:
            try:
                for position, item in entries(value, "reviews"):
                    _scraper_record(reader, page.at(position), item)
            except RecordError as exc:
                reader.reject(page.name, str(exc), value)
        elif isinstance(value, Mapping) and not value:
            continue
        else:
            _scraper_record(reader, page.name, value)


def _scraper_list(reader: Reader, page: Page, items: list[Any]) -> None:
    """A list of reviews, or a list of such lists (several `reviews()` calls saved together)."""
    for index, item in enumerate(items):
        if isinstance(item, list):
            for inner, review in enumerate(item):
                _scraper_record(reader, page.at(f"page {index + 1}, [{inner}]"), review)
        else:
            _scraper_record(reader, page.at(f"[{index}]"), item)


def _scraper_csv(reader: Reader, content: str) -> None:
    header, rows = csv_rows(content)
    if "reviewId" not in header:
        raise ParseError("this CSV has no reviewId column, so it is not google-play-scraper output")
    for row in rows:
        if isinstance(row, Rejected):
            reader.result.rejected.append(row)
        else:
            _scraper_record(reader, f"line {row.line}", row.values)


def _scraper_record(reader: Reader, position: str, item: object) -> None:
    reader.record(position, item, partial(_scraper_review, reader, item))


def _scraper_review(reader: Reader, item: object) -> Review:
    if not isinstance(item, Mapping):
        raise RecordError(f"the review is {describe(item)}, not an object")
    review_id = require(ident(item, "reviewId"), "no reviewId")
    created = require(reader.time(item.get("at"), "at"), "no 'at' date")
    extra: dict[str, Any] = {}
    thumbs = count(item, "thumbsUpCount")
    if thumbs is not None:
        extra["thumbs_up"] = thumbs
    return Review(
        platform=PLAY,
        external_id=review_id,
        body=text(item, "content") or "",
        raw=item,
        created_at=created,
        author=text(item, "userName") or None,
        rating=stars(item.get("score"), "score"),
        app_version=text(item, "reviewCreatedVersion") or text(item, "appVersion") or None,
        reply=_scraper_reply(reader, item),
        extra=extra,
    )


def _scraper_reply(reader: Reader, item: Mapping[str, Any]) -> PlatformReply | None:
    body = text(item, "replyContent") or ""
    if not body.strip():
        return None
    return PlatformReply(text=body, replied_at=reader.time(item.get("repliedAt"), "repliedAt"))
