"""The shortcut for ASCII words without letters normalises them as the full path does."""

from __future__ import annotations

import string

from hypothesis import example, given
from hypothesis import strategies as st

from classifier.normalize import HINGLISH, _normalize_any_word, _normalize_symbols, normalize

_SYMBOLS = st.text(
    alphabet=st.sampled_from([*string.digits, *string.punctuation, "\x00", "\x1b", "\x7f", " "]),
    max_size=20,
)


@given(_SYMBOLS)
@example("#12345")
@example("!!!!")
@example("5000")
@example("--\x1b[31m")
def test_symbols_normalise_as_any_word(word: str) -> None:
    assert _normalize_symbols(word) == _normalize_any_word(word)


def test_every_hinglish_variant_has_a_letter_or_is_not_ascii() -> None:
    """What the shortcut relies on: no variant can match in a letter-free ASCII word."""
    for variant in HINGLISH:
        assert not variant.isascii() or any(c.isalpha() for c in variant), variant


def test_numbers_and_amounts_in_text() -> None:
    assert normalize("order #12345 ₹5000 refund!!!! 10/10") == "order #12345 rs 5000 refund!! 10/10"
