"""Check the Play / App Store demo payloads: shapes, unique ids, and the mix a demo needs.

    python scripts/demo/check_play_asc.py

Loads inbox/demo/data/{play_api,play_api_earlier,asc}.json only (no import of the builder), so it
also checks files edited by hand. "Now" is the newest timestamp in these files plus 7 minutes,
the same shift the demo loader applies. Exits non-zero on the first failed assertion.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "inbox" / "demo" / "data"
IST = timezone(timedelta(hours=5, minutes=30))
NEWEST_AGE = timedelta(minutes=7)
PLAY_REPLY_LIMIT = 350

_HINGLISH_WORDS = """
hai hain nahi nhi nahin kya bhai yaar paisa paise kar karo karna diya diye kiya tha thi gaya gaye
aaya aaye mila mile milta bahut bohot bhut bhot accha acha achha acchi badiya badhiya bhadiya mast
sab abhi kab aur lekin ekdum jhakaas bakwas bekar bekaar wala wale hu raha rahi baar din ghar bola
bole bolte dikhaya kaat kaatte kaat kat sahi theek thik thak mujhe mera meri jaldi kuch koi dhokha
chor zabardast fatafat jhanjhat saras che changli aahe vich hoya dosto kyu kyunki liye sirf wahi
chahiye yahin yaha lagta laga dekh bech becha beche bechne jhooth ab pehle phir fir kaise hota
ho gaye dete deta dena hogaya milega payega sakte rakha rakhi maine unhone bata batao aa aata aati
"""
HINGLISH = set(_HINGLISH_WORDS.split())


def guess_language(text: str) -> str:
    if re.search("[\u0900-\u097f]", text):
        return "hi (Devanagari)"
    if re.search("[\u0600-\u06ff]", text):
        return "ar"
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return "emoji only"
    hits = sum(word in HINGLISH for word in words)
    if hits >= 2 or (hits == 1 and len(words) <= 4):
        return "hinglish"
    return "en"


def parse_iso(value: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", value), value
    return datetime.fromisoformat(value)


def play_time(stamp: dict) -> datetime:
    assert set(stamp) == {"seconds", "nanos"}, stamp
    assert isinstance(stamp["seconds"], str) and stamp["seconds"].isdigit(), stamp
    assert isinstance(stamp["nanos"], int) and 0 <= stamp["nanos"] < 10**9, stamp
    return datetime.fromtimestamp(int(stamp["seconds"]), UTC)


OPTIONAL_PLAY = {
    "reviewerLanguage": str,
    "device": str,
    "androidOsVersion": int,
    "appVersionCode": int,
    "appVersionName": str,
    "thumbsUpCount": int,
    "thumbsDownCount": int,
    "deviceMetadata": dict,
    "originalText": str,
}


def check_play_pages(pages: list, *, expect_tokens: bool) -> list[dict]:
    assert isinstance(pages, list) and pages
    out = []
    for index, page in enumerate(pages):
        assert set(page) <= {"reviews", "tokenPagination", "pageInfo"}, page.keys()
        assert len(page["reviews"]) <= 100
        last = index == len(pages) - 1
        token = page.get("tokenPagination", {}).get("nextPageToken")
        if expect_tokens:
            assert bool(token) != last, f"page {index}: nextPageToken on all but the last page"
        for review in page["reviews"]:
            assert set(review) <= {"reviewId", "authorName", "comments"}, review.keys()
            assert re.fullmatch(r"gp:AOqpTO[A-Za-z0-9_-]{40,}", review["reviewId"])
            comments = review["comments"]
            assert 1 <= len(comments) <= 2 and list(comments[0]) == ["userComment"]
            user = comments[0]["userComment"]
            assert isinstance(user["text"], str) and user["text"].strip()
            assert user["starRating"] in (1, 2, 3, 4, 5)
            play_time(user["lastModified"])
            for key, kind in OPTIONAL_PLAY.items():
                if key in user:
                    assert isinstance(user[key], kind), (key, user[key])
            extra = set(user) - set(OPTIONAL_PLAY) - {"text", "lastModified", "starRating"}
            assert not extra, extra
            if len(comments) == 2:
                assert list(comments[1]) == ["developerComment"]
                dev = comments[1]["developerComment"]
                assert set(dev) == {"text", "lastModified"}
                assert 0 < len(dev["text"]) <= PLAY_REPLY_LIMIT, len(dev["text"])
                play_time(dev["lastModified"])
            out.append(review)
    stamps = [play_time(r["comments"][0]["userComment"]["lastModified"]) for r in out]
    assert stamps == sorted(stamps, reverse=True), "Play reviews must be newest first"
    return out


def check_asc(pages: list) -> tuple[list[dict], dict[str, dict]]:
    reviews, responses = [], {}
    for index, page in enumerate(pages):
        assert set(page) == {"data", "included", "links", "meta"}, page.keys()
        assert page["links"]["self"].startswith(
            "https://api.appstoreconnect.apple.com/v1/apps/1589034512/customerReviews?"
        )
        assert ("next" in page["links"]) == (index < len(pages) - 1)
        assert page["meta"]["paging"]["limit"] == 200 and len(page["data"]) <= 200
        for resp in page["included"]:
            assert resp["type"] == "customerReviewResponses"
            attrs = resp["attributes"]
            assert set(attrs) == {"responseBody", "lastModifiedDate", "state"}
            assert attrs["state"] in ("PUBLISHED", "PENDING_PUBLISH")
            parse_iso(attrs["lastModifiedDate"])
            assert resp["id"] not in responses
            responses[resp["id"]] = resp
        for review in page["data"]:
            assert review["type"] == "customerReviews"
            attrs = review["attributes"]
            assert set(attrs) == {
                "rating",
                "title",
                "body",
                "reviewerNickname",
                "createdDate",
                "territory",
            }
            assert attrs["rating"] in (1, 2, 3, 4, 5)
            assert attrs["title"].strip() and attrs["body"].strip() and attrs["reviewerNickname"]
            assert re.fullmatch(r"[A-Z]{3}", attrs["territory"])
            parse_iso(attrs["createdDate"])
            assert review["links"]["self"].endswith("/v1/customerReviews/" + review["id"])
            rel = review["relationships"]["response"]
            if rel["data"] is not None:
                assert rel["data"]["type"] == "customerReviewResponses"
            reviews.append(review)
    total = pages[0]["meta"]["paging"]["total"]
    assert total == len(reviews), (total, len(reviews))
    referenced = [
        r["relationships"]["response"]["data"]["id"]
        for r in reviews
        if r["relationships"]["response"]["data"]
    ]
    assert sorted(referenced) == sorted(responses), "included[] must match the response links"
    created = [parse_iso(r["attributes"]["createdDate"]) for r in reviews]
    assert created == sorted(created, reverse=True), "sort=-createdDate"
    return reviews, responses


def pct(part: int, whole: int) -> str:
    return f"{part:4d} ({100 * part / whole:4.1f}%)" if whole else f"{part:4d}"


def main() -> None:
    play = check_play_pages(
        json.loads((DATA / "play_api.json").read_text("utf-8")), expect_tokens=True
    )
    earlier = check_play_pages(
        json.loads((DATA / "play_api_earlier.json").read_text("utf-8")), expect_tokens=False
    )
    asc, responses = check_asc(json.loads((DATA / "asc.json").read_text("utf-8")))

    play_ids = [r["reviewId"] for r in play]
    asc_ids = [r["id"] for r in asc]
    assert len(set(play_ids)) == len(play_ids), "duplicate Play reviewId"
    assert len(set(asc_ids)) == len(asc_ids), "duplicate App Store id"
    assert not set(asc_ids) & set(responses), "review and response ids overlap"

    # Normalize both platforms to (platform, id, stars, text, created, reply, reply_at, extra).
    rows = []
    for r in play:
        user = r["comments"][0]["userComment"]
        dev = r["comments"][1]["developerComment"] if len(r["comments"]) == 2 else None
        text = user["text"].split("\t", 1)[-1]
        rows.append(
            (
                "play",
                r["reviewId"],
                user["starRating"],
                text,
                play_time(user["lastModified"]),
                dev and dev["text"],
                dev and play_time(dev["lastModified"]),
            )
        )
    for r in asc:
        a = r["attributes"]
        rel = r["relationships"]["response"]["data"]
        resp = responses[rel["id"]]["attributes"] if rel else None
        rows.append(
            (
                "asc",
                r["id"],
                a["rating"],
                a["body"],
                parse_iso(a["createdDate"]),
                resp and resp["responseBody"],
                resp and parse_iso(resp["lastModifiedDate"]),
            )
        )

    stamps = [row[4] for row in rows] + [row[6] for row in rows if row[6]]
    stamps += [play_time(r["comments"][0]["userComment"]["lastModified"]) for r in earlier]
    now = max(stamps) + NEWEST_AGE
    assert min(stamps) >= datetime(2026, 8, 27, tzinfo=UTC), min(stamps)
    assert max(stamps) <= datetime(2026, 11, 25, 8, tzinfo=UTC), max(stamps)

    # Edits: same id, earlier time, different text.
    by_id = {r["reviewId"]: r for r in play}
    print(f"edited Play reviews in play_api_earlier.json: {len(earlier)}")
    for first in earlier:
        later = by_id[first["reviewId"]]
        u0, u1 = first["comments"][0]["userComment"], later["comments"][0]["userComment"]
        assert play_time(u0["lastModified"]) < play_time(u1["lastModified"])
        assert u0["text"] != u1["text"]
        print(
            f"  {first.get('authorName', '(no name)'):<16} {u0['starRating']}★ -> "
            f"{u1['starRating']}★  {first['reviewId'][:24]}…"
        )
    edited = {r["reviewId"] for r in earlier}

    for platform in ("play", "asc", "all"):
        sel = [row for row in rows if platform in ("all", row[0])]
        n = len(sel)
        print(f"\n== {platform}: {n} reviews")
        langs = Counter(guess_language(row[3]) for row in sel)
        print(
            "  language guess: "
            + ", ".join(f"{k} {pct(v, n).strip()}" for k, v in langs.most_common())
        )
        stars = Counter(row[2] for row in sel)
        print(
            "  rating:         "
            + ", ".join(f"{s}★ {pct(stars[s], n).strip()}" for s in (5, 4, 3, 2, 1))
        )
        replied = [row for row in sel if row[5]]
        old = [row for row in sel if now - row[4] > timedelta(days=3)]
        print(
            f"  replied:        {pct(len(replied), n)} overall; "
            f"{pct(sum(1 for r in old if r[5]), len(old))} of {len(old)} older than 3 days"
        )
        day = [row for row in sel if now - row[4] <= timedelta(hours=24)]
        week = [row for row in sel if now - row[4] <= timedelta(days=7)]
        print(
            f"  last 7 days:    {len(week)}; last 24 h: {len(day)} "
            f"(replied: {sum(1 for r in day if r[5])})"
        )
        lengths = sorted(len(row[3]) for row in sel)
        q = statistics.quantiles(lengths, n=10)
        print(
            f"  body length:    median {statistics.median(lengths):.0f}, p25 "
            f"{statistics.quantiles(lengths, n=4)[0]:.0f}, p75 "
            f"{statistics.quantiles(lengths, n=4)[2]:.0f}, p90 {q[8]:.0f}, max {lengths[-1]}, "
            f"<=15 chars {sum(1 for x in lengths if x <= 15)}"
        )
        local = [row[4].astimezone(IST) for row in sel]
        daytime = sum(1 for t in local if 8 <= t.hour + t.minute / 60 <= 23.5)
        print(f"  08:00-23:30 IST:{pct(daytime, n)}")

    # Replies: 2-60 h after the review (edited reviews keep the reply to their first version).
    delays = []
    for row in rows:
        if row[5] and row[1] not in edited:
            hours = (row[6] - row[4]).total_seconds() / 3600
            assert 2 <= hours <= 61, (row[1], hours)
            delays.append(hours)
    print(
        f"\nreply delay: median {statistics.median(delays):.1f} h, "
        f"min {min(delays):.1f} h, max {max(delays):.1f} h"
    )
    states = Counter(r["attributes"]["state"] for r in responses.values())
    print(f"App Store response states: {dict(states)}")
    reply_texts = Counter(row[5] for row in rows if row[5])
    print(
        f"distinct reply texts: {len(reply_texts)} of {sum(reply_texts.values())} replies; "
        f"most reused x{reply_texts.most_common(1)[0][1]}"
    )

    norm = Counter(re.sub(r"\W+", " ", row[3].lower()).strip() for row in rows)
    dups = [t for t, c in norm.items() if c > 1 and len(t) > 12]
    assert not dups, dups
    odd = {
        "emoji only": sum(1 for row in rows if not re.search(r"\w", row[3])),
        "URL": sum(1 for row in rows if re.search(r"https?://|www\.", row[3])),
        "HTML tag": sum(1 for row in rows if re.search(r"</?[a-z]+>", row[3])),
        "RTL mark / Arabic": sum(1 for row in rows if re.search("[\u200f\u0600-\u06ff]", row[3])),
        "order id RS-": sum(1 for row in rows if re.search(r"RS-\d{6}", row[3])),
        ">= 1,200 chars": sum(1 for row in rows if len(row[3]) >= 1200),
    }
    print("odd texts: " + ", ".join(f"{k} {v}" for k, v in odd.items()))

    # The floor the demo needs.
    week_play = sum(1 for r in rows if r[0] == "play" and now - r[4] <= timedelta(days=7))
    week_asc = sum(1 for r in rows if r[0] == "asc" and now - r[4] <= timedelta(days=7))
    day_rows = [r for r in rows if now - r[4] <= timedelta(hours=24)]
    assert len(play) == 256 and len(asc) == 160 and len(earlier) == 8
    assert week_play >= 25 and week_asc >= 15
    assert sum(1 for r in day_rows if r[0] == "play") >= 8
    assert sum(1 for r in day_rows if r[0] == "asc") >= 4
    assert not any(r[5] for r in day_rows), "reviews from the last 24 h must be unanswered"
    print("\nall checks passed")


if __name__ == "__main__":
    main()
