"""`inbox doctor`: read-only checks with a fix for each problem. Never prints a secret."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from inbox.config import Config, SourceConfig, database_url, default_config_path, load_config
from inbox.db import create_db_engine, current_revision, describe, head_revision, resolve_url
from inbox.errors import InboxError
from inbox.textsafe import for_terminal
from sources.base import Platform


@dataclass(frozen=True)
class Check:
    subject: str
    ok: bool
    message: str
    fix: str | None = None
    warning: bool = False


def _readable(path: Path) -> str | None:
    """None when `path` is a readable file, else what is wrong with it."""
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_file():
        return f"{path} is not a file"
    if not os.access(path, os.R_OK):
        return f"{path} is not readable by this user"
    return None


def _check_google_file(source: SourceConfig) -> Check:
    subject = f"source {source.name}"
    assert source.credentials_file is not None
    path = source.credentials_file
    problem = _readable(path)
    fix = (
        "download the service-account JSON key (Google Cloud console → IAM → Service accounts) "
        "and point credentials_file at it"
    )
    if problem:
        return Check(subject, False, problem, fix)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Check(subject, False, f"{path} is not a JSON credentials file", fix)
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "service_account":
        missing = [k for k in ("client_email", "private_key", "token_uri") if not data.get(k)]
        if missing:
            return Check(subject, False, f"{path} lacks {', '.join(missing)}", fix)
        problem = _google_key_problem(path)
        if problem:
            return Check(subject, False, problem, fix)
        return Check(subject, True, f"service account {data['client_email']} ({path})")
    if kind == "authorized_user":
        missing = [k for k in ("client_id", "client_secret", "refresh_token") if not data.get(k)]
        if missing:
            return Check(subject, False, f"{path} lacks {', '.join(missing)}", fix)
        return Check(subject, True, f"OAuth user credentials ({path})")
    return Check(
        subject,
        False,
        f"{path} is neither a service-account nor an authorized-user credentials file",
        fix,
    )


def _google_key_problem(path: Path) -> str | None:
    """Read the key the way a poll will (no network): a broken private_key shows now."""
    from sources.errors import AuthError
    from sources.google_auth import load_credentials

    try:
        load_credentials(path, scopes=())
    except AuthError as exc:
        return str(exc)
    return None


def _check_p8(source: SourceConfig) -> Check:
    subject = f"source {source.name}"
    assert source.key_file is not None
    fix = (
        "download the .p8 key from App Store Connect → Users and Access → Integrations, "
        "and point key_file at it"
    )
    problem = _readable(source.key_file)
    if problem:
        return Check(subject, False, problem, fix)
    from sources.asc_api import load_asc_key
    from sources.errors import AuthError

    try:
        load_asc_key(source.key_file)  # parsed as a poll will: a damaged key shows now
    except AuthError as exc:
        return Check(subject, False, str(exc), fix)
    return Check(subject, True, f"App Store Connect key {source.key_id} ({source.key_file})")


def _check_token_env(source: SourceConfig) -> Check:
    subject = f"source {source.name}"
    assert source.token_env is not None
    if not os.environ.get(source.token_env):
        return Check(
            subject,
            False,
            f"environment variable {source.token_env} is not set",
            f"export {source.token_env}=<long-lived Instagram token> (Meta Business Suite → "
            "Settings → Instagram API)",
        )
    return Check(subject, True, f"token present in {source.token_env}")


def _check_token_expiry(source: SourceConfig, today: date) -> Check | None:
    if source.token_expires is None:
        return None
    left = (source.token_expires - today).days
    subject = f"source {source.name}"
    fix = "create a new long-lived token in Meta Business Suite, then update token_expires"
    if left < 0:
        return Check(subject, False, f"Instagram token expired on {source.token_expires}", fix)
    if left <= 7:
        return Check(
            subject,
            False,
            f"Instagram token expires in {left} days ({source.token_expires})",
            fix,
            warning=True,
        )
    return None


def _check_poll_health(engine_url: str, sources: list[SourceConfig], now: datetime) -> list[Check]:
    """What the last polls said, read from the database (never changes it)."""
    try:
        engine = create_db_engine(engine_url)
        if current_revision(engine) != head_revision():
            return []
        from inbox.poll import play_gap_warning, source_health

        health = {row["name"]: row for row in source_health(engine)}
    except (InboxError, SQLAlchemyError, OSError):
        return []
    checks = []
    for source in sources:
        row = health.get(source.name)
        subject = f"source {source.name}"
        if row is None or row["last_poll_at"] is None:
            checks.append(Check(subject, False, "never polled", "run `inbox poll`", warning=True))
            continue
        if row["last_error"]:
            checks.append(
                Check(
                    subject,
                    False,
                    f"last poll failed ({row['consecutive_failures']} in a row): "
                    f"{for_terminal(row['last_error'], one_line=True)}",
                    "fix the cause above, then run `inbox poll --source " + source.name + "`",
                )
            )
        if source.platform is Platform.GOOGLE_PLAY and source.kind == "api":
            gap = play_gap_warning(row["last_success_at"], now)
            if gap:
                checks.append(Check(subject, False, gap, "run `inbox poll` now", warning=True))
    return checks


def check_source(source: SourceConfig) -> Check:
    if not source.enabled:
        return Check(f"source {source.name}", True, "disabled")
    if source.kind == "public":
        return Check(f"source {source.name}", True, "public feed, no credentials needed")
    if source.platform in (Platform.GOOGLE_PLAY, Platform.GBP):
        return _check_google_file(source)
    if source.platform is Platform.APP_STORE:
        return _check_p8(source)
    return _check_token_env(source)


def _without_password(url: str) -> str:
    """A database URL fit for a message: the password (a secret) replaced by ***."""
    try:
        return make_url(resolve_url(url)).render_as_string(hide_password=True)
    except (InboxError, ArgumentError, ValueError):
        return "the configured database URL"


def _check_database(config: Config, db: str | None) -> Check:
    url = database_url(config, db)
    try:
        engine = create_db_engine(url)
        current = current_revision(engine)
    except (InboxError, SQLAlchemyError, OSError) as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # one line
        return Check(
            "database",
            False,
            f"cannot open {_without_password(url)}: {reason}",
            "check --db / INBOX_DATABASE_URL / [database] url and that the server runs",
        )
    where = describe(engine)
    if current is None:
        return Check(
            "database", False, f"{where} is empty; it will be created on first use", warning=True
        )
    if current != head_revision():
        return Check(
            "database",
            False,
            f"{where} is at schema {current}, newest is {head_revision()}",
            "run `inbox db upgrade`",
        )
    return Check("database", True, f"{where} (schema {current})")


def run_checks(config_path: Path | None, db: str | None) -> list[Check]:
    """Every check, in order; a broken config stops before the checks that need it."""
    try:
        config, found = load_config(config_path)
    except InboxError as exc:
        return [Check("config", False, str(exc), "fix the key named above, or run `inbox init`")]
    checks = [
        Check("config", True, str(found))
        if found
        else Check(
            "config",
            False,
            f"no file at {default_config_path()}; using built-in defaults",
            "run `inbox init` to write one",
            warning=True,
        )
    ]
    checks.append(_check_database(config, db))
    if not config.sources:
        checks.append(
            Check("sources", False, "none configured", "add [[sources]] blocks", warning=True)
        )
    checks.extend(check_source(s) for s in config.sources)
    now = datetime.now(UTC)
    for source in config.sources:
        expiry = _check_token_expiry(source, now.date())
        if expiry:
            checks.append(expiry)
    checks.extend(_check_poll_health(database_url(config, db), config.sources, now))
    return checks
