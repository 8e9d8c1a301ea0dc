"""Ranking approved templates for one review or comment, with the reasons shown to the agent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from replies.errors import RenderError
from replies.language import detect_language
from replies.model import Language, Template
from replies.render import ReplyContext, render
from sources.base import Platform

# How well a template language suits the review's: Hindi readers take Hinglish well, English
# readers are put off by Hinglish.
_LANGUAGE_FIT: dict[Language, dict[Language, float]] = {
    "en": {"en": 0.3, "hinglish": -0.2, "hi": -0.3},
    "hinglish": {"hinglish": 0.3, "en": 0.1, "hi": 0.0},
    "hi": {"hi": 0.3, "hinglish": 0.15, "en": 0.0},
}
GENERAL_SCORE = 0.1  # a template with no themes fits anything, a little
EXTRA_THEME_WEIGHT = 0.25
OFF_THEME_PENALTY = 0.1  # per template theme the item lacks: exact fits beat broad ones
RECENT_PENALTY = 0.6  # halves with each older reply
RECENT_WINDOW = 20
SIMILAR = 0.6  # word-set Jaccard above which two replies read as the same text
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ItemContext:
    """What suggestion needs to know about the item being answered."""

    platform: Platform
    text: str = ""
    title: str | None = None
    rating: int | None = None
    themes: Mapping[str, float] = field(default_factory=dict)  # theme id → classifier score
    language: Language | None = None  # None: detected from the title and text


@dataclass(frozen=True)
class Suggestion:
    template: Template
    score: float
    reasons: tuple[str, ...]
    text: str | None = None  # rendered when a ReplyContext was given


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.casefold()))


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILAR


def _theme_score(template: Template, themes: Mapping[str, float]) -> tuple[float, list[str]]:
    if not template.themes:
        return GENERAL_SCORE, ["general template"]
    matched = sorted(
        ((themes[t], t) for t in template.themes if themes.get(t, 0.0) > 0), reverse=True
    )
    if not matched:
        return 0.0, ["no theme in common"]
    scores = [score for score, _ in matched]
    off_theme = [t for t in template.themes if themes.get(t, 0.0) <= 0]
    total = scores[0] + EXTRA_THEME_WEIGHT * sum(scores[1:]) - OFF_THEME_PENALTY * len(off_theme)
    reasons = [f"theme {t} {s:.2f}" for s, t in matched]
    if off_theme:
        reasons.append(f"also for {', '.join(off_theme)}")
    return total, reasons


def _language_score(template: Template, language: Language) -> tuple[float, str]:
    fit = _LANGUAGE_FIT[language]
    best = max(template.languages, key=lambda lang: (fit[lang], lang))
    if best == language:
        return fit[best], f"written in {language}, like the item"
    return fit[best], f"written in {best}; the item is in {language}"


def _recency_penalty(
    template: Template,
    words: frozenset[str],
    recent_words: Sequence[frozenset[str]],
    recent_ids: Sequence[str],
) -> tuple[float, str | None]:
    ago = [n for n, used in enumerate(recent_ids[:RECENT_WINDOW]) if used == template.id]
    ago += [n for n, other in enumerate(recent_words) if _similar(words, other)]
    if not ago:
        return 0.0, None
    latest = min(ago)
    penalty = RECENT_PENALTY / 2**latest
    when = "in the last reply" if latest == 0 else f"{latest + 1} replies ago"
    return penalty, f"used {when} on this platform (−{penalty:.2f})"


def suggest(
    item: ItemContext,
    library: Iterable[Template],
    n: int = 3,
    *,
    recent_texts: Sequence[str] = (),
    recent_template_ids: Sequence[str] = (),
    context: ReplyContext | None = None,
) -> list[Suggestion]:
    """The `n` best approved templates for `item`, best first, each with its reasons.

    Only approved templates for the item's platform and rating are considered. Theme overlap
    counts most, then language; a template used recently on this platform (`recent_texts` /
    `recent_template_ids`, newest first) is pushed down so replies do not read as copy-paste.
    With a `context`, each suggestion carries its rendered text, and templates that need a
    value the context lacks are left out. Ties go to the template id, so the order is stable.
    """
    language = item.language or detect_language(f"{item.title or ''} {item.text}")
    recent_words = [_words(t) for t in recent_texts[:RECENT_WINDOW]]
    if context is not None:
        context = replace(context, platform=item.platform)
    ranked: list[Suggestion] = []
    for template in library:
        if template.effective_status != "approved" or item.platform not in template.platforms:
            continue
        if not template.allows_rating(item.rating):
            continue
        text: str | None = None
        if context is not None:
            try:
                text = render(template, context)
            except RenderError:
                continue
        theme_score, reasons = _theme_score(template, item.themes)
        language_score, language_reason = _language_score(template, language)
        reasons.append(language_reason)
        if item.rating is not None and (template.rating_min or template.rating_max):
            low, high = template.rating_min or 1, template.rating_max or 5
            reasons.append(f"rating {item.rating} within {low}–{high}")
        words = _words(text if text is not None else _JINJA.sub(" ", template.body))
        penalty, recent_reason = _recency_penalty(
            template, words, recent_words, recent_template_ids
        )
        if recent_reason:
            reasons.append(recent_reason)
        score = round(theme_score + language_score - penalty, 3)
        ranked.append(Suggestion(template, score, tuple(reasons), text))
    ranked.sort(key=lambda s: (-s.score, s.template.id))
    return ranked[:n]
