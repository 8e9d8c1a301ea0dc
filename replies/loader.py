"""Reading template files: every problem names the file, the template and what is wrong."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from replies.errors import RenderError, TemplateError
from replies.model import LANGUAGES, STATUSES, Language, Library, Template
from replies.render import compile_body
from sources.base import Platform

BUNDLED_DIR = Path(__file__).with_name("templates")

_ID = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REQUIRED = ("id", "title", "themes", "platforms", "languages", "body")
_OPTIONAL = (
    "tone", "rating_min", "rating_max", "status", "approved_by", "approved_on", "body_sha256",
    "notes",
)  # fmt: skip


def load_library(folder: Path | None = None, *, known_themes: Collection[str] = ()) -> Library:
    """All templates in `folder` (recursively, in path order), or the bundled starter set.

    A user folder replaces the bundled set rather than adding to it: copy the starter files
    there to build on them. `known_themes` (e.g. the taxonomy's ids) turns a theme typo into
    an error instead of a template that never matches.
    """
    root = BUNDLED_DIR if folder is None else folder
    if not root.is_dir():
        raise TemplateError("template folder not found", path=root)
    templates: list[Template] = []
    seen: dict[str, Path] = {}
    for path in sorted(p for p in root.rglob("*.toml") if not p.name.startswith(".")):
        for template in load_file(path, known_themes=known_themes):
            if template.id in seen:
                raise TemplateError(
                    f"id already used in {seen[template.id]}", path=path, template_id=template.id
                )
            seen[template.id] = path
            templates.append(template)
    return Library(tuple(templates), root)


def load_file(path: Path, *, known_themes: Collection[str] = ()) -> list[Template]:
    """The [[template]] tables of one file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise TemplateError("not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"not valid TOML: {exc}", path=path) from None
    extra = sorted(set(data) - {"template"})
    if extra:
        raise TemplateError(
            f"unknown top-level key {', '.join(map(repr, extra))}; templates go in [[template]]",
            path=path,
        )
    entries = data.get("template")
    if not isinstance(entries, list) or not entries:
        raise TemplateError("no [[template]] tables", path=path)
    templates = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise TemplateError(f"template #{index + 1} is not a table", path=path)
        templates.append(parse_template(entry, path, index, known_themes))
    ids = [t.id for t in templates]
    for template_id in ids:
        if ids.count(template_id) > 1:
            raise TemplateError("id used twice in this file", path=path, template_id=template_id)
    return templates


class _Fields:
    """Typed access to one table; every error carries the file and the template id."""

    def __init__(self, entry: dict[str, Any], path: Path, template_id: str | None) -> None:
        self.entry, self.path, self.template_id = entry, path, template_id

    def fail(self, problem: str) -> TemplateError:
        return TemplateError(problem, path=self.path, template_id=self.template_id)

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"'{key}' must be a non-empty string")
        return value

    def words(self, key: str, allowed: Collection[str] = ()) -> tuple[str, ...]:
        value = self.entry.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"'{key}' must be a list of strings")
        for item in value:
            if allowed and item not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.fail(f"unknown {key.rstrip('s')} '{item}'; expected one of {expected}")
        if len(set(value)) != len(value):
            raise self.fail(f"'{key}' lists a value twice")
        return tuple(value)

    def stars(self, key: str) -> int | None:
        value = self.entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise self.fail(f"'{key}' must be a whole number of stars from 1 to 5")
        return value


def parse_template(
    entry: dict[str, Any], path: Path, index: int, known_themes: Collection[str] = ()
) -> Template:
    """Validate one [[template]] table."""
    raw_id = entry.get("id")
    template_id = raw_id if isinstance(raw_id, str) and raw_id else None
    fields = _Fields(entry, path, template_id or f"#{index + 1}")
    if template_id is None:
        raise fields.fail("'id' must be a non-empty string")
    if not _ID.fullmatch(template_id):
        raise fields.fail("'id' must be lowercase letters, digits, '_' or '-'")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise fields.fail(f"unknown field {', '.join(map(repr, unknown))}")
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise fields.fail(f"missing field {', '.join(map(repr, missing))}")
    themes = fields.words("themes", known_themes)
    platforms = fields.words("platforms", [p.value for p in Platform])
    languages = fields.words("languages", LANGUAGES)
    if not platforms:
        raise fields.fail("'platforms' is empty: name at least one")
    if not languages:
        raise fields.fail("'languages' is empty: name at least one")
    rating_min, rating_max = fields.stars("rating_min"), fields.stars("rating_max")
    if rating_min is not None and rating_max is not None and rating_min > rating_max:
        raise fields.fail(f"rating_min {rating_min} is above rating_max {rating_max}")
    status = fields.text("status", required=False) or "draft"
    if status not in STATUSES:
        raise fields.fail(f"unknown status '{status}'; expected one of {', '.join(STATUSES)}")
    approved_on = entry.get("approved_on")
    if isinstance(approved_on, datetime):
        approved_on = approved_on.date()
    if approved_on is not None and not isinstance(approved_on, date):
        raise fields.fail("'approved_on' must be a TOML date such as 2026-11-25")
    sha = fields.text("body_sha256", required=False)
    if sha is not None and not _SHA256.fullmatch(sha):
        raise fields.fail("'body_sha256' must be 64 lowercase hex digits")
    body = cast(str, fields.text("body"))
    try:
        compile_body(body)
    except RenderError as exc:
        raise fields.fail(exc.problem) from None
    return Template(
        id=template_id,
        title=cast(str, fields.text("title")).strip(),
        themes=themes,
        platforms=tuple(Platform(p) for p in platforms),
        languages=cast(tuple[Language, ...], languages),
        body=body,
        path=path,
        index=index,
        tone=(fields.text("tone", required=False) or "warm").strip(),
        rating_min=rating_min,
        rating_max=rating_max,
        status=status,
        approved_by=fields.text("approved_by", required=False),
        approved_on=approved_on,
        body_sha256=sha,
        notes=str(entry.get("notes", "")),
    )
