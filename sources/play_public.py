"""Google Play public listing through google-play-scraper: read-only, no credentials.

Two things about that package shape this module:
- importing it sets `ssl._create_default_https_context = ssl._create_unverified_context`,
  turning off certificate checks for every urllib user in the process. It is imported only
  when a poll runs, and the previous value is put back right after the import;
- it swallows every network error and returns a short or empty list, so an empty answer is
  "unknown", never "zero reviews".
"""

from __future__ import annotations

import enum
import ssl
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from sources.base import Platform, PlatformReply
from sources.errors import ReplyNotSupported, Unavailable
from sources.google_play import parse_play_scraper
from sources.source import Batch, Cursor, ReplyReceipt

# google_play_scraper.reviews(app_id, lang=, country=, sort=, count=, continuation_token=)
ReviewsFunction = Callable[..., tuple[list[dict[str, Any]], Any]]
BLOCKED = (
    "Google Play listing returned no reviews; the scraper may be blocked — nothing was changed"
)


class SortOrder(enum.IntEnum):
    """google_play_scraper.Sort.NEWEST without importing the package (it reads `.value`)."""

    NEWEST = 2


def load_scraper() -> ReviewsFunction:
    """`google_play_scraper.reviews`, imported with the process's TLS default restored."""
    previous = ssl._create_default_https_context
    try:
        from google_play_scraper import reviews  # type: ignore[import-untyped]
    finally:
        ssl._create_default_https_context = previous
    function: ReviewsFunction = reviews
    return function


class PlayPublicSource:
    """Newest public reviews of one app in one language and country."""

    platform = Platform.GOOGLE_PLAY
    can_reply = False

    def __init__(
        self,
        package_name: str,
        *,
        lang: str = "en",
        country: str = "in",
        count_per_page: int = 200,
        max_reviews: int = 5000,
        fetch: ReviewsFunction | None = None,
        naive_tz: tzinfo | None = None,
    ) -> None:
        """`fetch` replaces google_play_scraper.reviews (tests); `naive_tz` is the zone the
        scraper's naive times are in (default: this host's local time, which it used)."""
        if count_per_page < 1 or max_reviews < 1:
            raise ValueError("count_per_page and max_reviews must be at least 1")
        self.package_name = package_name
        self.lang = lang
        self.country = country
        self.count_per_page = count_per_page
        self.max_reviews = max_reviews
        self.naive_tz = naive_tz
        self._reviews = fetch

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Newest first until a review older than the cursor's `at`, the end, or max_reviews."""
        since, notes = _read_cursor(cursor)
        reviews = self._reviews or load_scraper()
        newest = since
        token: Any = None
        read = 0
        page = 0
        while True:
            page += 1
            items, token = self._page(reviews, token)
            batch = Batch(requests=1, notes=notes)
            notes = []
            read += len(items)
            more = getattr(token, "token", None) is not None
            if not items:
                if page == 1 and since is not None:
                    raise Unavailable(BLOCKED)
                batch.final = True
                batch.cursor = dict(cursor) if cursor else None
                if page == 1:
                    batch.notes.append(
                        "Google Play listing returned no reviews (the app may have none in "
                        f"{self.lang}-{self.country}, or the scraper may be blocked)"
                    )
                else:
                    batch.notes.append(
                        "Google Play stopped returning reviews before the last poll's position "
                        "was reached (the scraper may be blocked); the position was kept so the "
                        "next poll reads these reviews again"
                    )
                yield batch
                return
            result = parse_play_scraper([self._with_utc(item) for item in items])
            batch.rejected.extend(
                replace(r, position=f"page {page}, {r.position}") for r in result.rejected
            )
            reached = False
            for record in result.records:
                when = record.created_at
                if since is not None and when is not None and when < since:
                    reached = True
                    continue
                batch.records.append(record)
                if when is not None and (newest is None or when > newest):
                    newest = when
            capped = not reached and more and read >= self.max_reviews
            if capped:
                batch.notes.append(
                    f"stopped after {read} Google Play reviews (max_reviews); older reviews "
                    "were not read"
                )
            if reached or not more or capped:
                batch.final = True
                if newest is not None and newest != since:
                    batch.cursor = {**(cursor or {}), "at": iso_utc(newest)}
                else:
                    batch.cursor = dict(cursor) if cursor else None
                yield batch
                return
            yield batch

    def _page(self, reviews: ReviewsFunction, token: Any) -> tuple[list[dict[str, Any]], Any]:
        try:
            if token is None:
                items, token = reviews(
                    self.package_name,
                    lang=self.lang,
                    country=self.country,
                    sort=SortOrder.NEWEST,
                    count=self.count_per_page,
                )
            else:
                items, token = reviews(self.package_name, continuation_token=token)
        except Exception as exc:  # the package raises its own and urllib's errors
            raise Unavailable(
                f"google-play-scraper failed on {self.package_name}: {type(exc).__name__}"
            ) from None
        if not isinstance(items, list):
            raise Unavailable(
                f"google-play-scraper answered {type(items).__name__}, not a list of reviews"
            )
        return items, token

    def _with_utc(self, item: object) -> object:
        """The review with its naive local `at`/`repliedAt` as ISO UTC text (JSON-ready raw)."""
        if not isinstance(item, dict):
            return item
        fixed = dict(item)
        for key in ("at", "repliedAt"):
            value = fixed.get(key)
            if isinstance(value, datetime):
                fixed[key] = iso_utc(to_utc(value, self.naive_tz))
        return fixed

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        raise ReplyNotSupported(
            "the public Google Play listing is read-only; replying needs a Play Developer API "
            "source (service account with the Reply to reviews permission)"
        )

    def get_reply(self, external_id: str) -> PlatformReply | None:
        raise ReplyNotSupported(
            "the public Google Play listing is read-only; its replies arrive with each poll"
        )

    def close(self) -> None:
        pass


def to_utc(value: datetime, zone: tzinfo | None = None) -> datetime:
    """A scraper time in UTC: naive values are local time (`datetime.fromtimestamp`), read in
    `zone` when given, else in the host's zone (DST included, as fromtimestamp applied it)."""
    if value.tzinfo is None and zone is not None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _read_cursor(cursor: Cursor | None) -> tuple[datetime | None, list[str]]:
    value = cursor.get("at") if cursor else None
    if value is None:
        return None, []
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None:
        return None, [
            "the stored Google Play listing position cannot be read; reviews were read again "
            "from the newest"
        ]
    return to_utc(when, UTC), []
