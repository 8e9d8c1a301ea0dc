"""Approving templates and listing their status: what the CLI's `templates` commands call."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from replies.check import lint_template
from replies.errors import TemplateError
from replies.lint import LintRules, blocking
from replies.loader import load_file, load_library
from replies.model import EffectiveStatus, Library, Template, body_hash
from replies.tomledit import EditError, set_template_keys, write_atomically


@dataclass(frozen=True)
class TemplateSummary:
    """One line of `inbox templates list`."""

    id: str
    title: str
    status: EffectiveStatus
    note: str
    themes: tuple[str, ...]
    platforms: tuple[str, ...]
    languages: tuple[str, ...]
    path: Path


def list_templates(library: Library) -> list[TemplateSummary]:
    """Every template with its effective status and why, in library order."""
    return [
        TemplateSummary(
            id=t.id,
            title=t.title,
            status=t.effective_status,
            note=t.status_note,
            themes=t.themes,
            platforms=tuple(p.value for p in t.platforms),
            languages=tuple(t.languages),
            path=t.path,
        )
        for t in library
    ]


def _find(source: Path | Library, template_id: str, known_themes: Collection[str]) -> Template:
    if isinstance(source, Library):
        templates: Collection[Template] = source.templates
    elif source.is_file():
        templates = load_file(source, known_themes=known_themes)
    else:
        templates = load_library(source, known_themes=known_themes).templates
    found = next((t for t in templates if t.id == template_id), None)
    if found is None:
        origin = source.origin if isinstance(source, Library) else source
        raise TemplateError(f"no template '{template_id}'", path=origin)
    return found


def approve(
    source: Path | Library,
    template_id: str,
    by: str,
    when: date,
    *,
    rules: LintRules | None = None,
    known_themes: Collection[str] = (),
) -> Template:
    """Record `by`, the date and the body's SHA-256 in the template's file; return it reloaded.

    `source` is a library, a template folder or one template file. A template whose samples
    render with errors (see `lint_template`) is refused: approval is what makes it offered.
    """
    path = _find(source, template_id, known_themes).path
    # Read the file again: a library loaded earlier may predate an edit, and the hash must be
    # of the body that is in the file now.
    template = _fresh(path, template_id, known_themes)
    approver = " ".join(by.split())
    if not approver:
        raise TemplateError("the approver's name is empty", path=path, template_id=template_id)
    errors = [p for p in lint_template(template, rules) if blocking([p.problem])]
    if errors:
        raise TemplateError(
            "not approved, the template has errors: "
            + "; ".join(
                f"{e.platform}, {e.sample} sample: {e.problem.message}" for e in errors[:3]
            ),
            path=template.path,
            template_id=template_id,
        )
    day = when.date() if isinstance(when, datetime) else when
    values: dict[str, str | date] = {
        "status": "approved",
        "approved_by": approver,
        "approved_on": day,
        "body_sha256": body_hash(template.body),
    }
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: keep the file's own line endings
        write_atomically(path, set_template_keys(text, template.index, values))
    except EditError as exc:
        raise TemplateError(str(exc), path=path, template_id=template_id) from None
    except OSError as exc:
        raise TemplateError(f"cannot write the file: {exc.strerror}", path=path) from None
    return _fresh(path, template_id, known_themes)


def _fresh(path: Path, template_id: str, known_themes: Collection[str]) -> Template:
    found = next(
        (t for t in load_file(path, known_themes=known_themes) if t.id == template_id), None
    )
    if found is None:
        raise TemplateError(f"no template '{template_id}' in the file any more", path=path)
    return found
