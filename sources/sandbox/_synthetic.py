"""Generated items in the platforms' shapes for load tests: many, fast, reproducible."""

from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sources.sandbox._util import apple_time, graph_time, play_stamp, rfc3339

if TYPE_CHECKING:
    from sources.sandbox.data import SandboxData

_DEVICES = (
    "iPhone 12", "iPhone XR", "iPhone 13 mini", "Redmi Note 10", "Redmi 9A", "Galaxy S21",
    "Galaxy M31", "OnePlus 9", "OnePlus Nord", "Pixel 6a", "Vivo V23", "Realme 8", "Poco X3",
    "Oppo A74", "iPad 8th gen", "Moto G60",
)  # fmt: skip
_GOOD = (
    "payment came within an hour",
    "the executive was on time and polite",
    "got more than the shop near my house offered",
    "quote matched what I got at the door",
    "pickup was the same day",
    "data wipe certificate came by mail",
    "UPI transfer was instant",
    "paisa turant aa gaya",
    "support sorted my address change quickly",
)
_BAD = (
    "still waiting for my payment",
    "the executive cut the price at the door for a tiny scratch",
    "pickup was cancelled twice without a call",
    "app crashes on the quote screen",
    "OTP never arrives",
    "customer care does not pick up",
    "refund shows processed but nothing in my account",
    "bhai 10 din ho gaye, koi update nahi",
    "quote dropped by 3k after I booked",
    "the store was closed during listed hours",
)
_MIDDLE = (
    "price was ok, nothing special",
    "process is fine but slow",
    "took two visits to finish",
    "app is confusing at first",
)
_TAILS = (
    "", "", "", " Will use again.", " Never again.", " Fix this please.", " 👍", " 😡",
    " Thanks team.", " Recommended to my friends.", " Order RS-{order}.", " Very disappointed.",
    " Kya bakwas hai.", " Good experience overall.",
)  # fmt: skip
_NAMES = (
    "Rahul", "Priya", "Amit", "Sneha", "Vikram", "Ananya", "Rohit", "Kavya", "Arjun", "Divya",
    "Karan", "Meera", "Sahil", "Pooja", "Nikhil", "Isha", "Farhan", "Lakshmi", "Gurpreet", "Neha",
)  # fmt: skip
_SURNAMES = (
    "Sharma", "Verma", "Iyer", "Khan", "Reddy", "Nair", "Gupta", "Das", "Singh", "Patel",
    "Menon", "Bose",
)  # fmt: skip
_REPLIES = (
    "Thank you for the kind words! Happy selling with us.",
    "Sorry about this. Please share your order id at support@resello.in and we'll fix it today.",
    "We're looking into your payment right now; you'll hear from us within 24 hours.",
    "Thanks for the feedback, we've passed it to the pickup team.",
)
_TERRITORIES = ("IND",) * 17 + ("USA", "ARE", "GBR")


def _body(rng: random.Random) -> tuple[int, str]:
    rating = rng.choices((1, 2, 3, 4, 5), weights=(22, 8, 10, 18, 42))[0]
    pool = _GOOD if rating >= 4 else _BAD if rating <= 2 else _MIDDLE
    first = f"{rng.choice(('Sold my', 'Tried to sell my', 'Booked a pickup for my'))} "
    first += f"{rng.choice(_DEVICES)}: {rng.choice(pool)}."
    if rng.random() < 0.5:
        first += f" Also {rng.choice(pool)}."
    first += rng.choice(_TAILS).format(order=rng.randrange(100000, 999999))
    return rating, first


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_NAMES)} {rng.choice(_SURNAMES)}"


def _random_id(rng: random.Random, size: int) -> str:
    raw = rng.getrandbits(size * 6).to_bytes(size * 6 // 8 + 1, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii")[:size]


def fill(data: SandboxData, count: int, rng: random.Random, now: datetime) -> None:
    """Add `count` items to each platform of `data`."""
    _play(data, count, rng, now)
    _app_store(data, count, rng, now)
    _gbp(data, count, rng, now)
    _instagram(data, count, rng, now)


def _play(data: SandboxData, count: int, rng: random.Random, now: datetime) -> None:
    window = int(timedelta(days=6, hours=12).total_seconds())
    for _ in range(count):
        rating, text = _body(rng)
        when = now - timedelta(seconds=rng.randrange(60, window), microseconds=rng.randrange(10**6))
        comments: list[dict[str, Any]] = [
            {
                "userComment": {
                    "text": text,
                    "lastModified": play_stamp(when),
                    "starRating": rating,
                    "reviewerLanguage": rng.choice(("en_IN", "en", "hi")),
                    "device": rng.choice(("a52q", "m31", "RMX3381", "lavender", "OP4F2F")),
                    "androidOsVersion": rng.choice((29, 30, 31, 33, 34)),
                    "appVersionCode": 50600,
                    "appVersionName": "5.6.0",
                    "thumbsUpCount": rng.randrange(5),
                    "thumbsDownCount": 0,
                }
            }
        ]
        if rng.random() < 0.3:
            replied = min(now, when + timedelta(minutes=rng.randrange(5, 2000)))
            comments.append(
                {
                    "developerComment": {
                        "text": rng.choice(_REPLIES),
                        "lastModified": play_stamp(replied),
                    }
                }
            )
        review: dict[str, Any] = {
            "reviewId": "gp:AOqpTO" + _random_id(rng, 90),
            "authorName": _name(rng),
            "comments": comments,
        }
        data.play.reviews[review["reviewId"]] = review
    data.play.touch()


def _app_store(data: SandboxData, count: int, rng: random.Random, now: datetime) -> None:
    store = data.app_store
    year = int(timedelta(days=365).total_seconds())
    for _ in range(count):
        rating, text = _body(rng)
        when = now - timedelta(seconds=rng.randrange(60, year))
        review_id = data.new_uuid()
        store.reviews[review_id] = {
            "type": "customerReviews",
            "id": review_id,
            "attributes": {
                "rating": rating,
                "title": text.split(":")[0][:40],
                "body": text,
                "reviewerNickname": _name(rng).replace(" ", "_").lower(),
                "createdDate": apple_time(when),
                "territory": rng.choice(_TERRITORIES),
            },
        }
        if rng.random() < 0.35:
            replied = min(now, when + timedelta(hours=rng.randrange(1, 72)))
            store.responses[review_id] = {
                "type": "customerReviewResponses",
                "id": data.new_uuid(),
                "attributes": {
                    "responseBody": rng.choice(_REPLIES),
                    "lastModifiedDate": apple_time(replied),
                    "state": "PUBLISHED" if rng.random() < 0.9 else "PENDING_PUBLISH",
                },
            }
    store.touch()


def _gbp(data: SandboxData, count: int, rng: random.Random, now: datetime) -> None:
    store = data.gbp
    locations = list(store.locations)
    if not locations:
        return
    span = int(timedelta(days=730).total_seconds())
    for index in range(count):
        location = locations[index % len(locations)]
        rating, text = _body(rng)
        created = now - timedelta(
            seconds=rng.randrange(60, span), microseconds=rng.randrange(10**6)
        )
        updated = created
        if rng.random() < 0.08:
            updated = min(now, created + timedelta(days=rng.randrange(1, 30)))
        review_id = "AbFvOq" + _random_id(rng, 64)
        anonymous = rng.random() < 0.05
        review: dict[str, Any] = {
            "name": f"{location}/reviews/{review_id}",
            "reviewId": review_id,
            "reviewer": {"isAnonymous": True}
            if anonymous
            else {"displayName": _name(rng), "isAnonymous": False},
            "starRating": ("ONE", "TWO", "THREE", "FOUR", "FIVE")[rating - 1],
        }
        if rng.random() >= 0.1:
            review["comment"] = text
        review["createTime"] = rfc3339(created)
        review["updateTime"] = rfc3339(updated)
        if rng.random() < 0.4:
            replied = min(now, updated + timedelta(hours=rng.randrange(1, 96)))
            review["reviewReply"] = {
                "comment": rng.choice(_REPLIES),
                "updateTime": rfc3339(replied),
            }
        store.locations[location][review_id] = review
    store.touch()


def _instagram(data: SandboxData, count: int, rng: random.Random, now: datetime) -> None:
    store = data.instagram
    media_count = max(1, -(-count // 8))
    media_ids = []
    for index in range(media_count):
        when = now - timedelta(days=365) * (index + 1) / (media_count + 1)
        media_id = data.new_numeric_id()
        store.media[media_id] = {
            "id": media_id,
            "caption": f"Sell your old phone in minutes 📱 #{index} #Resello #SellYourPhone",
            "media_type": rng.choice(("IMAGE", "CAROUSEL_ALBUM", "VIDEO")),
            "permalink": f"https://www.instagram.com/p/{_random_id(rng, 11)}/",
            "timestamp": graph_time(when),
            "username": store.username,
            "like_count": rng.randrange(20, 3000),
        }
        store.top[media_id] = []
        media_ids.append((media_id, when))
    for _ in range(count):
        media_id, posted = rng.choice(media_ids)
        age = max(60, int((now - posted).total_seconds()))
        when = posted + timedelta(seconds=rng.randrange(30, min(age, 14 * 86400)))
        handle = _name(rng).replace(" ", ".").lower() + f"_{rng.randrange(100)}"
        comment_id = data.new_numeric_id()
        _, text = _body(rng)
        store.comments[comment_id] = {
            "id": comment_id,
            "text": text,
            "timestamp": graph_time(when),
            "username": handle,
            "like_count": rng.randrange(10),
            "hidden": rng.random() < 0.02,
            "from": {"id": "1784" + str(rng.randrange(10**12, 10**13)), "username": handle},
        }
        store.media_of[comment_id] = media_id
        store.top[media_id].append(comment_id)
        replies: list[str] = []
        roll = rng.random()
        if roll < 0.4:
            author = store.username if roll < 0.25 else f"friend_{rng.randrange(1000)}"
            reply_id = data.new_numeric_id()
            store.comments[reply_id] = {
                "id": reply_id,
                "text": rng.choice(_REPLIES) if author == store.username else "same with me",
                "timestamp": graph_time(min(now, when + timedelta(minutes=rng.randrange(5, 600)))),
                "username": author,
                "from": {
                    "id": store.user_id if author == store.username else "178410000",
                    "username": author,
                },
            }
            store.media_of[reply_id] = media_id
            store.parent_of[reply_id] = comment_id
            replies.append(reply_id)
        store.replies[comment_id] = replies
    store.touch()
