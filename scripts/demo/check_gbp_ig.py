"""Check the GBP and Instagram demo payloads: shapes, unique ids, time spread, mix, lengths.

    python scripts/demo/check_gbp_ig.py

Stdlib only. Exits non-zero (AssertionError) on a broken invariant; prints the counts otherwise.
"""

from __future__ import annotations

import difflib
import json
import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "inbox" / "demo" / "data"
START = datetime(2026, 8, 27, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ACCOUNT = "accounts/11223344556677889900"
LOCATIONS = {"4501", "4502", "4503"}
IG_USER = ("17841400000000001", "resello.in")

GBP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
IG_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
REVIEW_KEYS = {
    "name",
    "reviewId",
    "reviewer",
    "starRating",
    "comment",
    "createTime",
    "updateTime",
    "reviewReply",
}
COMMENT_KEYS = {"id", "text", "timestamp", "username", "like_count", "hidden", "from", "replies"}
REPLY_KEYS = {"id", "text", "timestamp", "username", "from"}
MEDIA_KEYS = {
    "id",
    "caption",
    "media_type",
    "permalink",
    "timestamp",
    "username",
    "comments_count",
    "like_count",
    "comments",
}

# Romanized Hindi words that are not also common English words.
HINGLISH = {
    "hai",
    "hain",
    "nahi",
    "nhi",
    "bhai",
    "bhaiya",
    "mera",
    "meri",
    "mere",
    "ka",
    "ki",
    "ke",
    "ko",
    "kya",
    "kab",
    "kaunsa",
    "konsa",
    "tha",
    "thi",
    "diya",
    "gaya",
    "aur",
    "bhi",
    "ye",
    "yeh",
    "wo",
    "se",
    "pe",
    "mila",
    "mile",
    "kar",
    "karo",
    "karna",
    "karunga",
    "raha",
    "rahe",
    "achha",
    "accha",
    "acche",
    "achhe",
    "badhiya",
    "theek",
    "thaak",
    "ekdum",
    "sab",
    "paisa",
    "kitna",
    "hoga",
    "bola",
    "bole",
    "liya",
    "lena",
    "kyu",
    "kyunki",
    "yahi",
    "yahin",
    "wala",
    "wale",
    "sahi",
    "kal",
    "aaj",
    "din",
    "ghante",
    "baar",
    "jayega",
    "aayega",
    "aaye",
    "kaam",
    "mujhe",
    "tu",
    "tera",
    "hafte",
    "mahine",
    "kahan",
    "diye",
    "hua",
    "hue",
    "karwaya",
    "karein",
    "beche",
    "becha",
    "bechna",
    "sakta",
    "lagi",
    "laga",
    "lafda",
    "bahut",
    "bohot",
    "jaldi",
}


def gbp_t(s: str) -> datetime:
    assert GBP_TIME.match(s), s
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def ig_t(s: str) -> datetime:
    assert IG_TIME.match(s), s
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z")


def own_words(text: str) -> str:
    """The reviewer's words: Google's translation block removed."""
    if "(Translated by Google)" in text:
        if "(Original)\n" in text:
            return text.split("(Original)\n", 1)[1]
        return text.split("\n\n(Translated by Google)", 1)[0]
    return text


def language(text: str | None) -> str:
    if not text:
        return "(no text)"
    text = own_words(text)
    if re.search(r"[\u0900-\u097F]", text):
        return "hi"
    if re.search(r"[\u0600-\u06FF]", text):
        return "ur"
    bare = re.sub(r"@\S+|https?://\S+|\S+\.(com|in|ly)/\S*", " ", text.lower())
    words = re.findall(r"[a-z]+", bare)
    if not words:
        return "emoji/tags"
    return "hinglish" if len(set(words) & HINGLISH) >= 2 else "en"


def pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "0/0"


def check_gbp(pages: list[dict]) -> tuple[dict[str, dict], list[str]]:
    by_loc: dict[str, list[dict]] = {}
    totals: dict[str, tuple[int, float]] = {}
    tokens: dict[str, list[bool]] = {}
    for page in pages:
        allowed = {"reviews", "averageRating", "totalReviewCount", "nextPageToken"}
        assert set(page) <= allowed, page.keys()
        assert 0 < len(page["reviews"]) <= 50
        locs = {r["name"].split("/")[3] for r in page["reviews"]}
        assert len(locs) == 1, f"a page mixes locations {locs}"
        loc = locs.pop()
        by_loc.setdefault(loc, []).extend(page["reviews"])
        totals.setdefault(loc, (page["totalReviewCount"], page["averageRating"]))
        assert totals[loc] == (page["totalReviewCount"], page["averageRating"])
        tokens.setdefault(loc, []).append("nextPageToken" in page)
    reviews: dict[str, dict] = {}
    for loc, items in by_loc.items():
        assert loc in LOCATIONS, loc
        assert tokens[loc] == [True] * (len(tokens[loc]) - 1) + [False], f"{loc} page tokens"
        count, average = totals[loc]
        assert count == len(items), f"{loc}: totalReviewCount {count} != {len(items)}"
        assert average == round(statistics.mean(STARS[r["starRating"]] for r in items), 1)
        times = [r["updateTime"] for r in items]
        assert times == sorted(times, reverse=True), f"{loc} not ordered by updateTime desc"
        for r in items:
            assert set(r) <= REVIEW_KEYS, set(r) - REVIEW_KEYS
            assert r["name"] == f"{ACCOUNT}/locations/{loc}/reviews/{r['reviewId']}"
            assert re.fullmatch(r"AbFvOq[A-Za-z0-9_-]{40,}", r["reviewId"]), r["reviewId"]
            assert r["reviewId"] not in reviews, f"duplicate reviewId {r['reviewId']}"
            rv = r["reviewer"]
            if rv["isAnonymous"]:
                assert set(rv) == {"isAnonymous"}
            else:
                assert rv["displayName"] and rv["profilePhotoUrl"].startswith("https://lh3.")
            assert r["starRating"] in STARS
            assert "comment" not in r or r["comment"].strip()
            created, updated = gbp_t(r["createTime"]), gbp_t(r["updateTime"])
            assert START <= created <= updated <= END, r["name"]
            if "reviewReply" in r:
                assert set(r["reviewReply"]) == {"comment", "updateTime"}
                assert len(r["reviewReply"]["comment"].encode()) <= 4096
                replied = gbp_t(r["reviewReply"]["updateTime"])
                delay = replied - created
                assert timedelta(hours=1) <= delay <= timedelta(hours=72), (r["name"], delay)
                assert replied <= END
            reviews[r["reviewId"]] = r | {"_loc": loc}
    return reviews, sorted(by_loc)


def check_earlier(pages: list[dict], current: dict[str, dict]) -> list[tuple]:
    earlier, _ = check_gbp(pages)
    out = []
    for rid, first in earlier.items():
        now = current[rid]
        assert first["name"] == now["name"] and first["createTime"] == now["createTime"]
        assert first["reviewer"] == now["reviewer"]
        assert gbp_t(first["updateTime"]) < gbp_t(now["updateTime"])
        assert first.get("comment") != now.get("comment")
        assert first["starRating"] != now["starRating"]
        if "reviewReply" in first:
            assert first["reviewReply"] == now.get("reviewReply")
        out.append((now["_loc"], rid, STARS[first["starRating"]], STARS[now["starRating"]]))
    return out


def check_instagram(pages: list[dict]) -> tuple[list[dict], list[dict]]:
    media, comments, ids = [], [], set()

    def unique(value: str) -> None:
        assert re.fullmatch(r"1[78]\d{15}", value), value
        assert value not in ids, f"duplicate id {value}"
        ids.add(value)

    for n, page in enumerate(pages):
        assert set(page) == {"data", "paging"}
        paging = page["paging"]
        assert ("next" in paging) == (n < len(pages) - 1) and ("previous" in paging) == (n > 0)
        for link in (paging.get("next"), paging.get("previous")):
            assert link is None or f"/{IG_USER[0]}/media?" in link
        for m in page["data"]:
            assert set(m) == MEDIA_KEYS, set(m) ^ MEDIA_KEYS
            unique(m["id"])
            assert re.fullmatch(r"https://www\.instagram\.com/p/[A-Za-z0-9_-]{11}/", m["permalink"])
            assert m["username"] == IG_USER[1]
            assert m["media_type"] in {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}
            posted = ig_t(m["timestamp"])
            assert START <= posted <= END
            data = m["comments"]["data"]
            assert len(data) <= 50 and set(m["comments"]) == {"data", "paging"}
            stamps = [c["timestamp"] for c in data]
            assert stamps == sorted(stamps, reverse=True), f"{m['id']}: comments not newest first"
            replies_total = 0
            for c in data:
                assert set(c) <= COMMENT_KEYS and COMMENT_KEYS - set(c) <= {"replies"}, c.keys()
                unique(c["id"])
                at = ig_t(c["timestamp"])
                assert posted < at <= END
                assert c["from"] == {"id": c["from"]["id"], "username": c["username"]}
                assert isinstance(c["hidden"], bool) and isinstance(c["like_count"], int)
                assert c["text"].strip()
                replies = c.get("replies", {}).get("data", [])
                assert replies or "replies" not in c
                replies_total += len(replies)
                prev = at
                for r in replies:
                    assert set(r) == REPLY_KEYS
                    unique(r["id"])
                    assert r["from"]["username"] == r["username"]
                    when = ig_t(r["timestamp"])
                    assert prev <= when <= END, "replies out of order"
                    prev = when
                    if r["username"] == IG_USER[1]:
                        assert r["from"]["id"] == IG_USER[0]
                        assert not c["hidden"], "a hidden comment cannot be replied to"
                        delay = when - at
                        assert timedelta(hours=1) <= delay <= timedelta(hours=72), delay
                comments.append(c | {"_media": m, "_at": at})
            assert m["comments_count"] == len(data) + replies_total
            media.append(m)
    return media, comments


def near_duplicates(texts: list[str], threshold: float = 0.75) -> list[tuple[str, str, float]]:
    long = [t for t in {own_words(t) for t in texts} if len(t) >= 25]
    out = []
    for i, a in enumerate(long):
        for b in long[i + 1 :]:
            ratio = difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()
            if ratio >= threshold:
                out.append((a[:50], b[:50], round(ratio, 2)))
    return out


def main() -> None:
    gbp_pages = json.loads((DATA / "gbp.json").read_text(encoding="utf-8"))
    earlier_pages = json.loads((DATA / "gbp_earlier.json").read_text(encoding="utf-8"))
    ig_pages = json.loads((DATA / "instagram.json").read_text(encoding="utf-8"))

    reviews, _ = check_gbp(gbp_pages)
    edits = check_earlier(earlier_pages, reviews)
    media, comments = check_instagram(ig_pages)
    newest = max([gbp_t(r["updateTime"]) for r in reviews.values()] + [c["_at"] for c in comments])

    print("=== Google Business Profile ===")
    sizes = [len(p["reviews"]) for p in gbp_pages]
    print(f"pages: {len(gbp_pages)} (sizes {sizes}), reviews: {len(reviews)}")
    rs = list(reviews.values())
    averages = {p["reviews"][0]["name"].split("/")[3]: p["averageRating"] for p in gbp_pages}
    for loc, n in sorted(Counter(r["_loc"] for r in rs).items()):
        print(f"  locations/{loc}: {n} reviews, averageRating {averages[loc]}")
    ratings = Counter(STARS[r["starRating"]] for r in rs)
    print("ratings:", {k: ratings[k] for k in range(1, 6)})
    print(
        "rating-only:",
        pct(sum("comment" not in r for r in rs), len(rs)),
        "| anonymous:",
        sum(r["reviewer"]["isAnonymous"] for r in rs),
        "| Google-translated:",
        sum("(Translated by Google)" in r.get("comment", "") for r in rs),
    )
    print("edited (gbp_earlier.json):", [(loc, f"{a}→{b}") for loc, _, a, b in edits])

    print("\n=== Instagram ===")
    print(f"pages: {len(ig_pages)}, posts: {len(media)}, top-level comments: {len(comments)}")
    for m in media:
        n = sum(1 for c in comments if c["_media"] is m)
        caption = m["caption"][:48]
        print(f"  {m['timestamp'][:10]} {m['media_type']:<14} {n:>2} comments  {caption!r}")
    all_replies = [r for c in comments for r in c.get("replies", {}).get("data", [])]
    brand = [r for r in all_replies if r["username"] == IG_USER[1]]
    others = len(all_replies) - len(brand)
    hidden = sum(c["hidden"] for c in comments)
    print(
        f"replies: {len(all_replies)} ({len(brand)} by resello.in, {others} by other users)"
        f" | hidden: {hidden}"
    )

    print("\n=== Both ===")
    print(f"anchor END {END:%Y-%m-%d %H:%M}Z, newest item {newest:%Y-%m-%d %H:%M}Z")

    def brand_replied(c: dict) -> bool:
        return any(r["username"] == IG_USER[1] for r in c.get("replies", {}).get("data", []))

    items = [("gbp", gbp_t(r["updateTime"]), "reviewReply" in r, r.get("comment")) for r in rs]
    items += [("ig", c["_at"], brand_replied(c), c["text"]) for c in comments]
    for platform in ("gbp", "ig"):
        mine = [i for i in items if i[0] == platform]
        last7 = [i for i in mine if END - i[1] <= timedelta(days=7)]
        last24 = [i for i in mine if END - i[1] <= timedelta(hours=24)]
        older = [i for i in mine if END - i[1] > timedelta(days=3)]
        answered = pct(sum(i[2] for i in older), len(older))
        earliest = min(i[1] for i in mine)
        print(
            f"{platform}: last 7 days {len(last7)}, last 24 h {len(last24)} "
            f"(answered {sum(i[2] for i in last24)}), answered among items older than 3 days "
            f"{answered}, earliest {earliest:%Y-%m-%d}"
        )
        assert len(last7) >= 10 and len(last24) >= (3 if platform == "gbp" else 4)
        assert not any(i[2] for i in last24)
        lengths = [len(i[3]) for i in mine if i[3]]
        print(f"  length median {statistics.median(lengths):.0f} chars, max {max(lengths)}")
        langs = Counter(language(i[3]) for i in mine)
        print("  language guess:", dict(langs.most_common()))
    langs = Counter(language(i[3]) for i in items if i[3])
    written = sum(langs.values())
    print(
        "language guess overall (items with text):",
        {k: f"{v} ({100 * v / written:.0f}%)" for k, v in langs.most_common()},
    )
    hours = Counter((i[1] + timedelta(hours=5, minutes=30)).hour for i in items if i[0] == "gbp")
    print("GBP reviews by IST hour:", dict(sorted(hours.items())))

    dupes = near_duplicates([i[3] for i in items if i[3]])
    print("near-duplicate texts (ratio >= 0.75):", dupes or "none")
    print("\nall checks passed")


if __name__ == "__main__":
    main()
