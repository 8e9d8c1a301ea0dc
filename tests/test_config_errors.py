"""Configuration mistakes, through the real `inbox` command: each gives one line that names the
problem and the fix, and exit code 1; a secret in a mistake is never echoed back.

All the commands run as subprocesses, in parallel (one fixture), against one sandbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inbox.demo import DEMO_TOKEN_ENV, start_sandbox
from sources.sandbox import Fault

PASTED_TOKEN = "EAAGm0PX4ZCpsBA" + "Zx9" * 60  # shaped like a Meta token; a fake
DB_PASSWORD = "hunter2-not-real"


@dataclass
class Case:
    """One broken setup: the config text, the command, and what its one line must say."""

    config: str
    command: tuple[str, ...]
    says: tuple[str, ...]  # all of these, in one line of the output
    env: dict[str, str] = field(default_factory=dict)
    db: str | None = None
    never: tuple[str, ...] = ()  # secrets that must not appear anywhere


P8_DAMAGED = (
    "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIB\n"
    "-----END PRIVATE KEY-----\n"
)
IG = '[[sources]]\nname = "ig"\nplatform = "instagram"\naccount = "17841400000000001"\n'
IOS = (
    '[[sources]]\nname = "ios"\nplatform = "app_store"\naccount = "1589034512"\n'
    'key_id = "K1"\nissuer_id = "i-1"\n'
)
PLAY = '[[sources]]\nname = "play"\nplatform = "google_play"\naccount = "in.resello.app"\n'

CASES: dict[str, Case] = {
    "unknown-key": Case(
        '[brand]\nnmae = "Resello"\n',
        ("stats",),
        ("brand.nmae: unknown key", "check the spelling", "inbox init"),
    ),
    "wrong-type-number": Case(
        '[sla]\ntarget_hours = "a day"\n',
        ("stats",),
        ("sla.target_hours", "valid number", "'a day'"),
    ),
    "wrong-type-list": Case('sources = "play"\n', ("poll",), ("sources", "valid list")),
    "in-flight-longer-than-lease": Case(
        "[outbox]\nlease_seconds = 60\nin_flight_seconds = 300\n",
        ("send",),
        ("outbox", "in_flight_seconds (300)", "lease_seconds (60)", "raise lease_seconds"),
    ),
    "bad-toml": Case(
        '[brand\nname = "Resello"\n', ("stats",), ("not valid TOML", "line 1, column 7")
    ),
    "not-utf8": Case("\udcff[brand]\n", ("stats",), ("not UTF-8 text",)),
    "missing-config": Case("", ("stats",), ("file not found", "inbox init")),
    "missing-credentials-doctor": Case(
        PLAY + 'credentials_file = "{root}/nope.json"\n',
        ("doctor",),
        ("FAIL source play", "nope.json does not exist", "fix: download the service-account"),
    ),
    "missing-credentials-poll": Case(
        PLAY + 'credentials_file = "{root}/nope.json"\n',
        ("poll", "--no-classify"),
        ("play:", "ERROR", "nope.json does not exist", "point credentials_file at it"),
    ),
    "damaged-service-account-doctor": Case(
        PLAY + 'credentials_file = "{root}/damaged-sa.json"\n',
        ("doctor",),
        ("FAIL source play", "private_key that cannot be read", "download a new JSON key"),
    ),
    "damaged-p8-doctor": Case(
        IOS + 'key_file = "{root}/AuthKey_K1.p8"\n',
        ("doctor",),
        ("FAIL source ios", "not a readable .p8 private key", "download a new key"),
    ),
    "damaged-p8-poll": Case(
        IOS + 'key_file = "{root}/AuthKey_K1.p8"\n',
        ("poll", "--no-classify"),
        ("ios:", "ERROR", "not a readable .p8 private key", "download a new key"),
    ),
    "p8-is-a-folder": Case(
        IOS + 'key_file = "{root}"\n',
        ("poll", "--no-classify"),
        ("ios:", "ERROR", "cannot read the App Store Connect key file", "Is a directory"),
    ),
    "token-expires-passed": Case(
        IG + 'token_env = "IG_TOKEN"\ntoken_expires = 2026-01-31\n',
        ("doctor",),
        ("FAIL source ig", "token expired on 2026-01-31", "fix: create a new long-lived token"),
        env={"IG_TOKEN": PASTED_TOKEN},
        never=(PASTED_TOKEN,),
    ),
    "token-variable-unset": Case(
        IG + 'token_env = "IG_TOKEN"\n',
        ("poll", "--no-classify"),
        ("ig:", "ERROR", "IG_TOKEN is not set", "must hold the Instagram token"),
    ),
    "token-revoked-401": Case(
        "{sandbox_config}",
        ("poll", "--no-classify", "--source", "instagram"),
        ("instagram:", "ERROR", "Instagram token expired", "create a new long-lived token"),
        env={DEMO_TOKEN_ENV: "{sandbox_token}"},
        never=("{sandbox_token}",),
    ),
    "token-pasted-as-key": Case(
        IG + f'token_env = "IG_TOKEN"\naccess_token = "{PASTED_TOKEN}"\n',
        ("doctor",),
        ("sources[0].access_token: unknown key", "secrets never go in this file", "token_env"),
        never=(PASTED_TOKEN,),
    ),
    "token-pasted-as-variable-name": Case(
        IG + f'token_env = "{PASTED_TOKEN}"\n',
        ("poll",),
        ("sources[0].token_env", "NAME of an environment variable", "not the secret itself"),
        never=(PASTED_TOKEN,),
    ),
    "webhook-url-pasted": Case(
        '[export]\nwebhook_url_env = "https://hooks.slack.test/services/T0/B0/s3cr3tpath"\n',
        ("stats",),
        ("export.webhook_url_env", "NAME of an environment variable"),
        never=("s3cr3tpath",),
    ),
    "database-password": Case(
        "",
        ("doctor",),
        ("FAIL database", "cannot open postgresql+psycopg://inbox:***@127.0.0.1:9/inbox", "fix:"),
        db=f"postgresql://inbox:{DB_PASSWORD}@127.0.0.1:9/inbox",
        never=(DB_PASSWORD,),
    ),
}


@dataclass
class Ran:
    case: Case
    returncode: int
    output: str
    never: tuple[str, ...]


def _write_files(root: Path) -> None:
    (root / "AuthKey_K1.p8").write_text(P8_DAMAGED, encoding="utf-8")
    (root / "damaged-sa.json").write_text(
        '{"type": "service_account", "client_email": "x@y.iam.gserviceaccount.com", '
        '"token_uri": "https://oauth2.test/token", "private_key": "-----BEGIN PRIVATE KEY-----'
        '\\nnot a key\\n-----END PRIVATE KEY-----\\n"}',
        encoding="utf-8",
    )


def _run(root: Path, name: str, case: Case, fill: dict[str, str]) -> Ran:
    folder = root / name
    folder.mkdir()
    config = folder / "config.toml"
    if name != "missing-config":
        text = case.config.format(root=root, **fill) if "{" in case.config else case.config
        if name == "not-utf8":
            config.write_bytes(b"\xff[brand]\n")
        else:
            config.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
    env.update(
        XDG_CONFIG_HOME=str(folder / "xdg-config"),
        XDG_DATA_HOME=str(folder / "xdg-data"),
        INBOX_AGENT="tester",
        COLUMNS="250",
    )
    env.update({k: v.format(**fill) for k, v in case.env.items()})
    db = case.db or str(folder / "inbox.db")
    cmd = [sys.executable, "-m", "inbox", "--db", db, "--config", str(config), *case.command]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, check=False)
    never = tuple(n.format(**fill) for n in case.never)
    return Ran(case, done.returncode, done.stdout + done.stderr, never)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Ran]]:
    root = tmp_path_factory.mktemp("config-errors")
    _write_files(root)
    with start_sandbox(now=datetime.now(UTC), folder=root / "sandbox") as sandbox:
        sandbox.sandbox.faults.add(Fault("401", count=100, path_contains="/media"))
        fill = {
            "sandbox_config": sandbox.config_path.read_text(encoding="utf-8"),
            "sandbox_token": sandbox.instagram_token,
        }
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {n: pool.submit(_run, root, n, c, fill) for n, c in CASES.items()}
            yield {name: future.result() for name, future in futures.items()}


def _logical(lines: list[str]) -> list[str]:
    """`inbox doctor` writes a failure's fix on the line after it ("     fix: …"): one item."""
    out: list[str] = []
    for line in lines:
        if out and line.strip().startswith("fix:"):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_one_clear_line_and_exit_1(ran: dict[str, Ran], name: str) -> None:
    result = ran[name]
    assert result.returncode == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    matching = [line for line in _logical(lines) if all(w in line for w in result.case.says)]
    assert matching, f"no line says {result.case.says}:\n{result.output}"
    assert "Traceback" not in result.output
    for secret in result.never:
        assert secret not in result.output
    if result.case.command[0] == "stats":
        assert len(lines) == 1, result.output  # a config the command cannot use: one line only


def test_doctor_gives_a_fix_for_every_failure(ran: dict[str, Ran]) -> None:
    for name, result in ran.items():
        if result.case.command[0] != "doctor":
            continue
        lines = result.output.splitlines()
        for n, line in enumerate(lines):
            if line.startswith("FAIL"):
                assert n + 1 < len(lines) and lines[n + 1].strip().startswith("fix:"), name


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_unreadable_p8_key(tmp_path: Path) -> None:
    key = tmp_path / "AuthKey_K1.p8"
    key.write_text(P8_DAMAGED, encoding="utf-8")
    key.chmod(0)
    result = _run(
        tmp_path, "unreadable", Case(IOS + f'key_file = "{key}"\n', ("doctor",), ("x",)), {}
    )
    assert result.returncode == 1
    assert "is not readable by this user" in result.output
