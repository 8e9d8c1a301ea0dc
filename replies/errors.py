"""Errors of the replies package: one readable sentence naming file, template and problem."""

from __future__ import annotations

from pathlib import Path


class TemplateError(ValueError):
    """A template file or entry is unusable (bad TOML, missing field, unknown platform...)."""

    title = "Template"

    def __init__(
        self, problem: str, *, path: Path | str | None = None, template_id: str | None = None
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.template_id = template_id
        self.problem = problem
        where = [str(self.path)] if self.path is not None else []
        if template_id:
            where.append(f"template '{template_id}'")
        super().__init__(": ".join([*where, problem]))


class RenderError(ValueError):
    """A template could not be rendered: a missing variable, bad syntax or refused access."""

    title = "Render"

    def __init__(
        self, problem: str, *, template_id: str | None = None, variable: str | None = None
    ) -> None:
        self.template_id = template_id
        self.variable = variable
        self.problem = problem
        prefix = f"template '{template_id}': " if template_id else ""
        super().__init__(prefix + problem)
