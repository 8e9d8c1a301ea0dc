"""Literal gates for the escalation rules: a cheap test that rules a pattern out.

The rules are case-insensitive regexes, and Python's `re` searches those slowly: at every
position of the text it tries every alternative of every pattern. But nearly every pattern
needs some literal text to match: `\\b(payment|paisa|money)\\W+…(not|nahi)\\W+…(received|…)`
cannot match a text that contains none of "payment", "paisa", "money". This module reads each
pattern's parse tree for such sets of literals (every match contains one string of each set),
and tests them on a case-folded copy of the text with plain, case-sensitive searches.

The gate is exact, never a guess: a pattern it rules out cannot match, so the rules then run
only on the texts (and patterns) that can. Soundness rests on two things, both tested:
- `fold` maps each character as `re.IGNORECASE` compares it (simple lowercase, plus the
  extra equivalences `re` knows, such as "ſ" ~ "s"), one character to one;
- the parse-tree walk only claims "every match contains one of these strings" where the
  tree says so; anything it does not know (classes, backreferences, optional parts) gives
  no set, and a pattern without any set is always searched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")
_casefix: Any = importlib.import_module("re._casefix")
_sre: Any = importlib.import_module("_sre")

# The longest run of literals kept as whole strings before it is cut (the cross product of
# alternations grows fast), and the most single characters a class may stand for.
_MAX_STRINGS = 256
_MAX_CLASS = 16


def _canonical_cases() -> dict[str, str]:
    """Characters `re` treats as equal beyond simple lowercase ("ſ" ~ "s", "ς" ~ "σ"), each
    mapped to the smallest of its group."""
    groups: dict[int, set[int]] = {}
    for char, others in _casefix._EXTRA_CASES.items():
        group = {char, *others}
        for member in list(group):
            group |= groups.get(member, set())
        for member in group:
            groups[member] = group
    return {chr(c): chr(min(g)) for c, g in groups.items() if min(g) != c}


_CANONICAL = _canonical_cases()
_CANONICAL_TABLE = str.maketrans(_CANONICAL)
_ANY_CANONICAL = re.compile("[" + "".join(re.escape(c) for c in _CANONICAL) + "]")


def fold_char(char: str) -> str:
    """One character as `re.IGNORECASE` compares it."""
    lower = chr(_sre.unicode_tolower(ord(char)))
    return _CANONICAL.get(lower, lower)


def fold(text: str) -> str:
    """`text` with every character folded as by `fold_char`, one character to one."""
    if text.isascii():
        return text.lower()
    # str.lower is the full lowercase mapping: it differs from the simple one `re` uses only
    # for "İ" (to "i" plus a combining dot) and a final sigma ("ς", folded with "σ" below).
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    text = text.lower()
    if _ANY_CANONICAL.search(text):
        text = text.translate(_CANONICAL_TABLE)
    return text


@dataclass(frozen=True)
class _Info:
    """What a piece of a pattern tells: `exact`, the only strings it can match (folded), or
    None; `needs`, sets of strings each of which has one member in every match."""

    exact: frozenset[str] | None
    needs: tuple[frozenset[str], ...] = ()


_NOTHING = _Info(None)
_EMPTY = _Info(frozenset({""}))


def _useful(strings: frozenset[str]) -> bool:
    return bool(strings) and "" not in strings


def _best(info: _Info) -> frozenset[str] | None:
    """The most selective set: the longest shortest string, then the fewest strings."""
    candidates = list(info.needs)
    if info.exact is not None and _useful(info.exact):
        candidates.append(info.exact)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)))


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    """A concatenation: neighbouring exact pieces join into longer strings."""
    needs: list[frozenset[str]] = []
    run = frozenset({""})
    whole = True
    for op, av in items:
        info = _item(op, av)
        if info.exact is not None and len(run) * len(info.exact) <= _MAX_STRINGS:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        whole = False
        if _useful(run):
            needs.append(run)
        needs.extend(info.needs)
        run = info.exact if info.exact is not None else frozenset({""})
    if whole:
        return _Info(run, tuple(needs))
    if _useful(run):
        needs.append(run)
    return _Info(None, tuple(needs))


def _item(op: Any, av: Any) -> _Info:
    c = _constants
    if op is c.LITERAL:
        return _Info(frozenset({fold_char(chr(av))}))
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _EMPTY  # zero-width: its neighbours are adjacent in the text
    if op is c.IN:
        if len(av) > _MAX_CLASS or any(kind is not c.LITERAL for kind, _ in av):
            return _NOTHING
        return _Info(frozenset(fold_char(chr(code)) for _, code in av))
    if op is c.SUBPATTERN:
        return _sequence(av[-1])
    if op is c.ATOMIC_GROUP:
        return _sequence(av)
    if op is c.BRANCH:
        alternatives = [_sequence(branch) for branch in av[1]]
        exacts = [a.exact for a in alternatives]
        if all(e is not None for e in exacts):
            union = frozenset().union(*(e for e in exacts if e is not None))
            if len(union) <= _MAX_STRINGS:
                return _Info(union)
        bests = [_best(a) for a in alternatives]
        if any(b is None for b in bests):
            return _NOTHING
        return _Info(None, (frozenset().union(*(b for b in bests if b is not None)),))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, body = av
        if low < 1:
            return _NOTHING
        inner = _sequence(body)
        if low == high == 1:
            return inner
        best = _best(inner)
        return _Info(None, (best,)) if best is not None else _NOTHING
    return _NOTHING  # any character, classes, backreferences, conditionals…


def required_strings(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of folded strings such that every match of `pattern` contains one string of each
    set (no set at all: nothing is known, the pattern must always be searched)."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # a tree it cannot read only costs the gate, never a match
        return ()
    info = _sequence(tree)
    needs = list(info.needs)
    if info.exact is not None and _useful(info.exact):
        needs.append(info.exact)
    # Most selective first: a text usually fails the first test.
    unique = sorted(set(needs), key=lambda s: (-min(map(len, s)), len(s), sorted(s)))
    return tuple(unique)


def _trie_regex(strings: Iterable[str]) -> str:
    """One regex for a set of strings, shaped as their prefix tree: at each point of the
    text `re` follows one branch instead of trying every string, and it matches the
    longest string that starts there."""
    root: dict[str, Any] = {}
    for string in strings:
        node = root
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}  # a string ends here

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


class _Test:
    """Whether a folded text holds one of a set of strings."""

    def __init__(self, strings: frozenset[str]) -> None:
        self.single = next(iter(strings)) if len(strings) == 1 else None
        self.search = re.compile(_trie_regex(strings)).search

    def __call__(self, folded: str) -> bool:
        if self.single is not None:
            return self.single in folded
        return self.search(folded) is not None


class RuleGate:
    """For a list of patterns, which ones might match a text (the others cannot)."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        set_ids: dict[frozenset[str], int] = {}
        self._needs: list[tuple[int, ...]] = []
        for pattern in patterns:
            sets = required_strings(pattern)  # the most selective set first
            self._needs.append(tuple(set_ids.setdefault(s, len(set_ids)) for s in sets))
        self._always = [i for i, needs in enumerate(self._needs) if not needs]
        by_id = {i: s for s, i in set_ids.items()}
        self._tests = {i: _Test(s) for i, s in by_id.items()}
        # One pass over the text finds the patterns whose first set is there; only their
        # other sets are then looked for, one by one. Found at some point of the text, a
        # string also shows every listed string that is its prefix there.
        firsts = {needs[0] for needs in self._needs if needs}
        strings = {string for i in firsts for string in by_id[i]}
        self._satisfies: dict[str, frozenset[int]] = {
            found: frozenset(i for i in firsts for s in by_id[i] if found.startswith(s))
            for found in strings
        }
        self._search = re.compile(_trie_regex(strings)).search if strings else None

    def possible(self, folded: str) -> list[int]:
        """Indexes of the patterns that might match the text `folded` (see `fold`)."""
        search = self._search
        if search is None:
            return list(self._always)
        found: set[int] = set()
        match = search(folded)
        while match is not None:
            # The longest listed string starting here; strings starting inside it are
            # looked for from the next character on.
            found |= self._satisfies[match.group()]
            match = search(folded, match.start() + 1)
        if not found:
            return list(self._always)
        known: dict[int, bool] = {}
        out = []
        for index, needs in enumerate(self._needs):
            if needs and needs[0] not in found:
                continue
            for set_id in needs[1:]:
                present = known.get(set_id)
                if present is None:
                    present = known[set_id] = self._tests[set_id](folded)
                if not present:
                    break
            else:
                out.append(index)
        return out
