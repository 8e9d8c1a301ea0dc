"""What the inbox screens work with: the services on one database, a clock, and the slow
parts (templates, classifier, sender) behind loaders so that nothing slow happens at start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import Engine

from inbox.config import Config
from inbox.models import utcnow
from inbox.outbox import Outbox
from inbox.service import InboxService

if TYPE_CHECKING:
    from classifier.model import ItemText
    from classifier.taxonomy import Taxonomy
    from inbox.compose import Composer
    from inbox.sender import SendReport, SourceFor


class Explainer(Protocol):
    """What the "why" panel needs of the classifier (`classifier.predict.Classifier`)."""

    def explain(self, item: ItemText, top: int = 6) -> dict[str, list[tuple[str, float]]]: ...


Clock = Callable[[], datetime]


def _default_explainer(config: Config) -> Callable[[], Explainer]:
    def load() -> Explainer:
        from inbox.classify import get_classifier  # sklearn: only when "why" is asked

        return get_classifier(config)

    return load


@dataclass
class InboxContext:
    """The services one inbox window uses, built once by `make_app`."""

    engine: Engine
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow
    agent: str | None = None
    explainer_loader: Callable[[], Explainer] | None = None
    send_due: Callable[[], SendReport] | None = None
    """Posts due replies (a `Sender.run`); None when this window does not send."""

    def __post_init__(self) -> None:
        self.agent = self.agent or self.config.agent_name()
        self.service = InboxService(self.engine, self.config, clock=self.clock, agent=self.agent)
        self.outbox = Outbox(self.engine, self.config, clock=self.clock, agent=self.agent)
        if self.explainer_loader is None:
            self.explainer_loader = _default_explainer(self.config)
        self._lock = threading.Lock()

    @cached_property
    def composer(self) -> Composer:
        """Templates are read from disk on first use (the first reply)."""
        from inbox.compose import Composer

        return Composer(self.engine, self.config, agent=self.agent)

    @cached_property
    def taxonomy(self) -> Taxonomy:
        from classifier.taxonomy import load_taxonomy

        return load_taxonomy(self.config.classifier.taxonomy)

    def explainer(self) -> Explainer:
        """The classifier, loaded once (about a second; training it if there is no model)."""
        with self._lock:
            cached: Explainer | None = getattr(self, "_explainer", None)
            if cached is None:
                assert self.explainer_loader is not None
                cached = self.explainer_loader()
                self._explainer = cached
            return cached


def background_sender(
    engine: Engine, config: Config, make_sources: Callable[[], SourceFor]
) -> Callable[[], SendReport]:
    """`Sender.run` for the window's background worker, built on its first call, so that the
    platform clients load after the inbox is on screen, not before."""
    built: list[Callable[[], SendReport]] = []

    def run() -> SendReport:
        if not built:
            from inbox.sender import Sender

            built.append(Sender(engine, make_sources(), config).run)
        return built[0]()

    return run
