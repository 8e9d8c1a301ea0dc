"""The rules' literal gate (classifier/rulegate.py) never rules out a pattern that matches:
case folding agrees with `re.IGNORECASE`, every match holds the strings the gate asks for,
and the rules give the same hits as searching every pattern."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rule_reference import reference_rule_hits

from classifier.model import ItemText, model_text
from classifier.predict import rule_hits
from classifier.rulegate import RuleGate, fold, fold_char, required_strings
from classifier.taxonomy import load_taxonomy, parse_taxonomy

TAXONOMY = load_taxonomy()
EVERY_CHAR = [chr(c) for c in range(sys.maxunicode + 1)]


def test_fold_is_one_char_to_one_for_every_character() -> None:
    for char in EVERY_CHAR:
        assert fold(char) == fold_char(char), hex(ord(char))
    # in context too: a final sigma, a dotted capital I, text that needs no work
    for text in ["ΟΔΟΣ ΟΔΟΣ", "İSTANBUL", "ſtop Kelvin", "पैसा नहीं", "plain ascii TEXT"]:
        assert fold(text) == "".join(map(fold_char, text))


def test_fold_groups_what_ignorecase_matches() -> None:
    """A literal matches a character case-insensitively only if both fold alike. Only cased
    characters (and the lowercase forms `re` compares) can match anything but themselves."""
    cased = [c for c in EVERY_CHAR if c.lower() != c or c.upper() != c or fold_char(c) != c]
    targets = sorted(set(cased) | {fold_char(c) for c in cased} | {c.lower()[0] for c in cased})
    haystack = "".join(cased)
    for literal in targets:
        for found in re.findall(re.escape(literal), haystack, re.IGNORECASE):
            assert fold_char(found) == fold_char(literal), (hex(ord(literal)), hex(ord(found)))
        assert re.fullmatch(re.escape(fold_char(literal)), literal, re.IGNORECASE)


@given(st.characters(), st.characters())
def test_fold_agrees_with_ignorecase_on_any_pair(a: str, b: str) -> None:
    if re.fullmatch(re.escape(a), b, re.IGNORECASE):
        assert fold_char(a) == fold_char(b)


def _holds_each(needs: tuple[frozenset[str], ...], text: str) -> bool:
    folded = fold(text)
    return all(any(s in folded for s in strings) for strings in needs)


# Bits of regex, and of text made of the same letters, so that matches happen.
_ATOMS = ["a", "b", "K", "ſ", "σ", "नहीं", r"\b", r"\s+", r"\W+", ".", "[ab]", "[a-c]", r"\w"]
_TEXT = st.lists(st.sampled_from([*"abcABKkſsςσΣ .,!", "नहीं", "İ"]), max_size=30).map("".join)


def _regexes() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=1, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + "|".join(xs) + ")"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{1,3}", "+?"])).map(
                lambda t: f"(?:{t[0]}){t[1]}"
            ),
            inner.map(lambda x: f"(?={x})"),
            inner.map(lambda x: f"(?!{x})"),
            inner.map(lambda x: f"(?>{x})"),
            inner.map(lambda x: f"(?-i:{x})"),
        )

    return st.recursive(st.sampled_from(_ATOMS), extend, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(_regexes(), _TEXT)
@example("(aK|ſ)b", "AKB ſB")
@example("(?:ab){2}", "ABAB")
def test_every_match_holds_the_required_strings(source: str, text: str) -> None:
    pattern = re.compile(source, re.IGNORECASE)
    if pattern.search(text):
        assert _holds_each(required_strings(pattern), text), (source, text)
        assert RuleGate([pattern]).possible(fold(text)) == [0]


@settings(max_examples=300, deadline=None)
@given(st.lists(_regexes(), min_size=1, max_size=4), _TEXT)
@example(["ab", "bc"], "abc")  # strings found inside a longer one count too
@example(["ab", "abc", "b"], "xabcx")
def test_the_gate_keeps_every_pattern_that_matches(sources: list[str], text: str) -> None:
    patterns = [re.compile(s, re.IGNORECASE) for s in sources]
    matching = {i for i, p in enumerate(patterns) if p.search(text)}
    assert matching <= set(RuleGate(patterns).possible(fold(text)))


def test_the_bundled_rules_give_the_gate_something_to_work_with() -> None:
    for reason in TAXONOMY.escalation:
        for pattern in reason.patterns:
            assert required_strings(pattern), pattern.pattern


# Texts made of the rules' own words, so that rules, unless clauses and near misses all occur.
_PHRASES = (
    "paisa payment money nahi not never aaya received credited mila le gaye took never paid",
    "fraud scam chor company app is a total complete cheated dhokha diya consumer court legal",
    "notice file case police fir complaint data photos leaked someone my whatsapp threatened",
    "abused koi badtameezi no misuse today aaj pickup hua finally ab thought laga worried",
    "पैसा नहीं आया पेमेंट फ्रॉड कंपनी पुलिस शिकायत धोखा दिया 😡 ₹5000 bhai abhi tak 7 din FRAUD",
    "Paisa NHI",
)
_WORDS = [word for phrase in _PHRASES for word in phrase.split()]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=14))
@example(["paisa", "nahi", "aaya"])
@example(["Fraud", "app.", "They", "cheated", "me"])
@example(["not", "a", "scam,", "money", "came"])
@example(["पैसा", "नहीं", "आया"])
def test_rules_hit_as_if_every_pattern_were_searched(words: list[str]) -> None:
    text = model_text(ItemText(" ".join(words)))
    assert rule_hits(TAXONOMY, text) == reference_rule_hits(TAXONOMY, text)
    raw = " ".join(words)  # and on text nobody normalised
    assert rule_hits(TAXONOMY, raw) == reference_rule_hits(TAXONOMY, raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(_regexes(), min_size=1, max_size=3), st.lists(_regexes(), max_size=2), _TEXT)
def test_rules_of_any_taxonomy_hit_as_if_every_pattern_were_searched(
    patterns: list[str], unless: list[str], text: str
) -> None:
    data = {
        "version": "t1",
        "themes": [{"id": "other", "name": "Other"}],
        "escalation": [
            {"id": "one", "name": "One", "patterns": patterns, "unless": unless},
            {"id": "two", "name": "Two", "patterns": patterns[::-1]},
        ],
    }
    taxonomy = parse_taxonomy(data, "test")
    assert rule_hits(taxonomy, text) == reference_rule_hits(taxonomy, text)
