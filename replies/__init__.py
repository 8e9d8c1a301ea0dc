"""Replies: template library, approval, rendering, suggestion and linting (issue #5).

A leaf package: it never imports `inbox` and keeps no database; the caller passes what it
knows (item, brand contacts, recent replies) and gets values back.
"""

from __future__ import annotations

from replies.approval import TemplateSummary, approve, list_templates
from replies.check import SAMPLES, Sample, TemplateProblem, lint_library, lint_template
from replies.errors import RenderError, TemplateError
from replies.language import detect_language
from replies.lint import (
    LIMITS,
    STARTER_FORBIDDEN_PHRASES,
    Limit,
    LintRules,
    Problem,
    blocking,
    lint,
    strip_html,
)
from replies.loader import BUNDLED_DIR, load_file, load_library
from replies.model import LANGUAGES, Language, Library, Template, body_hash
from replies.names import FALLBACK_NAME, first_name
from replies.render import VARIABLES, ReplyContext, render, render_body
from replies.suggest import ItemContext, Suggestion, suggest

__all__ = [
    "BUNDLED_DIR",
    "FALLBACK_NAME",
    "LANGUAGES",
    "LIMITS",
    "SAMPLES",
    "STARTER_FORBIDDEN_PHRASES",
    "VARIABLES",
    "ItemContext",
    "Language",
    "Library",
    "Limit",
    "LintRules",
    "Problem",
    "RenderError",
    "ReplyContext",
    "Sample",
    "Suggestion",
    "Template",
    "TemplateError",
    "TemplateProblem",
    "TemplateSummary",
    "approve",
    "blocking",
    "body_hash",
    "detect_language",
    "first_name",
    "lint",
    "lint_library",
    "lint_template",
    "list_templates",
    "load_file",
    "load_library",
    "render",
    "render_body",
    "strip_html",
    "suggest",
]
