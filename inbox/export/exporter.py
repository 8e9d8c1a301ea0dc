"""Exactly-once escalation exports, per channel: a file, the CX webhook, the shared sheet.

Every export is a batch. The batch and the escalations in it are committed `pending` before
anything leaves; a unique (channel, escalation) row makes it impossible for an escalation to
be in two batches of one channel, even with two exporters at once. Only when the file is
written, the webhook answered 2xx or the rows are in the sheet is the batch `delivered`. A
failed or interrupted batch stays pending and the next export delivers it first, with the
same rows: exported exactly once.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from inbox.config import Config
from inbox.db import session_scope
from inbox.errors import ConfigError, ConflictError, NotFoundError
from inbox.export import files, webhook
from inbox.export.rows import EscalationRow, escalation_rows
from inbox.models import Escalation, Event, EventKind, ExportBatch, ExportItem, Item, utcnow
from inbox.service import InboxService
from sources.errors import SourceError
from sources.http import RetryPolicy

if TYPE_CHECKING:
    from inbox.export.sheets import SheetWriter  # google client loads only for sheets

Clock = Callable[[], datetime]
CHANNELS = ("file", "webhook", "sheets")


@dataclass
class ExportResult:
    channel: str
    batches: list[str] = field(default_factory=list)
    exported: int = 0
    covered: int = 0  # webhook: not posted, an earlier ticket for the same author covers it
    paths: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    would_export: list[EscalationRow] = field(default_factory=list)  # --dry-run


def author_key(author: str | None) -> str | None:
    """The same person on several platforms: "Rahul S." / "rahul_s" → "rahuls"."""
    if not author:
        return None
    key = re.sub(r"[\W_]+", "", author.casefold())
    return key or None


@dataclass
class Exporter:
    engine: sa.engine.Engine
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow
    agent: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def __post_init__(self) -> None:
        self.service = InboxService(self.engine, self.config, clock=self.clock, agent=self.agent)
        self.agent = self.service.agent

    # ----- what is due -------------------------------------------------------------------
    def pending_ids(self, channel: str) -> list[int]:
        """Escalations never put in a batch of this channel, oldest first."""
        done = sa.select(col(ExportItem.escalation_id)).where(col(ExportItem.channel) == channel)
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Escalation.id))
                .where(col(Escalation.id).not_in(done))
                .order_by(col(Escalation.created_at), col(Escalation.id))
            ).scalars()
            return [int(r) for r in rows]

    def _unfinished(self, channel: str) -> list[ExportBatch]:
        with Session(self.engine) as session:
            return list(
                session.execute(
                    sa.select(ExportBatch)
                    .where(col(ExportBatch.channel) == channel, col(ExportBatch.state) == "pending")
                    .order_by(col(ExportBatch.created_at))
                ).scalars()
            )

    def _batch_ids(self, batch: str) -> list[int]:
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(ExportItem.escalation_id), col(ExportItem.covered_by))
                .where(col(ExportItem.batch_id) == batch)
                .order_by(col(ExportItem.id))
            ).all()
        return [int(e) for e, covered in rows if covered is None]

    # ----- bookkeeping -------------------------------------------------------------------
    def _open_batch(
        self,
        channel: str,
        ids: Sequence[int],
        *,
        fmt: str | None = None,
        path: Path | None = None,
        covered: Mapping[int, int] | None = None,
    ) -> str:
        now = self.clock()
        batch = f"{now:%Y%m%d-%H%M%S}-{channel[0]}{secrets.token_hex(2)}"
        try:
            with session_scope(self.engine) as session:
                session.add(
                    ExportBatch(
                        id=batch,
                        channel=channel,
                        format=fmt,
                        state="pending",
                        path=str(path) if path else None,
                        count=len(ids),
                        created_by=self.agent,
                        created_at=now,
                    )
                )
                session.flush()
                session.add_all(
                    ExportItem(
                        batch_id=batch,
                        channel=channel,
                        escalation_id=e,
                        covered_by=(covered or {}).get(e),
                    )
                    for e in ids
                )
        except IntegrityError:
            raise ConflictError(
                "another export took some of these escalations at the same moment; run it again"
            ) from None
        return batch

    def _delivered(self, batch: str, channel: str, ids: Sequence[int]) -> None:
        now = self.clock()
        with session_scope(self.engine) as session:
            session.execute(
                sa.update(ExportBatch)
                .where(col(ExportBatch.id) == batch)
                .values(
                    state="delivered",
                    delivered_at=now,
                    attempts=col(ExportBatch.attempts) + 1,
                    last_error=None,
                )
            )
            session.execute(
                sa.update(Escalation)
                .where(col(Escalation.id).in_(ids), col(Escalation.exported_at).is_(None))
                .values(exported_at=now, export_batch=batch)
            )
            item_ids = session.execute(
                sa.select(col(Escalation.id), col(Escalation.item_id)).where(
                    col(Escalation.id).in_(ids)
                )
            ).all()
            session.add_all(
                Event(
                    item_id=item_id,
                    kind=EventKind.EXPORTED,
                    actor=self.agent,
                    at=now,
                    data={"batch": batch, "channel": channel, "escalation_id": esc_id},
                )
                for esc_id, item_id in item_ids
            )

    def _failed(self, batch: str, error: str) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                sa.update(ExportBatch)
                .where(col(ExportBatch.id) == batch)
                .values(attempts=col(ExportBatch.attempts) + 1, last_error=error)
            )

    # ----- files -------------------------------------------------------------------------
    def folder(self) -> Path:
        configured = self.config.export.folder
        if configured is not None:
            return Path(configured).expanduser()
        return Path(platformdirs.user_data_dir("review-inbox")) / "exports"

    def to_file(
        self, fmt: str = "csv", out: Path | None = None, *, dry_run: bool = False
    ) -> ExportResult:
        if fmt not in files.FORMATS:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(files.FORMATS)}")
        result = ExportResult("file")
        ids = self.pending_ids("file")
        if dry_run:
            result.would_export = escalation_rows(self.service, ids)
            return result
        for old in self._unfinished("file"):  # an export interrupted before its file
            self._write_batch(old.id, old.format or fmt, Path(old.path or ""), result)
        if ids:
            now = self.clock()
            path = out or self.folder() / f"escalations-{now:%Y%m%d-%H%M%S}.{fmt}"
            if path.is_dir():
                path = path / f"escalations-{now:%Y%m%d-%H%M%S}.{fmt}"
            batch = self._open_batch("file", ids, fmt=fmt, path=path)
            self._write_batch(batch, fmt, path, result)
        return result

    def _write_batch(self, batch: str, fmt: str, path: Path, result: ExportResult) -> None:
        ids = self._batch_ids(batch)
        rows = escalation_rows(self.service, ids)
        files.write_private(path, files.render(rows, fmt))
        self._delivered(batch, "file", ids)
        result.batches.append(batch)
        result.exported += len(rows)
        result.paths.append(path)

    def again(self, batch: str, fmt: str | None = None, out: Path | None = None) -> ExportResult:
        """Write a batch's escalations again (a lost file); nothing is marked."""
        with Session(self.engine) as session:
            found = session.get(ExportBatch, batch)
        if found is None:
            raise NotFoundError(f"no export batch {batch!r} (see `inbox export batches`)")
        fmt = fmt or found.format or "csv"
        rows = escalation_rows(self.service, self._batch_ids(batch))
        path = out or self.folder() / f"escalations-{batch}-again.{fmt}"
        if path.is_dir():
            path = path / f"escalations-{batch}-again.{fmt}"
        files.write_private(path, files.render(rows, fmt))
        return ExportResult("file", [batch], len(rows), paths=[path])

    def batches(self, limit: int = 20) -> list[ExportBatch]:
        with Session(self.engine) as session:
            return list(
                session.execute(
                    sa.select(ExportBatch).order_by(col(ExportBatch.created_at).desc()).limit(limit)
                ).scalars()
            )

    # ----- webhook -----------------------------------------------------------------------
    def _webhook_url(self) -> tuple[str, str | None]:
        cfg = self.config.export
        if not cfg.webhook_url_env:
            raise ConfigError("no webhook: set [export] webhook_url_env to a variable's name")
        url = self.environ.get(cfg.webhook_url_env)
        if not url:
            raise ConfigError(
                f"environment variable {cfg.webhook_url_env} is not set (it must hold the "
                "CX webhook URL)"
            )
        secret = self.environ.get(cfg.webhook_secret_env) if cfg.webhook_secret_env else None
        return url, secret

    def _recent_tickets(self) -> dict[str, int]:
        """Author key → escalation id of a webhook ticket posted within the cooldown."""
        hours = self.config.export.webhook_cooldown_hours
        if hours <= 0:
            return {}
        since = self.clock() - timedelta(hours=hours)
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Item.author), col(ExportItem.escalation_id))
                .join(ExportBatch, col(ExportBatch.id) == col(ExportItem.batch_id))
                .join(Escalation, col(Escalation.id) == col(ExportItem.escalation_id))
                .join(Item, col(Item.id) == col(Escalation.item_id))
                .where(
                    col(ExportItem.channel) == "webhook",
                    col(ExportItem.covered_by).is_(None),
                    col(ExportBatch.created_at) >= since,
                )
            ).all()
        found: dict[str, int] = {}
        for author, esc_id in rows:
            key = author_key(author)
            if key:
                found.setdefault(key, int(esc_id))
        return found

    def to_webhook(
        self, *, dry_run: bool = False, policy: RetryPolicy | None = None
    ) -> ExportResult:
        url, secret = self._webhook_url()
        result = ExportResult("webhook")
        ids = self.pending_ids("webhook")
        if dry_run:
            result.would_export = escalation_rows(self.service, ids)
            return result
        for old in self._unfinished("webhook"):
            self._post_batch(old.id, url, secret, result, policy)
        if not ids:
            return result
        rows = escalation_rows(self.service, ids)
        recent = self._recent_tickets()
        covered = {
            r.escalation_id: recent[key]
            for r in rows
            if (key := author_key(r.author)) is not None and key in recent
        }
        batch = self._open_batch("webhook", ids, covered=covered)
        result.covered += len(covered)
        self._post_batch(batch, url, secret, result, policy)
        return result

    def alert_spikes(self, *, policy: RetryPolicy | None = None) -> list[str]:
        """Post today's theme spikes to the webhook, each theme once a day; the sentences."""
        from inbox.spikes import find_spikes

        url, secret = self._webhook_url()
        sent = []
        for spike in find_spikes(self.engine, self.config, self.clock()):
            key = f"spike-{spike.day:%Y%m%d}-{spike.theme}"[:40]
            with Session(self.engine) as session:
                if session.get(ExportBatch, key) is not None:
                    continue
            text = f"Spike: {spike.sentence()}"
            webhook.post(url, {"text": text}, key, secret=secret, policy=policy)
            with session_scope(self.engine) as session:
                session.add(
                    ExportBatch(
                        id=key,
                        channel="spike",
                        state="delivered",
                        count=spike.count,
                        created_by=self.agent,
                        created_at=self.clock(),
                        delivered_at=self.clock(),
                    )
                )
            sent.append(text)
        return sent

    def _post_batch(
        self,
        batch: str,
        url: str,
        secret: str | None,
        result: ExportResult,
        policy: RetryPolicy | None,
    ) -> None:
        ids = self._batch_ids(batch)
        rows = escalation_rows(self.service, ids)
        tickets: dict[str, list[EscalationRow]] = {}
        for row in rows:  # one ticket per author: the same complaint on three platforms
            key = author_key(row.author) or f"#{row.escalation_id}"
            tickets.setdefault(key, []).append(row)
        make = webhook.slack_payload
        if self.config.export.webhook_format == "generic":
            make = webhook.generic_payload
        try:
            if rows:
                payload = make(batch, list(tickets.values()))
                webhook.post(url, payload, batch, secret=secret, policy=policy)
        except SourceError as exc:
            self._failed(batch, str(exc))
            result.errors.append(f"batch {batch}: {exc} (kept; sent with the next export)")
            return
        self._delivered(batch, "webhook", ids)
        result.batches.append(batch)
        result.exported += len(rows)

    # ----- Google Sheets -----------------------------------------------------------------
    def to_sheets(self, *, dry_run: bool = False) -> ExportResult:
        from inbox.export.sheets import SheetWriter

        cfg = self.config.export
        if not (cfg.sheets_credentials_file and cfg.sheets_spreadsheet_id):
            raise ConfigError(
                "no sheet: set [export] sheets_credentials_file and sheets_spreadsheet_id"
            )
        result = ExportResult("sheets")
        ids = self.pending_ids("sheets")
        if dry_run:
            result.would_export = escalation_rows(self.service, ids)
            return result
        writer = SheetWriter(
            Path(cfg.sheets_credentials_file),
            cfg.sheets_spreadsheet_id,
            cfg.sheets_tab,
            base_url=cfg.sheets_base_url,
        )
        try:
            self._append_batches(writer, ids, result)
        finally:
            writer.close()
        return result

    def _append_batches(self, writer: SheetWriter, ids: list[int], result: ExportResult) -> None:
        from inbox.export.sheets import sheet_rows

        todo = [b.id for b in self._unfinished("sheets")]
        if ids:
            todo.append(self._open_batch("sheets", ids))
        if not todo:
            return
        try:
            present = writer.batch_ids()
            for batch in todo:
                batch_ids = self._batch_ids(batch)
                rows = escalation_rows(self.service, batch_ids)
                if batch not in present:  # not appended yet (or the append was lost)
                    writer.append(sheet_rows(batch, rows), with_header="batch" not in present)
                    present.add("batch")
                self._delivered(batch, "sheets", batch_ids)
                result.batches.append(batch)
                result.exported += len(rows)
        except SourceError as exc:
            for batch in todo:
                if batch not in result.batches:
                    self._failed(batch, str(exc))
            result.errors.append(f"{exc} (kept; appended with the next export)")
