"""The escalation rules as first written, for tests to compare the fast paths with."""

from __future__ import annotations

from classifier.taxonomy import Taxonomy


def reference_rule_hits(taxonomy: Taxonomy, normalized: str) -> list[tuple[str, str]]:
    """Every pattern searched, in order, no gate or prefilter: `unless` first, then each
    reason's patterns until one matches."""
    hits = []
    for reason in taxonomy.escalation:
        if any(u.search(normalized) for u in reason.unless):
            continue
        for pattern in reason.patterns:
            match = pattern.search(normalized)
            if match:
                hits.append((reason.id, match.group(0).strip()))
                break
    return hits
