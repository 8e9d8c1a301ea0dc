"""Templates and libraries as plain values; the approval state is computed, never trusted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from sources.base import Platform

Language = Literal["en", "hi", "hinglish"]
LANGUAGES: tuple[Language, ...] = ("en", "hi", "hinglish")

StoredStatus = Literal["draft", "approved", "retired"]
STATUSES: tuple[StoredStatus, ...] = ("draft", "approved", "retired")

EffectiveStatus = Literal["draft", "approved", "retired"]


def body_hash(body: str) -> str:
    """SHA-256 of the body as approved: CRLF and outer whitespace do not count, so a checkout
    on Windows or a trailing newline added by an editor keeps the approval."""
    normalised = body.replace("\r\n", "\n").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Template:
    """One reply template as read from its file; `index` is its position among the file's
    [[template]] tables (the approval writer needs it)."""

    id: str
    title: str
    themes: tuple[str, ...]
    platforms: tuple[Platform, ...]
    languages: tuple[Language, ...]
    body: str
    path: Path
    index: int = 0
    tone: str = "warm"
    rating_min: int | None = None
    rating_max: int | None = None
    status: StoredStatus = "draft"
    approved_by: str | None = None
    approved_on: date | None = None
    body_sha256: str | None = None
    notes: str = ""

    @property
    def current_hash(self) -> str:
        return body_hash(self.body)

    @property
    def effective_status(self) -> EffectiveStatus:
        """'approved' only while the recorded hash matches the body: an edit makes a draft."""
        if self.status == "retired":
            return "retired"
        recorded = self.approved_by and self.approved_on and self.body_sha256
        if self.status == "approved" and recorded and self.body_sha256 == self.current_hash:
            return "approved"
        return "draft"

    @property
    def status_note(self) -> str:
        """Why the template has its effective status, in words for a list or a review."""
        if self.status == "retired":
            return "retired"
        if self.status != "approved":
            return "not approved yet"
        if not (self.approved_by and self.approved_on and self.body_sha256):
            return "marked approved, but no approval (approved_by, approved_on, body_sha256)"
        who = f"{self.approved_by} on {self.approved_on.isoformat()}"
        if self.body_sha256 != self.current_hash:
            return f"body changed since it was approved by {who}"
        return f"approved by {who}"

    def allows_rating(self, rating: int | None) -> bool:
        """An unknown rating (Instagram comments have none) never excludes a template."""
        if rating is None:
            return True
        low = self.rating_min if self.rating_min is not None else 1
        high = self.rating_max if self.rating_max is not None else 5
        return low <= rating <= high


@dataclass(frozen=True)
class Library:
    """Every template found in one folder (or one file), in file then table order."""

    templates: tuple[Template, ...]
    origin: Path

    def __iter__(self) -> Iterator[Template]:
        return iter(self.templates)

    def __len__(self) -> int:
        return len(self.templates)

    def get(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def approved(self) -> tuple[Template, ...]:
        return tuple(t for t in self.templates if t.effective_status == "approved")
