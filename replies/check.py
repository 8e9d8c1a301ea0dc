"""Linting templates themselves: each one rendered with sample values for each platform."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from replies.errors import RenderError
from replies.lint import LintRules, Problem, Severity, lint
from replies.model import Template
from replies.render import ReplyContext, render
from sources.base import Platform


@dataclass(frozen=True)
class Sample:
    """A named set of variable values; `complete` samples must render without error."""

    name: str
    context: ReplyContext
    complete: bool = True


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "typical",
        ReplyContext(
            brand="Resello",
            author="Priya Sharma",
            store_location="Koramangala, Bengaluru",
            reference="RS482913",
            support_email="care@resello.in",
            support_phone="+91 80 4718 2200",
            agent="Neha",
        ),
    ),
    # Long but plausible values: a short Play template must still fit in 350 characters.
    Sample(
        "long",
        ReplyContext(
            brand="Resello Mobiles",
            author="Venkatalakshmi Subramanian",
            app="Resello – Sell Old Phone",
            store_location="Resello Store – 5th Block, Koramangala, Bengaluru",
            reference="RS-2026-11-0048213",
            support_email="customer.care@resello-mobiles.in",
            support_phone="+91 80 4718 2200",
            agent="Priyadarshini",
        ),
    ),
    # Only what every install has: templates that need more are offered only when it is known.
    Sample("minimal", ReplyContext(brand="Resello"), complete=False),
)


@dataclass(frozen=True)
class TemplateProblem:
    """A problem with one template on one platform with one sample."""

    template_id: str
    path: Path
    platform: Platform | None
    sample: str
    problem: Problem

    def __str__(self) -> str:
        where = f"{self.platform.value}, " if self.platform else ""
        return (
            f"{self.path}: template '{self.template_id}' ({where}{self.sample} sample): "
            f"{self.problem.severity}: {self.problem.message}"
        )


def lint_template(
    template: Template, rules: LintRules | None = None, samples: Sequence[Sample] = SAMPLES
) -> list[TemplateProblem]:
    """Render for every targeted platform with every sample and lint the result."""
    rules = rules or LintRules()
    found: list[TemplateProblem] = []
    for platform in template.platforms:
        for sample in samples:
            context = replace(sample.context, platform=platform)
            where = (template.id, template.path, platform, sample.name)
            try:
                text = render(template, context)
            except RenderError as exc:
                # A template may need a value not every item has (e.g. an order reference).
                severity: Severity = "warning" if exc.variable and not sample.complete else "error"
                message = (
                    f"needs '{exc.variable}': offered only when it is known"
                    if severity == "warning"
                    else exc.problem
                )
                found.append(TemplateProblem(*where, Problem("render", severity, message)))
                continue
            sample_rules = rules.allowing(context.support_email, context.support_phone)
            for problem in lint(text, platform, sample_rules):
                found.append(TemplateProblem(*where, problem))
    return found


def lint_library(
    templates: Iterable[Template],
    rules: LintRules | None = None,
    samples: Sequence[Sample] = SAMPLES,
) -> list[TemplateProblem]:
    """Every problem in every template, in library order (retired templates are skipped)."""
    return [
        problem
        for template in templates
        if template.effective_status != "retired"
        for problem in lint_template(template, rules, samples)
    ]
