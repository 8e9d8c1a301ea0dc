"""Polling: fetch each source, commit page by page, move the cursor only after a complete poll.

One source failing never stops the others; every failure is written on its `source_account`
row as a sentence, which `inbox doctor`, `inbox poll` and the TUI show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from inbox.config import Config, SourceConfig
from inbox.db import session_scope
from inbox.errors import ConfigError
from inbox.ingest import IngestReport, ensure_account, ingest, quarantine
from inbox.models import Event, EventKind, SourceAccount, utcnow
from inbox.textindex import catch_up
from sources.base import Platform
from sources.errors import SourceError
from sources.http import RetryPolicy
from sources.source import Source

if TYPE_CHECKING:
    from classifier.predict import Classifier  # sklearn loads only when classifying
    from inbox.classify import ClassifyReport

Clock = Callable[[], datetime]
PLAY_WINDOW = timedelta(days=7)
PLAY_WARN_AFTER = timedelta(days=5)


@dataclass
class PollOutcome:
    """What one poll of one source did, for the one-line summary."""

    source: str
    report: IngestReport = field(default_factory=IngestReport)
    requests: int = 0
    seconds: float = 0.0
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    complete: bool = False
    escalated: int = 0

    def summary(self) -> str:
        r = self.report
        head = (
            f"{self.source}: {r.new} new, {r.updated} updated, {r.unchanged} unchanged, "
            f"{len(r.rejected)} rejected, {self.escalated} escalated, {self.requests} requests, "
            f"{self.seconds:.1f} s"
        )
        return f"{head} — ERROR {self.error}" if self.error else head


def build_source(
    cfg: SourceConfig,
    *,
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    environ: dict[str, str] | None = None,
) -> Source:
    """The live source for one `[[sources]]` entry (imports only what that platform needs)."""
    url = base_url or cfg.base_url
    env = os.environ if environ is None else environ
    if cfg.platform is Platform.GOOGLE_PLAY:
        if cfg.kind == "public":
            from sources.play_public import PlayPublicSource

            return PlayPublicSource(cfg.account, lang=cfg.language, country=cfg.country)
        from sources.play_api import PlayApiSource

        assert cfg.credentials_file is not None
        return PlayApiSource(cfg.account, cfg.credentials_file, base_url=url, policy=policy)
    if cfg.platform is Platform.APP_STORE:
        if cfg.kind == "public":
            from sources.itunes_rss import ItunesRssSource

            return ItunesRssSource(
                cfg.account, cfg.storefronts or [cfg.country], base_url=url, policy=policy
            )
        from sources.asc_api import AppStoreSource

        assert cfg.key_file and cfg.key_id and cfg.issuer_id
        return AppStoreSource(
            cfg.account,
            cfg.key_file,
            cfg.key_id,
            cfg.issuer_id,
            base_url=url,
            policy=policy,
            rescan_days=cfg.rescan_days or 0,
        )
    if cfg.platform is Platform.GBP:
        from sources.gbp_api import GbpSource

        assert cfg.credentials_file is not None
        return GbpSource(cfg.account, cfg.credentials_file, base_url=url, policy=policy)
    from sources.instagram_api import InstagramSource

    assert cfg.token_env is not None
    token = env.get(cfg.token_env)
    if not token:
        raise ConfigError(
            f"source {cfg.name}: environment variable {cfg.token_env} is not set "
            "(it must hold the Instagram token)"
        )
    return InstagramSource(
        cfg.account,
        token,
        own_username=cfg.own_username,
        base_url=url,
        policy=policy,
        rescan_days=30 if cfg.rescan_days is None else cfg.rescan_days,
        token_env=cfg.token_env,
    )


def _record_failure(engine: Engine, account_id: int, message: str, now: datetime) -> None:
    with session_scope(engine) as session:
        session.execute(
            sa.update(SourceAccount)
            .where(col(SourceAccount.id) == account_id)
            .values(
                last_error=message,
                consecutive_failures=SourceAccount.consecutive_failures + 1,
            )
        )
        session.add(
            Event(
                item_id=None,
                kind=EventKind.POLLED,
                actor="poller",
                at=now,
                data={"account_id": account_id, "ok": False, "error": message},
            )
        )


def poll_source(
    engine: Engine,
    cfg: SourceConfig,
    source: Source,
    *,
    clock: Clock = utcnow,
    classifier: Classifier | None = None,
) -> PollOutcome:
    """Poll one source to its cursor; commits each batch; the cursor moves with the final one.
    New and edited items are classified as each batch lands."""
    outcome = PollOutcome(cfg.name)
    started = time.monotonic()
    now = clock()
    with session_scope(engine) as session:
        account = ensure_account(session, cfg.name, cfg.platform, cfg.account, cfg.display_name)
        assert account.id is not None
        account_id = account.id
        cursor = dict(account.cursor) if account.cursor else None
        previous_success = account.last_success_at
        account.last_poll_at = now
        session.add(account)
    try:
        for batch in source.fetch(cursor):
            outcome.requests += batch.requests
            outcome.notes.extend(batch.notes)
            with session_scope(engine) as session:
                current = session.get(SourceAccount, account_id)
                assert current is not None
                part = ingest(session, current, batch.records, origin=f"poll:{cfg.name}")
                quarantine(session, account_id, f"poll:{cfg.name}", batch.rejected)
                part.rejected.extend(batch.rejected)
                outcome.report.add(part)
                if batch.final:
                    current.cursor = batch.cursor if batch.cursor is not None else cursor
                    current.last_success_at = now
                    current.last_error = None
                    current.consecutive_failures = 0
                    session.add(current)
                    session.add(
                        Event(
                            item_id=None,
                            kind=EventKind.POLLED,
                            actor="poller",
                            at=now,
                            data={
                                "account_id": account_id,
                                "ok": True,
                                "window_start": previous_success.isoformat()
                                if previous_success
                                else None,
                                "window_end": now.isoformat(),
                                "new": outcome.report.new,
                                "updated": outcome.report.updated,
                                "requests": outcome.requests,
                            },
                        )
                    )
                    outcome.complete = True
            catch_up(engine)  # the batch's texts into the search index, after its commit
            if classifier is not None and part.changed_ids:
                outcome.escalated += _classify(engine, classifier, part.changed_ids).escalated
        if not outcome.complete:
            raise SourceError(f"{cfg.name}: the poll ended without a final page; cursor kept")
    except SourceError as exc:
        outcome.error = f"{exc.title}: {exc}"
        _record_failure(engine, account_id, outcome.error, now)
    except ConfigError as exc:
        outcome.error = f"{exc.title}: {exc}"
        _record_failure(engine, account_id, outcome.error, now)
    except Exception as exc:  # one broken source must not stop the others
        outcome.error = f"internal error: {type(exc).__name__}: {exc}"
        _record_failure(engine, account_id, outcome.error, now)
    finally:
        source.close()
    if cfg.platform is Platform.GOOGLE_PLAY and cfg.kind == "api":
        warning = play_gap_warning(previous_success, now)
        if warning:
            outcome.notes.append(warning)
    outcome.seconds = time.monotonic() - started
    return outcome


def play_gap_warning(last_success: datetime | None, now: datetime) -> str | None:
    """The Play API only shows the last 7 days: a long gap between polls loses reviews."""
    if last_success is None:
        return None
    gap = now - last_success
    if gap >= PLAY_WINDOW:
        return (
            f"the last successful Google Play poll was {gap.days} days ago: reviews written "
            "and not edited since then are no longer readable from the API — import the "
            "Play Console CSV export to fill the gap"
        )
    if gap >= PLAY_WARN_AFTER:
        left = PLAY_WINDOW - gap
        return (
            f"the last successful Google Play poll was {gap.days} days ago; poll within "
            f"{left.days} days {left.seconds // 3600} h or reviews will be lost"
        )
    return None


def _poll_one(
    engine: Engine,
    cfg: SourceConfig,
    base_url: str | None,
    policy: RetryPolicy | None,
    clock: Clock,
    environ: dict[str, str] | None,
    classifier: Classifier | None,
) -> PollOutcome:
    try:
        source = build_source(cfg, base_url=base_url, policy=policy, environ=environ)
    except (SourceError, ConfigError) as exc:
        outcome = PollOutcome(cfg.name, error=f"{exc.title}: {exc}")
        with session_scope(engine) as session:
            account = ensure_account(session, cfg.name, cfg.platform, cfg.account, cfg.display_name)
            account_id = account.id
        assert account_id is not None
        _record_failure(engine, account_id, outcome.error or "", clock())
        return outcome
    return poll_source(engine, cfg, source, clock=clock, classifier=classifier)


def poll_all(
    engine: Engine,
    config: Config,
    *,
    only: Iterable[str] = (),
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    clock: Clock = utcnow,
    workers: int = 4,
    environ: dict[str, str] | None = None,
    classifier: Classifier | None = None,
) -> list[PollOutcome]:
    """Poll every enabled source (or those named), concurrently; results in config order."""
    wanted = set(only)
    unknown = wanted - {s.name for s in config.sources}
    if unknown:
        names = ", ".join(s.name for s in config.sources) or "none configured"
        raise ConfigError(f"no source named {', '.join(sorted(unknown))} (known: {names})")
    chosen = [s for s in config.sources if (s.name in wanted if wanted else s.enabled)]
    if not chosen:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(chosen)))) as pool:
        futures = [
            pool.submit(_poll_one, engine, s, base_url, policy, clock, environ, classifier)
            for s in chosen
        ]
        return [f.result() for f in futures]


def source_health(engine: Engine) -> list[dict[str, Any]]:
    """Last poll, last success and last error per account (doctor and the TUI status bar)."""
    with session_scope(engine) as session:
        rows = session.execute(sa.select(SourceAccount).order_by(col(SourceAccount.name)))
        return [
            {
                "name": a.name,
                "platform": a.platform,
                "last_poll_at": a.last_poll_at,
                "last_success_at": a.last_success_at,
                "last_error": a.last_error,
                "consecutive_failures": a.consecutive_failures,
            }
            for a in rows.scalars()
        ]


def _classify(engine: Engine, classifier: Classifier, item_ids: list[int]) -> ClassifyReport:
    from inbox.classify import classify_items

    return classify_items(engine, classifier, item_ids)
