"""What the sandbox serves: each platform's items held as the platform's own raw objects."""

from __future__ import annotations

import bisect
import copy
import random
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sources.app_store import ALPHA3_TO_ALPHA2
from sources.sandbox._util import (
    Ordered,
    apple_time,
    graph_time,
    play_nanos,
    play_stamp,
    rfc3339,
    time_micros,
)

DEFAULT_PACKAGE = "in.resello.app"
DEFAULT_APP_ID = "1589034512"
DEFAULT_APP_NAME = "Resello"
DEFAULT_LOCATIONS = (
    "accounts/11223344556677889900/locations/4501",
    "accounts/11223344556677889900/locations/4502",
    "accounts/11223344556677889900/locations/4503",
)
DEFAULT_IG_USER_ID = "17841400000000001"
DEFAULT_IG_USERNAME = "resello.in"

PLAY_REPLY_LIMIT = 350  # characters, after HTML tags are stripped
GBP_REPLY_LIMIT = 4096  # UTF-8 bytes
STARS = ("STAR_RATING_UNSPECIFIED", "ONE", "TWO", "THREE", "FOUR", "FIVE")

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_APP_LINK = re.compile(r"/v1/apps/([^/?#]+)/customerReviews")
_IG_USER_LINK = re.compile(r"/v\d+\.\d+/(\d+)/media\b")


class NotFoundError(LookupError):
    """No item with that id on that platform."""


class Refused(ValueError):
    """The platform would refuse this write; the message says why in its own words."""


def _text_arg(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(f"{what} is required")
    return value


class _Store:
    """Version counter and cached orderings: a listing is sorted once per change, not per page."""

    def __init__(self) -> None:
        self._cache: dict[object, Ordered] = {}

    def touch(self) -> None:
        self._cache.clear()

    def _cached(self, key: object, build: Any) -> Ordered:
        found = self._cache.get(key)
        if found is None:
            found = build()
            self._cache[key] = found
        return found


# --------------------------------------------------------------------------- Google Play


class PlayStore(_Store):
    """Play `Review` objects by reviewId; the developer reply is the second `comments` element."""

    def __init__(self, package: str) -> None:
        super().__init__()
        self.package = package
        self.reviews: dict[str, dict[str, Any]] = {}

    @staticmethod
    def user_comment(review: Mapping[str, Any]) -> dict[str, Any]:
        for comment in review.get("comments") or ():
            if isinstance(comment, dict) and isinstance(comment.get("userComment"), dict):
                found: dict[str, Any] = comment["userComment"]
                return found
        return {}

    @staticmethod
    def developer_comment(review: Mapping[str, Any]) -> dict[str, Any] | None:
        for comment in review.get("comments") or ():
            if isinstance(comment, dict) and isinstance(comment.get("developerComment"), dict):
                found: dict[str, Any] = comment["developerComment"]
                return found
        return None

    def modified(self, review: Mapping[str, Any]) -> int:
        return play_nanos(self.user_comment(review).get("lastModified"))

    def put(self, review: dict[str, Any]) -> None:
        """Add a review; of two versions of one review the later `lastModified` wins."""
        review_id = review.get("reviewId")
        if not isinstance(review_id, str) or not review_id:
            raise ValueError("a Play review without reviewId")
        old = self.reviews.get(review_id)
        if old is None or self.modified(review) >= self.modified(old):
            self.reviews[review_id] = review
        self.touch()

    def ordered(self) -> Ordered:
        """Newest `lastModified` first."""

        def build() -> Ordered:
            pairs = [((-self.modified(r), i), i) for i, r in self.reviews.items()]
            return Ordered.build("play", pairs)

        return self._cached("all", build)

    def visible_end(self, ordered: Ordered, cutoff: datetime | None) -> int:
        """How many of `ordered` were modified at or after `cutoff` (the 7-day window)."""
        if cutoff is None:
            return len(ordered.ids)
        limit_ns = play_nanos(play_stamp(cutoff))
        # keys are (-nanos, id): the visible ones sort before (-limit_ns + 1,)
        return bisect.bisect_left(ordered.keys, (-limit_ns + 1,))

    def get(self, review_id: str) -> dict[str, Any]:
        try:
            return self.reviews[review_id]
        except KeyError:
            raise NotFoundError(review_id) from None

    def reply(self, review_id: str, text: object, now: datetime) -> dict[str, Any]:
        """Store (or overwrite) the developer reply; returns the developerComment."""
        review = self.get(review_id)
        body = _TAG.sub("", _text_arg(text, "replyText"))
        if len(body) > PLAY_REPLY_LIMIT:
            raise Refused(
                f"Reply text is too long: {len(body)} characters, the limit is {PLAY_REPLY_LIMIT}."
            )
        developer = {"text": body, "lastModified": play_stamp(now)}
        user = [c for c in review.get("comments") or () if "developerComment" not in c]
        review["comments"] = [*user[:1], {"developerComment": developer}, *user[1:]]
        self.touch()
        return developer

    def reply_of(self, review_id: str) -> str | None:
        developer = self.developer_comment(self.get(review_id))
        text = developer.get("text") if developer else None
        return text if isinstance(text, str) else None

    def edit(
        self, review_id: str, now: datetime, text: str | None = None, rating: int | None = None
    ) -> None:
        comment = self.user_comment(self.get(review_id))
        if text is not None:
            comment["text"] = text
        if rating is not None:
            comment["starRating"] = _stars(rating)
        comment["lastModified"] = play_stamp(now)
        self.touch()

    def add(
        self,
        review_id: str,
        text: str,
        rating: int,
        now: datetime,
        author: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        if review_id in self.reviews:
            raise Refused(f"review {review_id} exists")
        review: dict[str, Any] = {"reviewId": review_id}
        if author:
            review["authorName"] = author
        review["comments"] = [
            {
                "userComment": {
                    "text": f"{title}\t{text}" if title else text,
                    "lastModified": play_stamp(now),
                    "starRating": _stars(rating),
                    "reviewerLanguage": "en_IN",
                    "device": "a52q",
                    "androidOsVersion": 34,
                    "appVersionCode": 50600,
                    "appVersionName": "5.6.0",
                    "thumbsUpCount": 0,
                    "thumbsDownCount": 0,
                }
            }
        ]
        self.put(review)
        return review

    def counts(self) -> dict[str, int]:
        replied = sum(1 for r in self.reviews.values() if self.developer_comment(r))
        return {"reviews": len(self.reviews), "replies": replied}


def _stars(rating: int) -> int:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise Refused(f"rating must be 1..5, not {rating!r}")
    return rating


# --------------------------------------------------------------------------- App Store


class AppStoreStore(_Store):
    """customerReviews (type, id, attributes) and their one customerReviewResponse each."""

    def __init__(self, app_id: str, app_name: str = DEFAULT_APP_NAME, bundle_id: str = "") -> None:
        super().__init__()
        self.app_id = app_id
        self.app_name = app_name
        self.bundle_id = bundle_id
        self.reviews: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, dict[str, Any]] = {}  # by review id
        self.edited: dict[str, str] = {}  # review id → ISO time of the last edit (RSS `updated`)

    def put(self, review: Mapping[str, Any], response: Mapping[str, Any] | None = None) -> None:
        review_id = review.get("id")
        if not isinstance(review_id, str) or not review_id:
            raise ValueError("an App Store review without id")
        attributes = review.get("attributes")
        self.reviews[review_id] = {
            "type": "customerReviews",
            "id": review_id,
            "attributes": copy.deepcopy(dict(attributes))
            if isinstance(attributes, Mapping)
            else {},
        }
        if response is not None:
            self.responses[review_id] = {
                "type": "customerReviewResponses",
                "id": str(response.get("id")),
                "attributes": copy.deepcopy(dict(response.get("attributes") or {})),
            }
        self.touch()

    def created(self, review_id: str) -> int:
        return time_micros(self.reviews[review_id]["attributes"].get("createdDate"))

    def rating(self, review_id: str) -> int:
        value = self.reviews[review_id]["attributes"].get("rating")
        return value if isinstance(value, int) else 0

    def ordered(self, sort: str) -> Ordered:
        """sort: createdDate, -createdDate, rating or -rating (ties: newest first, then id)."""

        def build() -> Ordered:
            pairs: list[tuple[tuple[Any, ...], str]] = []
            for review_id in self.reviews:
                created = self.created(review_id)
                if sort == "createdDate":
                    key: tuple[Any, ...] = (created, review_id)
                elif sort == "-createdDate":
                    key = (-created, review_id)
                elif sort == "rating":
                    key = (self.rating(review_id), -created, review_id)
                else:
                    key = (-self.rating(review_id), -created, review_id)
                pairs.append((key, review_id))
            return Ordered.build("asc" + sort, pairs)

        return self._cached(("sort", sort), build)

    def storefront(self, cc: str) -> Ordered:
        """Reviews of one storefront (alpha-2), most recently updated first, for the RSS feed."""

        def build() -> Ordered:
            pairs = []
            for review_id, review in self.reviews.items():
                alpha3 = str(review["attributes"].get("territory") or "").upper()
                if ALPHA3_TO_ALPHA2.get(alpha3, "").lower() != cc.lower():
                    continue
                updated = time_micros(self.updated(review_id))
                pairs.append(((-updated, review_id), review_id))
            return Ordered.build("rss", pairs)

        return self._cached(("rss", cc.lower()), build)

    def updated(self, review_id: str) -> str:
        created = self.reviews[review_id]["attributes"].get("createdDate")
        return self.edited.get(review_id) or (created if isinstance(created, str) else "")

    def get(self, review_id: str) -> dict[str, Any]:
        try:
            return self.reviews[review_id]
        except KeyError:
            raise NotFoundError(review_id) from None

    def respond(self, review_id: str, body: object, now: datetime, new_id: str) -> dict[str, Any]:
        """Create or overwrite the review's one response; it waits as PENDING_PUBLISH."""
        self.get(review_id)
        text = _text_arg(body, "responseBody")
        old = self.responses.get(review_id)
        response = {
            "type": "customerReviewResponses",
            "id": old["id"] if old else new_id,
            "attributes": {
                "responseBody": text,
                "lastModifiedDate": apple_time(now),
                "state": "PENDING_PUBLISH",
            },
        }
        self.responses[review_id] = response
        self.touch()
        return response

    def response_by_id(self, response_id: str) -> tuple[str, dict[str, Any]]:
        for review_id, response in self.responses.items():
            if response["id"] == response_id:
                return review_id, response
        raise NotFoundError(response_id)

    def delete_response(self, response_id: str) -> None:
        review_id, _ = self.response_by_id(response_id)
        del self.responses[review_id]
        self.touch()

    def publish(self) -> int:
        """Every PENDING_PUBLISH response becomes PUBLISHED (Apple does it within hours)."""
        done = 0
        for response in self.responses.values():
            if response["attributes"].get("state") == "PENDING_PUBLISH":
                response["attributes"]["state"] = "PUBLISHED"
                done += 1
        return done

    def reply_of(self, review_id: str) -> str | None:
        self.get(review_id)
        response = self.responses.get(review_id)
        body = response["attributes"].get("responseBody") if response else None
        return body if isinstance(body, str) else None

    def edit(
        self, review_id: str, now: datetime, text: str | None = None, rating: int | None = None
    ) -> None:
        attributes = self.get(review_id)["attributes"]
        if text is not None:
            attributes["body"] = text
        if rating is not None:
            attributes["rating"] = _stars(rating)
        self.edited[review_id] = apple_time(now)
        self.touch()

    def add(
        self,
        review_id: str,
        text: str,
        rating: int,
        now: datetime,
        author: str | None = None,
        title: str | None = None,
        territory: str = "IND",
    ) -> dict[str, Any]:
        if review_id in self.reviews:
            raise Refused(f"review {review_id} exists")
        attributes = {
            "rating": _stars(rating),
            "title": title or "",
            "body": text,
            "reviewerNickname": author or "sandbox_user",
            "createdDate": apple_time(now),
            "territory": territory.upper(),
        }
        self.put({"id": review_id, "attributes": attributes})
        return self.reviews[review_id]

    def counts(self) -> dict[str, int]:
        pending = sum(
            1 for r in self.responses.values() if r["attributes"].get("state") == "PENDING_PUBLISH"
        )
        return {
            "reviews": len(self.reviews),
            "responses": len(self.responses),
            "pending_publish": pending,
        }


# --------------------------------------------------------------------------- Business Profile


class GbpStore(_Store):
    """v4 `Review` objects per location (`accounts/{a}/locations/{l}`), by reviewId."""

    ORDERS = ("updateTime desc", "rating", "rating desc")

    def __init__(self, locations: Iterable[str] = ()) -> None:
        super().__init__()
        self.locations: dict[str, dict[str, dict[str, Any]]] = {loc: {} for loc in locations}
        self._summaries: dict[str, dict[str, Any]] = {}

    def touch(self) -> None:
        super().touch()
        self._summaries.clear()

    def put(self, review: dict[str, Any], location: str | None = None) -> None:
        name = review.get("name")
        review_id = review.get("reviewId")
        if location is None and isinstance(name, str) and "/reviews/" in name:
            location = name.split("/reviews/")[0]
        if isinstance(name, str) and not review_id:
            review_id = name.rsplit("/", 1)[-1]
        if not location or not isinstance(review_id, str) or not review_id:
            raise ValueError("a Business Profile review without name or reviewId")
        review.setdefault("name", f"{location}/reviews/{review_id}")
        review.setdefault("reviewId", review_id)
        reviews = self.locations.setdefault(location, {})
        old = reviews.get(review_id)
        if old is None or time_micros(review.get("updateTime")) >= time_micros(
            old.get("updateTime")
        ):
            reviews[review_id] = review
        self.touch()

    def ordered(self, location: str, order_by: str) -> Ordered:
        def build() -> Ordered:
            pairs: list[tuple[tuple[Any, ...], str]] = []
            for review_id, review in self.locations[location].items():
                updated = time_micros(review.get("updateTime"))
                stars = _star_number(review.get("starRating"))
                if order_by == "rating":
                    key: tuple[Any, ...] = (stars, -updated, review_id)
                elif order_by == "rating desc":
                    key = (-stars, -updated, review_id)
                else:
                    key = (-updated, review_id)
                pairs.append((key, review_id))
            return Ordered.build("gbp" + order_by, pairs)

        return self._cached((location, order_by), build)

    def summary(self, location: str) -> dict[str, Any]:
        """averageRating and totalReviewCount (proto3 JSON leaves zeros out)."""
        found = self._summaries.get(location)
        if found is None:
            found = self._summaries[location] = self._summary(location)
        return found

    def _summary(self, location: str) -> dict[str, Any]:
        reviews = self.locations[location].values()
        stars = [s for r in reviews if (s := _star_number(r.get("starRating")))]
        found: dict[str, Any] = {}
        if stars:
            found["averageRating"] = round(sum(stars) / len(stars), 1)
        if reviews:
            found["totalReviewCount"] = len(reviews)
        return found

    def find(self, review_id: str) -> tuple[str, dict[str, Any]]:
        """A review by reviewId or full name, wherever it is."""
        if "/reviews/" in review_id:
            location, _, short = review_id.partition("/reviews/")
            return location, self.get(location, short)
        for location, reviews in self.locations.items():
            if review_id in reviews:
                return location, reviews[review_id]
        raise NotFoundError(review_id)

    def get(self, location: str, review_id: str) -> dict[str, Any]:
        try:
            return self.locations[location][review_id]
        except KeyError:
            raise NotFoundError(f"{location}/reviews/{review_id}") from None

    def reply(
        self, location: str, review_id: str, comment: object, now: datetime
    ) -> dict[str, Any]:
        review = self.get(location, review_id)
        text = _text_arg(comment, "comment")
        size = len(text.encode("utf-8"))
        if size > GBP_REPLY_LIMIT:
            raise Refused(
                f"Request contains an invalid argument: the reply is {size} bytes, the maximum "
                f"length is {GBP_REPLY_LIMIT} bytes."
            )
        reply = {"comment": text, "updateTime": rfc3339(now)}
        review["reviewReply"] = reply
        self.touch()
        return reply

    def delete_reply(self, location: str, review_id: str) -> None:
        self.get(location, review_id).pop("reviewReply", None)
        self.touch()

    def reply_of(self, review_id: str) -> str | None:
        _, review = self.find(review_id)
        reply = review.get("reviewReply")
        text = reply.get("comment") if isinstance(reply, dict) else None
        return text if isinstance(text, str) else None

    def edit(
        self, review_id: str, now: datetime, text: str | None = None, rating: int | None = None
    ) -> None:
        _, review = self.find(review_id)
        if text is not None:
            review["comment"] = text
        if rating is not None:
            review["starRating"] = STARS[_stars(rating)]
        review["updateTime"] = rfc3339(now)
        self.touch()

    def add(
        self,
        location: str,
        review_id: str,
        text: str | None,
        rating: int,
        now: datetime,
        author: str | None = None,
    ) -> dict[str, Any]:
        if location not in self.locations:
            raise NotFoundError(location)
        if review_id in self.locations[location]:
            raise Refused(f"review {review_id} exists")
        stamp = rfc3339(now)
        review: dict[str, Any] = {
            "name": f"{location}/reviews/{review_id}",
            "reviewId": review_id,
            "reviewer": {"displayName": author, "isAnonymous": False}
            if author
            else {"isAnonymous": True},
            "starRating": STARS[_stars(rating)],
        }
        if text:
            review["comment"] = text
        review["createTime"] = stamp
        review["updateTime"] = stamp
        self.put(review, location)
        return review

    def counts(self) -> dict[str, Any]:
        reviews = [r for loc in self.locations.values() for r in loc.values()]
        return {
            "locations": len(self.locations),
            "reviews": len(reviews),
            "replies": sum(1 for r in reviews if "reviewReply" in r),
        }


def _star_number(value: object) -> int:
    return STARS.index(value) if isinstance(value, str) and value in STARS else 0


# --------------------------------------------------------------------------- Instagram


class InstagramStore(_Store):
    """IG media (without their `comments`) and comments (without `replies`), linked by id."""

    def __init__(self, user_id: str, username: str) -> None:
        super().__init__()
        self.user_id = user_id
        self.username = username
        self.media: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.media_of: dict[str, str] = {}  # comment id → media id
        self.parent_of: dict[str, str] = {}  # reply id → top-level comment id
        self.replies: dict[str, list[str]] = {}  # top-level comment id → reply ids, oldest first
        self.top: dict[str, list[str]] = {}  # media id → top-level comment ids

    def put_media(self, media: Mapping[str, Any]) -> str:
        media_id = media.get("id")
        if not isinstance(media_id, str | int) or isinstance(media_id, bool):
            raise ValueError("an Instagram media without id")
        media_id = str(media_id)
        stored = {k: copy.deepcopy(v) for k, v in media.items() if k != "comments"}
        stored["id"] = media_id
        self.media[media_id] = stored
        self.top.setdefault(media_id, [])
        comments = media.get("comments")
        listed = comments.get("data") if isinstance(comments, Mapping) else comments
        for comment in listed if isinstance(listed, list) else ():
            if isinstance(comment, Mapping):
                self.put_comment(media_id, comment)
        self.touch()
        return media_id

    def put_comment(
        self, media_id: str, comment: Mapping[str, Any], parent: str | None = None
    ) -> str:
        comment_id = str(comment.get("id"))
        stored = {k: copy.deepcopy(v) for k, v in comment.items() if k != "replies"}
        stored["id"] = comment_id
        if parent is None and isinstance(comment.get("parent_id"), str | int):
            parent = str(comment["parent_id"])
        stored.pop("parent_id", None)
        self.comments[comment_id] = stored
        self.media_of[comment_id] = media_id
        if parent is None:
            if comment_id not in self.top[media_id]:
                self.top[media_id].append(comment_id)
            self.replies.setdefault(comment_id, [])
        else:
            self.parent_of[comment_id] = parent
            siblings = self.replies.setdefault(parent, [])
            if comment_id not in siblings:
                siblings.append(comment_id)
                # stable: replies within one second keep the order they came in
                siblings.sort(key=lambda c: time_micros(self.comments[c].get("timestamp")))
        replies = comment.get("replies")
        listed = replies.get("data") if isinstance(replies, Mapping) else replies
        for reply in listed if isinstance(listed, list) else ():
            if isinstance(reply, Mapping):
                self.put_comment(media_id, reply, comment_id)
        self.touch()
        return comment_id

    def ordered_media(self) -> Ordered:
        def build() -> Ordered:
            pairs = [((-time_micros(m.get("timestamp")), i), i) for i, m in self.media.items()]
            return Ordered.build("media", pairs)

        return self._cached("media", build)

    def ordered_comments(self, media_id: str) -> Ordered:
        def build() -> Ordered:
            pairs = [
                ((-time_micros(self.comments[c].get("timestamp")), c), c)
                for c in self.top[media_id]
            ]
            return Ordered.build("comments", pairs)

        return self._cached(("comments", media_id), build)

    def ordered_replies(self, comment_id: str) -> Ordered:
        def build() -> Ordered:
            pairs = [
                ((time_micros(self.comments[c].get("timestamp")), n), c)
                for n, c in enumerate(self.replies.get(comment_id, ()))
            ]
            return Ordered.build("replies", pairs)

        return self._cached(("replies", comment_id), build)

    def comments_count(self, media_id: str) -> int:
        top = self.top.get(media_id, [])
        return len(top) + sum(len(self.replies.get(c, ())) for c in top)

    def get_comment(self, comment_id: str) -> dict[str, Any]:
        try:
            return self.comments[comment_id]
        except KeyError:
            raise NotFoundError(comment_id) from None

    def reply(self, comment_id: str, message: object, now: datetime, new_id: str) -> str:
        """Our account's reply under a top-level comment; returns the new comment id."""
        comment = self.get_comment(comment_id)
        if comment_id in self.parent_of:
            raise Refused("(#100) Replies can only be made to top-level comments")
        if comment.get("hidden") is True:
            raise Refused("(#100) Cannot reply to a hidden comment")
        text = _text_arg(message, "message")
        reply = {
            "id": new_id,
            "text": text,
            "timestamp": graph_time(now),
            "username": self.username,
            "from": {"id": self.user_id, "username": self.username},
            "like_count": 0,
            "hidden": False,
        }
        self.put_comment(self.media_of[comment_id], reply, comment_id)
        return new_id

    def own_replies(self, comment_id: str) -> list[dict[str, Any]]:
        self.get_comment(comment_id)
        return [
            self.comments[r]
            for r in self.replies.get(comment_id, ())
            if str(self.comments[r].get("username", "")).lower() == self.username.lower()
        ]

    def reply_of(self, comment_id: str) -> str | None:
        own = self.own_replies(comment_id)
        text = own[-1].get("text") if own else None
        return text if isinstance(text, str) else None

    def add(
        self,
        comment_id: str,
        text: str,
        now: datetime,
        media_id: str | None = None,
        author: str | None = None,
        parent: str | None = None,
    ) -> dict[str, Any]:
        if parent is not None:
            media_id = self.media_of[self.get_comment(parent)["id"]]
        if media_id is None:
            newest = self.ordered_media()
            if not newest.ids:
                raise NotFoundError("no media to comment on")
            media_id = newest.ids[0]
        if media_id not in self.media:
            raise NotFoundError(media_id)
        username = author or "sandbox.user"
        comment: dict[str, Any] = {
            "id": comment_id,
            "text": text,
            "timestamp": graph_time(now),
            "username": username,
            "like_count": 0,
            "hidden": False,
            "from": {"id": f"1784{zlib.crc32(username.encode()):013d}", "username": username},
        }
        self.put_comment(media_id, comment, parent)
        return comment

    def counts(self) -> dict[str, int]:
        own = sum(
            1
            for c, p in self.parent_of.items()
            if p and str(self.comments[c].get("username", "")).lower() == self.username.lower()
        )
        return {
            "media": len(self.media),
            "comments": sum(len(t) for t in self.top.values()),
            "replies": len(self.parent_of),
            "own_replies": own,
        }


# --------------------------------------------------------------------------- all of it


class SandboxData:
    """Every platform's items, as raw platform objects. A running Sandbox owns and mutates it."""

    def __init__(
        self,
        *,
        package: str = DEFAULT_PACKAGE,
        app_id: str = DEFAULT_APP_ID,
        app_name: str = DEFAULT_APP_NAME,
        locations: Iterable[str] = (),
        ig_user_id: str = DEFAULT_IG_USER_ID,
        ig_username: str = DEFAULT_IG_USERNAME,
        seed: int = 0,
    ) -> None:
        self.play = PlayStore(package)
        self.app_store = AppStoreStore(app_id, app_name, bundle_id=package)
        self.gbp = GbpStore(locations)
        self.instagram = InstagramStore(ig_user_id, ig_username)
        self.rng = random.Random(seed)  # noqa: S311 (reproducible ids, not secrets)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_documents(
        cls,
        *,
        play_pages: Sequence[Any] | Mapping[str, Any] = (),
        asc_pages: Sequence[Any] | Mapping[str, Any] = (),
        gbp_pages: Sequence[Any] | Mapping[str, Any] = (),
        instagram_pages: Sequence[Any] | Mapping[str, Any] = (),
        package: str = DEFAULT_PACKAGE,
        app_id: str | None = None,
        app_name: str = DEFAULT_APP_NAME,
        gbp_locations: Iterable[str] = (),
        ig_user_id: str | None = None,
        ig_username: str | None = None,
        seed: int = 0,
    ) -> SandboxData:
        """Load response pages in the platforms' own shapes (the demo files are such lists).

        Pages are copied. Of two versions of one Play or GBP review (an "earlier" poll and a
        later one) the later wins. The App Store app id and the Instagram user id and handle
        are read from the pages' links and media when not given.
        """
        play, asc, gbp, ig = (
            _pages(p) for p in (play_pages, asc_pages, gbp_pages, instagram_pages)
        )
        data = cls(
            package=package,
            app_id=app_id or _first_match(_APP_LINK, _links(asc)) or DEFAULT_APP_ID,
            app_name=app_name,
            locations=gbp_locations,
            ig_user_id=ig_user_id or _first_match(_IG_USER_LINK, _links(ig)) or DEFAULT_IG_USER_ID,
            ig_username=ig_username or _ig_owner(ig) or DEFAULT_IG_USERNAME,
            seed=seed,
        )
        for page in play:
            for review in _items(page, "reviews"):
                data.play.put(copy.deepcopy(review))
        for page in asc:
            _load_asc_page(data.app_store, page)
        for page in gbp:
            if "locationReviews" in page:
                for wrapper in _items(page, "locationReviews"):
                    data.gbp.put(copy.deepcopy(wrapper.get("review") or {}), wrapper.get("name"))
            else:
                for review in _items(page, "reviews"):
                    data.gbp.put(copy.deepcopy(review))
        for page in ig:
            for media in _items(page, "data"):
                data.instagram.put_media(media)
        return data

    @classmethod
    def synthetic(
        cls,
        per_platform: int,
        *,
        seed: int,
        now: datetime,
        package: str = DEFAULT_PACKAGE,
        app_id: str = DEFAULT_APP_ID,
        locations: Sequence[str] = DEFAULT_LOCATIONS,
        ig_user_id: str = DEFAULT_IG_USER_ID,
        ig_username: str = DEFAULT_IG_USERNAME,
    ) -> SandboxData:
        """`per_platform` generated items on each platform (IG: top-level comments), for load.

        Play reviews all fall inside the 7-day window; the others spread over a year or two.
        The same seed and `now` give the same data.
        """
        from sources.sandbox._synthetic import fill

        data = cls(
            package=package,
            app_id=app_id,
            locations=locations,
            ig_user_id=ig_user_id,
            ig_username=ig_username,
            seed=seed,
        )
        fill(data, per_platform, random.Random(seed), now)  # noqa: S311 (test data)
        return data

    # ------------------------------------------------------------------ ids

    def new_numeric_id(self) -> str:
        """A fresh Instagram-style numeric id."""
        while True:
            found = str(self.rng.randrange(17_800_000_000_000_000, 18_099_999_999_999_999))
            if found not in self.instagram.comments and found not in self.instagram.media:
                return found

    def new_token(self, size: int = 48) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        return "".join(self.rng.choice(alphabet) for _ in range(size))

    def new_uuid(self) -> str:
        value = f"{self.rng.getrandbits(128):032x}"
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"

    def counts(self) -> dict[str, Any]:
        return {
            "google_play": self.play.counts(),
            "app_store": self.app_store.counts(),
            "gbp": self.gbp.counts(),
            "instagram": self.instagram.counts(),
        }


def _pages(value: Sequence[Any] | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    pages = [value] if isinstance(value, Mapping) else list(value)
    for page in pages:
        if not isinstance(page, Mapping):
            raise ValueError(f"a response page must be a JSON object, not {type(page).__name__}")
    return pages


def _items(page: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = page.get(key) or []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return [v for v in value if isinstance(v, dict)]


def _links(pages: list[Mapping[str, Any]]) -> list[str]:
    found = []
    for page in pages:
        for holder in (page.get("links"), page.get("paging")):
            if isinstance(holder, Mapping):
                found += [v for v in holder.values() if isinstance(v, str)]
    return found


def _first_match(pattern: re.Pattern[str], texts: list[str]) -> str | None:
    for text in texts:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def _ig_owner(pages: list[Mapping[str, Any]]) -> str | None:
    for page in pages:
        for media in _items(page, "data"):
            if isinstance(media.get("username"), str):
                return str(media["username"])
    return None


def _load_asc_page(store: AppStoreStore, page: Mapping[str, Any]) -> None:
    responses: dict[str, Mapping[str, Any]] = {}
    for item in _items(page, "included"):
        if item.get("type") == "customerReviewResponses":
            responses[str(item.get("id"))] = item
            review = ((item.get("relationships") or {}).get("review") or {}).get("data")
            if isinstance(review, Mapping) and review.get("id") is not None:
                responses[f"review:{review['id']}"] = item
    for review in _items(page, "data"):
        related = ((review.get("relationships") or {}).get("response") or {}).get("data")
        response = None
        if isinstance(related, Mapping):
            response = responses.get(str(related.get("id")))
        response = response or responses.get(f"review:{review.get('id')}")
        store.put(review, response)
