"""Classification of items: themes with scores, and an escalation decision with its reasons."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from classifier.model import ItemText, ThemeModel, model_text
from classifier.rulegate import fold
from classifier.taxonomy import ESCALATION_PREFIX, EscalationReason, Taxonomy


@dataclass(frozen=True)
class Prediction:
    """Themes above their thresholds (best first), every label's score, and escalation."""

    themes: tuple[tuple[str, float], ...]
    scores: dict[str, float]
    escalate: bool
    escalation_ids: tuple[str, ...]
    reasons: tuple[str, ...]
    model_version: str
    taxonomy_version: str


def rule_hits(taxonomy: Taxonomy, normalized: str) -> list[tuple[str, str]]:
    """(reason id, matched text) for every escalation rule that matches."""
    possible = taxonomy.rule_gate.possible(fold(normalized))
    if not possible:
        return []
    # Patterns the gate rules out cannot match: of the rest, the first that matches is the
    # one that would have matched first, and an `unless` ruled out would not have matched.
    candidates: dict[EscalationReason, tuple[list[re.Pattern[str]], list[re.Pattern[str]]]] = {}
    for index in possible:
        reason, unless, pattern = taxonomy.rule_patterns[index]
        candidates.setdefault(reason, ([], []))[unless].append(pattern)
    hits = []
    for reason, (patterns, unless_patterns) in candidates.items():  # in taxonomy order
        # Patterns before `unless`: most texts match no pattern of a reason, and then its
        # `unless` patterns need not be searched (a hit needs both, in either order).
        match = next(filter(None, (p.search(normalized) for p in patterns)), None)
        if match is None or any(u.search(normalized) for u in unless_patterns):
            continue
        hits.append((reason.id, match.group(0).strip()))
    return hits


def _minus_score(pair: tuple[str, float]) -> float:
    return -pair[1]


@dataclass
class Classifier:
    """A taxonomy and a trained model, used together."""

    taxonomy: Taxonomy
    model: ThemeModel

    @property
    def version(self) -> str:
        return str(self.model.metadata.get("trained_at", "untrained"))

    def predict(self, items: Sequence[ItemText]) -> list[Prediction]:
        texts = [model_text(item) for item in items]
        # The model reads the same text as the rules unless it was trained without romanised
        # Hindi: normalising once saves a pass over every text.
        shared = self.model.features.config.romanize_hindi
        scores = self.model.scores(items, texts if shared else None)
        labels, thresholds = self.model.labels, self.model.thresholds
        # What each column means, worked out once per batch instead of once per item.
        theme_columns = [
            (j, label, thresholds[j])
            for j, label in enumerate(labels)
            if not label.startswith(ESCALATION_PREFIX)
        ]
        escalation_columns = []
        for j, label in enumerate(labels):
            if label.startswith(ESCALATION_PREFIX):
                reason_id = label.removeprefix(ESCALATION_PREFIX)
                reason = self.taxonomy.reason(reason_id)
                escalation_columns.append(
                    (j, reason_id, reason.name.lower() if reason else reason_id)
                )
        cut = self.model.escalation_threshold
        version, taxonomy_version = self.version, self.taxonomy.version
        out = []
        for text, row_scores in zip(texts, scores.tolist(), strict=True):
            themes = [(label, row_scores[j]) for j, label, t in theme_columns if row_scores[j] >= t]
            if len(themes) > 1:
                themes.sort(key=_minus_score)
            ids: list[str] = []
            reasons: list[str] = []
            for reason_id, matched in rule_hits(self.taxonomy, text):
                ids.append(reason_id)
                reasons.append(f"rule {reason_id} matched '{matched[:60]}'")
            for j, reason_id, name in escalation_columns:
                score = row_scores[j]
                if score >= cut:
                    reasons.append(f"model: {name} {score:.2f}")
                    if reason_id not in ids:
                        ids.append(reason_id)
            out.append(
                Prediction(
                    themes=tuple(themes),
                    scores=dict(zip(labels, row_scores, strict=True)),
                    escalate=bool(ids),
                    escalation_ids=tuple(ids),
                    reasons=tuple(reasons),
                    model_version=version,
                    taxonomy_version=taxonomy_version,
                )
            )
        return out

    def explain(self, item: ItemText, top: int = 6) -> dict[str, list[tuple[str, float]]]:
        """For each theme and escalation label predicted for `item`, the terms behind it."""
        [prediction] = self.predict([item])
        labels = [theme for theme, _score in prediction.themes] + [
            ESCALATION_PREFIX + reason_id
            for reason_id in prediction.escalation_ids
            if ESCALATION_PREFIX + reason_id in self.model.labels
        ]
        return {label: self.model.explain(item, label, top) for label in labels}
