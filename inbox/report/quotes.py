"""Representative quotes: for each top theme, two or three texts that show what customers
mean, chosen among the classifier's most confident, readable-length candidates (ranked in SQL)
so that no two say the same thing and no item is quoted twice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from inbox.report.model import Quote
from inbox.report.queries import QuoteCandidate
from inbox.report.text import mask_contacts, one_line, short_author

_TOKEN = re.compile(r"\w+", re.UNICODE)
SIMILAR = 0.6  # word-set Jaccard above which two texts say the same thing


def _words(text: str) -> frozenset[str]:
    return frozenset(t.lower() for t in _TOKEN.findall(text))


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= SIMILAR


def quote_text(title: str | None, body: str) -> str:
    """Title and body as one line (App Store reviews have a title that is half the message)."""
    body = one_line(body)
    title = one_line(title or "", 120)
    text = f"{title} — {body}" if title and title.lower() not in body.lower() else body
    return mask_contacts(text)


def pick_quotes(candidates: Sequence[QuoteCandidate], per_theme: int = 3) -> dict[str, list[Quote]]:
    """Up to `per_theme` quotes per theme, in the candidates' order (best first), skipping
    near-duplicates and items already quoted under another theme; prefers a channel mix by
    taking one quote per channel first when the candidates allow it."""
    by_theme: dict[str, list[QuoteCandidate]] = {}
    for c in candidates:
        by_theme.setdefault(c.theme, []).append(c)
    used: set[int] = set()
    out: dict[str, list[Quote]] = {}
    for theme, items in by_theme.items():
        chosen: list[tuple[QuoteCandidate, str, frozenset[str]]] = []
        for first_pass in (True, False):
            for c in items:
                if len(chosen) >= per_theme:
                    break
                if c.item_id in used:
                    continue
                if first_pass and any(c.platform == p.platform for p, _t, _w in chosen):
                    continue
                text = quote_text(c.title, c.body)
                words = _words(text)
                if any(_similar(words, w) for _c, _t, w in chosen):
                    continue
                chosen.append((c, text, words))
                used.add(c.item_id)
        chosen.sort(key=lambda triple: items.index(triple[0]))
        out[theme] = [
            Quote(
                theme=theme,
                text=text,
                author=short_author(c.author),
                platform=c.platform,
                rating=c.rating,
                score=c.score,
                at=c.at,
            )
            for c, text, _w in chosen
        ]
    return out
