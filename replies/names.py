"""A first name to greet someone by, or a safe fallback when the display name is not a name."""

from __future__ import annotations

import unicodedata
from itertools import pairwise

FALLBACK_NAME = "there"

# Words that mark a display name as a placeholder rather than a person ("A Google user").
_PLACEHOLDER_WORDS = frozenset(
    {
        "user", "users", "guest", "customer", "anonymous", "anon", "unknown", "someone",
        "admin", "test", "reviewer", "null", "none", "n/a", "na", "official", "google",
        "apple", "iphone", "android", "app", "store", "play", "team", "support", "me", "the",
    }
)  # fmt: skip
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "shri", "sri", "smt", "kumari", "prof"})
_MAX_LENGTH = 20
_JOINERS = "'’-"  # inside a name only: Anne-Marie, D'Souza


def _is_letter_or_mark(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def _looks_like_name(word: str) -> bool:
    """Letters and combining marks of any script (Devanagari vowel signs are marks, not \\w)."""
    if not (_is_letter_or_mark(word[0]) and _is_letter_or_mark(word[-1])):
        return False
    if any(a in _JOINERS and b in _JOINERS for a, b in pairwise(word)):
        return False
    return all(_is_letter_or_mark(ch) or ch in _JOINERS for ch in word)


def _trim_symbols(text: str) -> str:
    """Drop emoji and punctuation around the name ("🔥Rahul✨" → "Rahul")."""
    start = 0
    while start < len(text) and not (_is_letter_or_mark(text[start]) or text[start] == "@"):
        start += 1
    end = len(text)
    while end > start and not _is_letter_or_mark(text[end - 1]):
        end -= 1
    return text[start:end]


def _case(word: str) -> str:
    """'RAHUL' and 'rahul' become 'Rahul'; a deliberate 'McKenzie' stays as written."""
    if word.isupper() or word.islower():
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
    return word


def first_name(author: str | None, fallback: str = FALLBACK_NAME) -> str:
    """The author's first name, or `fallback` for handles, placeholders and numbers.

    Greeting "@rahul_99" as "Rahul_99" or "A Google user" as "A" reads like a bot, so anything
    that does not look like a personal name gets the fallback instead.
    """
    text = unicodedata.normalize("NFC", author or "").strip()
    if any(ch.isdigit() for ch in text):
        return fallback  # user12345, Rahul99, a phone number
    text = _trim_symbols(text)
    if not text or text.startswith("@"):
        return fallback
    if "_" in text or "." in text.replace(". ", " ") or "@" in text:
        return fallback  # handles and e-mail addresses: rahul.s, rahul_s, x@y
    words = [w.strip(".,") for w in text.split()]
    words = [w for w in words if w]
    if any(w.casefold() in _PLACEHOLDER_WORDS for w in words):
        return fallback
    while words and words[0].casefold().rstrip(".") in _HONORIFICS:
        words = words[1:]
    if not words:
        return fallback
    name = words[0]
    if len(name) < 2 or len(name) > _MAX_LENGTH or not _looks_like_name(name):
        return fallback
    return _case(name)
