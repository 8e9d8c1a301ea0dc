"""Text normalisation shared by the model and the escalation rules.

Real reviews spell the same word many ways ("nahi", "nhi", "nahin"; "sooooo"; "😡"): the model
and the rules should see one form, so a rule written once matches them all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import emoji

_REPEATS = re.compile(r"([^\d\s])\1{2,}")  # not digits: "5000" is an amount
_EMOJI_NAME = re.compile(r":([a-z0-9_&\-]+):")

# Romanised Hindi is written with no standard spelling: map common variants to one form.
HINGLISH = {
    "nhi": "nahi",
    "nahin": "nahi",
    "nai": "nahi",
    "nahee": "nahi",
    "nhin": "nahi",
    "paise": "paisa",
    "pese": "paisa",
    "paisaa": "paisa",
    "pesa": "paisa",
    "paiso": "paisa",
    "bohot": "bahut",
    "bhot": "bahut",
    "bahot": "bahut",
    "bhut": "bahut",
    "boht": "bahut",
    "acha": "accha",
    "achha": "accha",
    "acchha": "accha",
    "achaa": "accha",
    "accha": "accha",
    "h": "hai",
    "he": "hai",
    "hain": "hai",
    "hei": "hai",
    "kia": "kya",
    "kyaa": "kya",
    "kiya": "kiya",
    "aya": "aaya",
    "aaya": "aaya",
    "ayaa": "aaya",
    "mila": "mila",
    "milaa": "mila",
    "bekar": "bekaar",
    "bakwas": "bakwaas",
    "bakwass": "bakwaas",
    "dhoka": "dhokha",
    "dhoke": "dhokha",
    "froud": "fraud",
    "fraudd": "fraud",
    "farud": "fraud",
    "recieved": "received",
    "recived": "received",
    "receved": "received",
    "pls": "please",
    "plz": "please",
    "plzz": "please",
    "u": "you",
    "ur": "your",
    "bcoz": "because",
    "bcz": "because",
    "coz": "because",
    "thx": "thanks",
    "thnx": "thanks",
    "tnx": "thanks",
    "amt": "amount",
    "pymt": "payment",
    "paymnt": "payment",
    "rs": "rs",
    "₹": "rs",
}


_VARIANTS = re.compile(
    r"(?<![\w\u0900-\u097F])("
    + "|".join(sorted((re.escape(k) for k in HINGLISH if HINGLISH[k] != k), key=len, reverse=True))
    + r")(?![\w\u0900-\u097F])"
)
# Runs of emoji and pictographs (with joiners and variation selectors): only these short runs
# go through the emoji library, which is slow on long strings.
_EMOJI_RUN = re.compile(
    "[\u2190-\u21ff\u2300-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
    "[\u2190-\u21ff\u2300-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]*"
)
# Control and invisible formatting characters (C0, C1, zero-width, bidi overrides) → space.
_CONTROLS = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        0xFEFF,
    ],
    " ",
)
_CONTROL_TABLE = str.maketrans(_CONTROLS)
# Finding none is the common case: one C-level scan instead of a translate of every character.
_ANY_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")


@lru_cache(maxsize=4096)
def _emoji_words(run: str) -> str:
    words = emoji.demojize(run, delimiters=(" :", ": "))
    return _EMOJI_NAME.sub(lambda m: " emoji_" + m.group(1).replace("-", "_") + " ", words)


def _demojize(text: str) -> str:
    return _EMOJI_RUN.sub(lambda m: _emoji_words(m.group(0)), text)


_ASCII_LETTER = re.compile("[A-Za-z]")


@lru_cache(maxsize=1 << 18)
def _normalize_word(word: str) -> str:
    """One whitespace-free piece of text. Words repeat endlessly across reviews, so each
    distinct one is worked out once: every step below stays inside a word."""
    if word.isascii() and _ASCII_LETTER.search(word) is None:
        return _normalize_symbols(word)
    return _normalize_any_word(word)


def _normalize_symbols(word: str) -> str:
    """`_normalize_any_word` for ASCII without letters (numbers, amounts, ids, "!!!!"):
    NFKC, emoji, lowercase, ₹ and the Hinglish variants (all spelled with letters) change
    nothing there."""
    if _ANY_CONTROL.search(word):
        word = word.translate(_CONTROL_TABLE)
    return " ".join(_REPEATS.sub(r"\1\1", word).split())


def _normalize_any_word(word: str) -> str:
    word = unicodedata.normalize("NFKC", word)
    if _ANY_CONTROL.search(word):
        word = word.translate(_CONTROL_TABLE)
    word = _demojize(word).lower().replace("₹", " rs ")
    word = _REPEATS.sub(r"\1\1", word)
    word = _VARIANTS.sub(lambda m: HINGLISH[m.group(1)], word)
    return " ".join(word.split())


def normalize(text: str) -> str:
    """Lowercase, emoji as words (`emoji_pouting_face`), control characters dropped, letters
    repeated 3+ times squeezed to 2, Hinglish spelling variants unified, spaces collapsed."""
    if _ANY_CONTROL.search(text):
        text = text.translate(_CONTROL_TABLE)
    return " ".join(filter(None, map(_normalize_word, text.split())))


def clear_caches() -> None:
    """Forget every word seen (benchmarks measure a cold start with it)."""
    _normalize_word.cache_clear()
    _emoji_words.cache_clear()
