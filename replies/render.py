"""Rendering template bodies in a Jinja2 sandbox: plain text, and no silent blanks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from replies.errors import RenderError
from replies.model import Template
from replies.names import first_name
from sources.base import Platform

# Plain text (replies are not HTML), StrictUndefined so a missing variable is an error rather
# than an empty gap in a public reply, and an immutable sandbox because templates are files
# anyone on the team can edit.
_ENV = ImmutableSandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")

VARIABLES = (
    "first_name", "has_name", "brand", "app", "store_location", "reference",
    "support_email", "support_phone", "agent", "platform",
)  # fmt: skip


@dataclass(frozen=True)
class ReplyContext:
    """What a template may say, built by the caller from the item and the [brand] config.

    None means "not known": a template that uses it without `{% if x is defined %}` fails
    with a RenderError rather than printing a gap.
    """

    brand: str
    author: str | None = None
    app: str | None = None
    store_location: str | None = None
    reference: str | None = None
    support_email: str | None = None
    support_phone: str | None = None
    agent: str | None = None
    platform: Platform | None = None

    def variables(self) -> dict[str, Any]:
        """The template namespace; unknown values are left out so StrictUndefined catches them."""
        name = first_name(self.author)
        values: dict[str, Any] = {
            "first_name": name,
            "has_name": first_name(self.author, fallback="") != "",
            "brand": self.brand,
            "app": self.app or self.brand,  # the app is usually called after the brand
            "store_location": self.store_location,
            "reference": self.reference,
            "support_email": self.support_email,
            "support_phone": self.support_phone,
            "agent": self.agent,
            "platform": self.platform.value if self.platform else None,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


@lru_cache(maxsize=1024)
def _compile(body: str) -> JinjaTemplate:
    return _ENV.from_string(body)


def compile_body(body: str, template_id: str | None = None) -> JinjaTemplate:
    """Parse a body (once: suggestions render every candidate); syntax errors name the line."""
    try:
        return _compile(body)
    except TemplateSyntaxError as exc:
        raise RenderError(
            f"template syntax error on line {exc.lineno}: {exc.message}", template_id=template_id
        ) from None


def _tidy(text: str) -> str:
    """Blocks that render to nothing leave blank lines and trailing spaces; remove them."""
    text = _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def render_body(body: str, context: ReplyContext, template_id: str | None = None) -> str:
    """Render any body (a template's, or text an agent typed with variables in it)."""
    compiled = compile_body(body, template_id)
    try:
        return _tidy(compiled.render(context.variables()))
    except SecurityError as exc:
        raise RenderError(f"unsafe expression refused: {exc}", template_id=template_id) from None
    except UndefinedError as exc:
        match = _UNDEFINED_NAME.search(str(exc))
        name = next((g for g in match.groups() if g), None) if match else None
        if name is None:
            raise RenderError(str(exc), template_id=template_id) from None
        known = "" if name in VARIABLES else f" (known variables: {', '.join(VARIABLES)})"
        raise RenderError(
            f"variable '{name}' is not set{known}; set it in the reply context or guard it "
            f"with {{% if {name} is defined %}}",
            template_id=template_id,
            variable=name,
        ) from None
    except Exception as exc:  # a template is user input: any failure is a render problem
        raise RenderError(f"{type(exc).__name__}: {exc}", template_id=template_id) from None


def render(template: Template, context: ReplyContext) -> str:
    """The reply text a template gives for this context."""
    return render_body(template.body, context, template.id)
