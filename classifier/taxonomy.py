"""The taxonomy file: themes and escalation reasons, with the version every tag records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.rulegate import RuleGate

BUNDLED = "taxonomy.toml"
ESCALATION_PREFIX = "esc:"


class TaxonomyError(ValueError):
    """The taxonomy file is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class EscalationReason:
    id: str
    name: str
    severity: str = "high"
    patterns: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    version: str
    themes: tuple[Theme, ...]
    escalation: tuple[EscalationReason, ...]
    source: str = field(default=BUNDLED, compare=False)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    @property
    def escalation_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.escalation)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def reason(self, reason_id: str) -> EscalationReason | None:
        return self._reasons_by_id.get(reason_id)

    @cached_property
    def _reasons_by_id(self) -> dict[str, EscalationReason]:
        """The first reason with each id (classifying looks one up for every escalation)."""
        index: dict[str, EscalationReason] = {}
        for reason in self.escalation:
            index.setdefault(reason.id, reason)
        return index

    @cached_property
    def rule_patterns(self) -> tuple[tuple[EscalationReason, bool, re.Pattern[str]], ...]:
        """Every escalation reason's patterns, then its `unless` patterns (marked True)."""
        return tuple(
            (reason, unless, pattern)
            for reason in self.escalation
            for unless, patterns in ((False, reason.patterns), (True, reason.unless))
            for pattern in patterns
        )

    @cached_property
    def rule_gate(self) -> RuleGate:
        """Which of `rule_patterns` might match a text: most texts match no rule, and one
        pass over the text rules nearly all patterns out (see classifier/rulegate.py)."""
        return RuleGate([pattern for _reason, _unless, pattern in self.rule_patterns])


def _need(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _compile(patterns: object, where: str) -> tuple[re.Pattern[str], ...]:
    if not isinstance(patterns, list):
        raise TaxonomyError(f"{where} must be a list of regular expressions")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern), re.IGNORECASE))
        except re.error as exc:
            raise TaxonomyError(f"{where}: {pattern!r} is not a valid regex: {exc}") from None
    return tuple(compiled)


def parse_taxonomy(data: dict[str, Any], origin: str) -> Taxonomy:
    """Validate a loaded TOML document; errors name `origin` and the entry."""
    version = _need(data, "version", origin)
    themes: list[Theme] = []
    for index, entry in enumerate(data.get("themes") or []):
        where = f"{origin}: themes[{index}]"
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{where} is not a table")
        theme_id = _need(entry, "id", where)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", theme_id):
            raise TaxonomyError(f"{where}: id '{theme_id}' must be lowercase letters, digits, _")
        examples = entry.get("examples", [])
        themes.append(
            Theme(
                id=theme_id,
                name=_need(entry, "name", where),
                description=str(entry.get("description", "")),
                examples=tuple(str(x) for x in examples),
            )
        )
    if not themes:
        raise TaxonomyError(f"{origin}: no [[themes]] defined")
    reasons: list[EscalationReason] = []
    for index, entry in enumerate(data.get("escalation") or []):
        where = f"{origin}: escalation[{index}]"
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{where} is not a table")
        reasons.append(
            EscalationReason(
                id=_need(entry, "id", where),
                name=_need(entry, "name", where),
                severity=str(entry.get("severity", "high")),
                patterns=_compile(entry.get("patterns", []), f"{where}.patterns"),
                unless=_compile(entry.get("unless", []), f"{where}.unless"),
            )
        )
    for kind, ids in (("theme", [t.id for t in themes]), ("escalation", [r.id for r in reasons])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise TaxonomyError(f"{origin}: {kind} ids repeated: {', '.join(dupes)}")
    return Taxonomy(version, tuple(themes), tuple(reasons), source=origin)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at `path`, or the bundled default for a phone buy-back brand."""
    if path is None:
        text = resources.files("classifier").joinpath(BUNDLED).read_text(encoding="utf-8")
        origin = f"(bundled) {BUNDLED}"
    else:
        try:
            text = path.expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise TaxonomyError(f"{path}: cannot read: {exc.strerror or exc}") from None
        origin = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{origin}: not valid TOML: {exc}") from None
    return parse_taxonomy(data, origin)
