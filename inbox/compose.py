"""Composing a reply: the template library from config, suggestions for an item, rendering
with what the inbox knows of the item, and the lint rules from config.

The TUI's composer and `inbox reply` / `inbox templates` call this; `replies/` does the work
and never sees the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from classifier.taxonomy import load_taxonomy
from inbox.config import Config
from inbox.errors import ConfigError, NotFoundError
from inbox.models import Item, Reply, ReplyOrigin, ReplyState, SourceAccount, Tag, TagOrigin
from replies import (
    ItemContext,
    Library,
    LintRules,
    ReplyContext,
    Suggestion,
    TemplateError,
    load_library,
    render,
    suggest,
)
from sources.base import Platform

RECENT = 20


def lint_rules(config: Config) -> LintRules:
    brand = config.brand
    return LintRules(
        forbidden_phrases=tuple(config.templates.forbidden_phrases),
        allow_personal_data=config.templates.allow_personal_data,
        allowed_contacts=tuple(c for c in (brand.support_email, brand.support_phone) if c),
        repeat_threshold=config.templates.repeat_limit,
    )


def known_themes(config: Config) -> frozenset[str]:
    return frozenset(load_taxonomy(config.classifier.taxonomy).theme_ids)


def library_from_config(config: Config) -> Library:
    try:
        return load_library(config.templates.folder, known_themes=known_themes(config))
    except TemplateError as exc:
        raise ConfigError(f"reply templates: {exc}") from None


@dataclass
class Composer:
    engine: Engine
    config: Config = field(default_factory=Config)
    agent: str | None = None

    @cached_property
    def library(self) -> Library:
        return library_from_config(self.config)

    def reply_context(self, item_id: int) -> ReplyContext:
        with Session(self.engine) as session:
            item, account = _item_and_account(session, item_id)
        brand = self.config.brand
        store = item.location or (account.display_name if item.platform == Platform.GBP else None)
        return ReplyContext(
            brand=brand.name,
            author=item.author,
            app=brand.app_name,
            store_location=store,
            reference=self._reference(item),
            support_email=brand.support_email,
            support_phone=brand.support_phone,
            agent=self.agent or self.config.agent_name(),
            platform=Platform(item.platform),
        )

    def _reference(self, item: Item) -> str | None:
        pattern = self.config.brand.reference_pattern
        if not pattern:
            return None
        found = re.search(pattern, f"{item.title or ''} {item.body}")
        return found.group(0) if found else None

    def item_context(self, item_id: int) -> ItemContext:
        with Session(self.engine) as session:
            item = session.get(Item, item_id)
            if item is None:
                raise NotFoundError(f"no item with id {item_id}")
            tags = session.execute(
                sa.select(col(Tag.theme), col(Tag.score), col(Tag.origin), col(Tag.active)).where(
                    col(Tag.item_id) == item_id
                )
            ).all()
        human = {t.theme: t.active for t in tags if t.origin == TagOrigin.HUMAN}
        themes: dict[str, float] = {}
        for t in tags:
            if human.get(t.theme) is False or not t.active:
                continue
            score = 1.0 if t.origin == TagOrigin.HUMAN else float(t.score or 0.5)
            themes[t.theme] = max(themes.get(t.theme, 0.0), score)
        return ItemContext(
            platform=Platform(item.platform),
            text=item.body,
            title=item.title,
            rating=item.rating,
            themes=themes,
        )

    def recent(self, platform: str) -> tuple[list[str], list[str]]:
        """Texts and template ids of the latest replies sent on this platform, newest first."""
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Reply.body), col(Reply.template_id))
                .join(Item, col(Item.id) == col(Reply.item_id))
                .where(
                    col(Item.platform) == platform,
                    col(Reply.origin) == ReplyOrigin.TOOL,
                    col(Reply.state).in_((ReplyState.SENT, ReplyState.QUEUED)),
                )
                .order_by(col(Reply.queued_at).desc(), col(Reply.id).desc())
                .limit(RECENT)
            ).all()
        return [r[0] for r in rows], [r[1] for r in rows if r[1]]

    def suggestions(self, item_id: int, n: int = 3) -> list[Suggestion]:
        """The best approved templates for the item, rendered for it, best first."""
        item = self.item_context(item_id)
        texts, template_ids = self.recent(item.platform.value)
        return suggest(
            item,
            self.library.templates,
            n,
            recent_texts=texts,
            recent_template_ids=template_ids,
            context=self.reply_context(item_id),
        )

    def render(self, item_id: int, template_id: str) -> tuple[str, str]:
        """(text, body hash) of one approved template for the item."""
        template = self.library.get(template_id)
        if template is None:
            raise NotFoundError(f"no template {template_id!r} in {self.library.origin}")
        if template.effective_status != "approved":
            raise ConfigError(
                f"template {template_id} is not approved ({template.status_note}); "
                f"run `inbox templates approve {template_id} --by NAME`"
            )
        return render(template, self.reply_context(item_id)), template.body_sha256 or ""


def _item_and_account(session: Session, item_id: int) -> tuple[Item, SourceAccount]:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"no item with id {item_id}")
    account = session.get(SourceAccount, item.account_id)
    assert account is not None
    return item, account
