"""Checks on the final reply text, against each platform's limits and the team's rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sources.base import Platform

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding; errors block sending, warnings are shown."""

    code: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Limit:
    size: int
    unit: Literal["characters", "bytes"]
    severity: Severity
    why: str


# Play and Business Profile reject longer replies; the App Store and Instagram figures are
# community numbers, so going over them is advisory.
LIMITS: dict[Platform, Limit] = {
    Platform.GOOGLE_PLAY: Limit(350, "characters", "error", "Google Play rejects longer replies"),
    Platform.GBP: Limit(4096, "bytes", "error", "Business Profile rejects longer replies"),
    Platform.APP_STORE: Limit(5970, "characters", "warning", "App Store's reported limit"),
    Platform.INSTAGRAM: Limit(2200, "characters", "warning", "Instagram's reported limit"),
}

# Starter list for [templates] forbidden_phrases: promises an agent cannot know are true.
STARTER_FORBIDDEN_PHRASES = (
    "refund processed",
    "refund has been processed",
    "refund has been initiated",
    "payment has been processed",
    "payment has been credited",
    "amount has been credited",
    "we guarantee",
    "100% guaranteed",
    "will be credited within",
    "issue has been resolved",
)

_HTML_TAG_NAMES = (
    "a abbr b big blockquote br center code del div em font h1 h2 h3 h4 h5 h6 hr i img ins "
    "li ol p pre s small span strike strong sub sup table tbody td th thead tr tt u ul"
)
_HTML_TAGS = frozenset(_HTML_TAG_NAMES.split())
_TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_PLACEHOLDERS = (
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "template syntax"),
    (re.compile(r"\$?\{\s*[A-Za-z_][\w .\-]{0,30}\}"), "placeholder"),
    (re.compile(r"\[\s*[A-Za-z_][\w .\-]{0,30}\]"), "placeholder"),
    (re.compile(r"%\([A-Za-z_]\w*\)[sd]|%s\b"), "format placeholder"),
)
_ANGLE = re.compile(r"<\s*([A-Za-z_][\w .\-]{0,30}?)\s*>")
_EMAIL = re.compile(r"[\w.+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Runs of digits with the usual separators; 10–13 digits is a phone number in India
# (mobile, +91, 1800 toll-free, landline with STD code).
_PHONE = re.compile(r"(?<![\w\-/])\+?\d[\d \-().]{8,}\d(?![\w])")
_SPACE = re.compile(r"\s+")
# What a terminal or a bidi renderer acts on: C0 controls but tab, newline and CR, DEL, C1
# controls, and the bidi embeddings/overrides/isolates. Pasted from a terminal or a hostile
# review, they would reach the platform and every screen that shows the reply.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class LintRules:
    """The team's rules, from the [templates] and [brand] config."""

    forbidden_phrases: Sequence[str] = ()
    allow_personal_data: bool = False
    # The brand's own support e-mail and phone may appear even when personal data may not.
    allowed_contacts: Sequence[str] = ()
    repeat_threshold: int = 3

    def allowing(self, *contacts: str | None) -> LintRules:
        """A copy that also allows these contacts (None values are skipped)."""
        extra = tuple(c for c in contacts if c)
        return replace(self, allowed_contacts=(*self.allowed_contacts, *extra))


def strip_html(text: str) -> str:
    """What Google Play keeps: tags removed, their inner text kept."""
    return _TAG.sub("", text)


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a reply from being sent."""
    return [p for p in problems if p.severity == "error"]


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _length(text: str, platform: Platform) -> list[Problem]:
    limit = LIMITS[platform]
    measured = strip_html(text) if platform is Platform.GOOGLE_PLAY else text
    size = len(measured.encode("utf-8")) if limit.unit == "bytes" else len(measured)
    if size <= limit.size:
        return []
    after = " after removing HTML tags" if platform is Platform.GOOGLE_PLAY else ""
    return [
        Problem(
            "too_long",
            limit.severity,
            f"{size} {limit.unit}{after}; the limit is {limit.size} ({limit.why})",
        )
    ]


def _placeholders(text: str) -> list[Problem]:
    found = [m.group(0) for pattern, _ in _PLACEHOLDERS for m in pattern.finditer(text)]
    found += [
        m.group(0)
        for m in _ANGLE.finditer(text)
        if m.group(1).split()[0].casefold() not in _HTML_TAGS
    ]
    if not found:
        return []
    shown = ", ".join(dict.fromkeys(found))
    return [Problem("placeholder", "error", f"unfilled placeholder or template syntax: {shown}")]


def _html(text: str, platform: Platform) -> list[Problem]:
    tags = [m.group(0) for m in _TAG.finditer(text) if m.group(1).casefold() in _HTML_TAGS]
    if not tags or platform is not Platform.GOOGLE_PLAY:
        return []
    shown = ", ".join(dict.fromkeys(tags))
    return [Problem("html", "warning", f"Google Play strips HTML tags ({shown}); use plain text")]


def _controls(text: str) -> list[Problem]:
    found = list(dict.fromkeys(m.group(0) for m in _CONTROL.finditer(text)))
    if not found:
        return []
    shown = ", ".join(f"U+{ord(ch):04X}" for ch in found[:5])
    return [
        Problem(
            "control_character",
            "error",
            f"invisible control or direction-override characters ({shown}); "
            "retype the reply instead of pasting it",
        )
    ]


def _forbidden(text: str, rules: LintRules) -> list[Problem]:
    haystack = _normalise(text)
    problems = []
    for phrase in rules.forbidden_phrases:
        needle = _normalise(phrase)
        if not needle:
            continue
        start = r"\b" if needle[0].isalnum() else ""
        end = r"\b" if needle[-1].isalnum() else ""
        if re.search(start + re.escape(needle) + end, haystack):
            problems.append(
                Problem("forbidden_phrase", "error", f"contains the forbidden phrase '{phrase}'")
            )
    return problems


def _personal_data(text: str, rules: LintRules) -> list[Problem]:
    if rules.allow_personal_data:
        return []
    emails_ok = {c.casefold() for c in rules.allowed_contacts if "@" in c}
    phones_ok = {_digits(c)[-10:] for c in rules.allowed_contacts if len(_digits(c)) >= 6}
    found = [m.group(0) for m in _EMAIL.finditer(text) if m.group(0).casefold() not in emails_ok]
    for match in _PHONE.finditer(text):
        digits = _digits(match.group(0))
        if 10 <= len(digits) <= 13 and digits[-10:] not in phones_ok:
            found.append(match.group(0).strip())
    if not found:
        return []
    shown = ", ".join(dict.fromkeys(found))
    return [
        Problem(
            "personal_data",
            "error",
            f"phone number or e-mail address in a public reply: {shown} "
            "(only the brand's support contacts are allowed)",
        )
    ]


def lint(
    text: str,
    platform: Platform | str,
    rules: LintRules | None = None,
    *,
    comment_hidden: bool = False,
    comment_is_reply: bool = False,
    times_posted_this_week: int = 0,
) -> list[Problem]:
    """Every problem with sending `text` as a reply on `platform`.

    The flags describe the item being answered (Instagram) and how often this exact text
    was already posted this week; the caller knows them, this module has no database.
    """
    platform = Platform(platform)
    rules = rules or LintRules()
    if not text.strip():
        problems = [Problem("empty", "error", "the reply is empty")]
    else:
        problems = [
            *_length(text, platform),
            *_placeholders(text),
            *_html(text, platform),
            *_controls(text),
            *_forbidden(text, rules),
            *_personal_data(text, rules),
        ]
    if platform is Platform.INSTAGRAM and comment_hidden:
        problems.append(
            Problem(
                "hidden_comment", "error", "Instagram does not allow replies to hidden comments"
            )
        )
    if platform is Platform.INSTAGRAM and comment_is_reply:
        problems.append(
            Problem(
                "not_top_level",
                "error",
                "this comment is itself a reply; Instagram only takes replies to top-level "
                "comments (answer the top-level comment instead)",
            )
        )
    if times_posted_this_week >= rules.repeat_threshold > 0:
        problems.append(
            Problem(
                "repeated",
                "warning",
                f"this exact text was already posted {times_posted_this_week} times this week; "
                "identical replies read as copy-paste (Instagram may treat them as spam)",
            )
        )
    return problems
