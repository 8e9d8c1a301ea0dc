"""`inbox import`: a file of raw platform payloads → parsed records → ingest, per account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import Config
from inbox.db import session_scope
from inbox.errors import ImportFileError
from inbox.ingest import IngestReport, ensure_account, ingest, quarantine
from inbox.models import SourceAccount
from inbox.textindex import catch_up
from inbox.textsafe import visible
from sources.base import ParseError, Rejected, Review
from sources.formats import FORMATS, ParseOptions, parse_bytes

if TYPE_CHECKING:
    from classifier.predict import Classifier  # sklearn loads only when classifying
    from inbox.classify import ClassifyReport

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ImportResult:
    """What an import did, per file: counts, the format used, accounts touched, notes."""

    path: str
    format: str
    report: IngestReport = field(default_factory=IngestReport)
    accounts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parse_rejected: list[Rejected] = field(default_factory=list)
    escalated: int = 0

    @property
    def rejected(self) -> list[Rejected]:
        return self.parse_rejected + self.report.rejected


def _position(record: Review) -> str:
    """Where a record was, for messages: its id, with anything a terminal acts on escaped."""
    return f"record id {visible(record.external_id)}"


def _short(hint: str) -> str:
    tail = hint.rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in tail)[:60] or "default"


def _resolve_account(
    session: Session,
    config: Config,
    platform: str,
    hint: str | None,
    explicit: str | None,
) -> SourceAccount | None:
    if explicit:
        source = config.source(explicit)
        if source is not None:
            if source.platform != platform:
                raise ImportFileError(
                    f"--account {explicit} is a source on {source.platform}, but the file holds "
                    f"{platform} records"
                )
            return ensure_account(
                session, source.name, platform, source.account, source.display_name
            )
        existing = session.execute(
            sa.select(SourceAccount).where(col(SourceAccount.name) == explicit)
        ).scalar_one_or_none()
        if existing is not None and existing.platform != platform:
            raise ImportFileError(
                f"account {explicit} holds {existing.platform} items, but the file holds "
                f"{platform} records"
            )
        return existing or ensure_account(session, explicit, platform, hint)
    candidates = [s for s in config.sources if s.platform == platform]
    if hint:
        for source in candidates:
            if source.account == hint:
                return ensure_account(session, source.name, platform, hint, source.display_name)
        known: SourceAccount | None = session.execute(
            sa.select(SourceAccount).where(
                col(SourceAccount.platform) == platform,
                col(SourceAccount.external_ref) == hint,
            )
        ).scalar_one_or_none()
        if known is not None:
            return known
        return ensure_account(session, f"{platform}-{_short(hint)}", platform, hint)
    if len(candidates) == 1:
        only = candidates[0]
        return ensure_account(session, only.name, platform, only.account, only.display_name)
    in_db: list[SourceAccount] = list(
        session.execute(
            sa.select(SourceAccount).where(col(SourceAccount.platform) == platform)
        ).scalars()
    )
    if len(in_db) == 1:
        return in_db[0]
    if not in_db and not candidates:
        # The first account of its platform: named after the platform, shown in the output.
        return ensure_account(session, platform, platform)
    return None


def import_bytes(
    engine: Engine,
    config: Config,
    data: bytes,
    *,
    name: str,
    fmt: str | None = None,
    account: str | None = None,
    naive_tz: tzinfo | None = None,
    own_username: str | None = None,
    now: datetime | None = None,
    classifier: Classifier | None = None,
) -> ImportResult:
    """Parse `data` and ingest it in one transaction per account group."""
    if fmt is not None and fmt not in FORMATS:
        raise ImportFileError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    own = own_username
    if own is None and account and (source := config.source(account)) is not None:
        own = source.own_username
    options = ParseOptions(naive_tz=naive_tz, own_username=own)
    try:
        used, parsed = parse_bytes(data, fmt, options, filename=name)
    except ParseError as exc:
        raise ImportFileError(f"{name}: {exc}") from None
    platform = str(FORMATS[used].platform)
    result = ImportResult(path=name, format=used, notes=list(parsed.notes))
    result.parse_rejected.extend(parsed.rejected)

    groups: dict[str | None, list[Review]] = defaultdict(list)
    for record in parsed.records:
        groups[record.account_hint].append(record)
    with session_scope(engine) as session:
        quarantine(session, None, name, parsed.rejected)
        for hint, records in groups.items():
            target = _resolve_account(session, config, platform, hint, account)
            if target is None:
                reason = (
                    f"cannot tell which {platform} account this belongs to; pass --account NAME"
                )
                unplaced = [Rejected(_position(r), reason, dict(r.raw)) for r in records]
                quarantine(session, None, name, unplaced)
                result.parse_rejected.extend(unplaced)
                continue
            if target.name not in result.accounts:
                result.accounts.append(target.name)
            positions = [_position(r) for r in records]
            part = ingest(session, target, records, origin=name, now=now, positions=positions)
            result.report.add(part)
    catch_up(engine)  # the texts into the search index, after their commit
    if classifier is not None and result.report.changed_ids:
        classified = _classify(engine, classifier, result.report.changed_ids)
        result.escalated = classified.escalated
    return result


def import_file(
    engine: Engine,
    config: Config,
    path: Path,
    *,
    fmt: str | None = None,
    account: str | None = None,
    naive_tz: tzinfo | None = None,
    own_username: str | None = None,
    classifier: Classifier | None = None,
) -> ImportResult:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ImportFileError(f"{path}: not a file")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path}: {size // 2**20} MiB is larger than the 512 MiB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None
    return import_bytes(
        engine,
        config,
        data,
        name=str(path),
        fmt=fmt,
        account=account,
        naive_tz=naive_tz,
        own_username=own_username,
        classifier=classifier,
    )


def _classify(engine: Engine, classifier: Classifier, item_ids: list[int]) -> ClassifyReport:
    from inbox.classify import classify_items

    return classify_items(engine, classifier, item_ids)
