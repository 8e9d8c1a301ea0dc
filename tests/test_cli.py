"""The `inbox` command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inbox.db import head_revision

INBOX = [sys.executable, "-m", "inbox"]


def inbox(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*INBOX, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300
    )


def play_page(*reviews: dict[str, Any]) -> dict[str, Any]:
    return {
        "reviews": list(reviews),
        "tokenPagination": {},
        "pageInfo": {"totalResults": len(reviews)},
    }


def play_review(rid: str, text: str, stars: int, seconds: int = 1763980000) -> dict[str, Any]:
    return {
        "reviewId": rid,
        "authorName": "Sneha",
        "comments": [
            {
                "userComment": {
                    "text": text,
                    "lastModified": {"seconds": str(seconds), "nanos": 0},
                    "starRating": stars,
                    "reviewerLanguage": "en",
                }
            }
        ],
    }


@pytest.fixture(autouse=True)
def _trained_model(with_seed_model: Path) -> None:
    """`inbox import`, `poll` and `demo` classify what they store: with a model trained once."""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_every_command_has_help() -> None:
    for args in ([], ["init"], ["doctor"], ["demo"], ["stats"], ["import"], ["db", "upgrade"]):
        result = inbox(*args, "--help")
        assert result.returncode == 0, (args, result.stderr)
        assert "Usage: inbox" in result.stdout


def test_import_twice_is_idempotent_and_reports_broken_records(tmp_path: Path, db: str) -> None:
    page = play_page(
        play_review("gp:AOqpTOE1", "Quote 14k tha, pickup pe 9k bola 😡", 1),
        play_review("gp:AOqpTOE2", "Smooth pickup, money in 10 min", 5),
        {
            "reviewId": "gp:broken",
            "comments": [
                {
                    "userComment": {
                        "text": "no stars",
                        "starRating": 9,
                        "lastModified": {"seconds": "1"},
                    }
                }
            ],
        },
    )
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(page), encoding="utf-8")

    first = inbox("--db", db, "import", str(path))
    assert first.returncode == 0, first.stderr
    assert "2 new, 0 updated, 0 unchanged, 1 rejected" in first.stdout
    assert "rejected" in first.stderr
    assert "reviews[2]" in first.stderr

    second = inbox("--db", db, "import", str(path))
    assert "0 new, 0 updated, 2 unchanged, 1 rejected" in second.stdout

    stats = json.loads(inbox("--db", db, "stats", "--json").stdout)
    assert stats["total"] == 2
    assert stats["by_platform"] == {"google_play": 2}
    assert stats["quarantined"] == 1  # the broken record, kept raw once

    strict = inbox("--db", db, "import", "--strict", str(path))
    assert strict.returncode == 1


def test_unknown_shape_names_the_formats(tmp_path: Path, db: str) -> None:
    path = tmp_path / "mystery.json"
    path.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    result = inbox("--db", db, "import", str(path))
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    for fmt in ("play-api", "play-csv", "play-scraper", "asc", "itunes-rss", "gbp", "instagram"):
        assert fmt in line


def test_usage_errors_exit_2(db: str) -> None:
    assert inbox("--db", db, "import", "--format", "nope", "x.json").returncode == 2
    assert inbox("no-such-command").returncode == 2
    missing = inbox("--db", db, "import", "/does/not/exist.json")
    assert missing.returncode == 1
    assert "exist.json" in missing.stderr


def test_errors_are_one_line_and_debug_adds_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[sla]\ntarget_hours = 'soon'\n", encoding="utf-8")
    result = inbox("--config", str(bad), "stats")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "sla.target_hours" in result.stderr
    debug = inbox("--debug", "--config", str(bad), "stats")
    assert "Traceback" in debug.stderr


def test_init_then_doctor(tmp_path: Path, db: str) -> None:
    cfg = tmp_path / "config.toml"
    assert inbox("--config", str(cfg), "init").returncode == 0
    assert cfg.read_text(encoding="utf-8").startswith("# review-inbox configuration")
    again = inbox("--config", str(cfg), "init")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    doctor = inbox("--db", db, "--config", str(cfg), "doctor", env={"COLUMNS": "200"})
    # the example points at credential files that do not exist here: named, with a fix
    assert doctor.returncode == 1
    assert "play-service-account.json does not exist" in doctor.stdout
    assert "INBOX_INSTAGRAM_TOKEN is not set" in doctor.stdout
    assert "fix:" in doctor.stdout
    with_token = inbox(
        "--db",
        db,
        "--config",
        str(cfg),
        "doctor",
        env={"INBOX_INSTAGRAM_TOKEN": "IGQVJ-secret-value", "COLUMNS": "200"},
    )
    assert "token present in INBOX_INSTAGRAM_TOKEN" in with_token.stdout
    assert "IGQVJ-secret-value" not in with_token.stdout + with_token.stderr


def test_demo_loads_all_platforms_and_stats_show_them(db: str, tmp_path: Path) -> None:
    result = inbox("--db", db, "demo", "--no-tui")
    assert result.returncode == 0, result.stderr
    assert "0 rejected" in result.stdout
    stats = json.loads(inbox("--db", db, "stats", "--json").stdout)
    assert stats["total"] >= 600
    assert set(stats["by_platform"]) == {"google_play", "app_store", "gbp", "instagram"}
    shares = {k: v / stats["total"] for k, v in stats["by_platform"].items()}
    assert 0.35 <= shares["google_play"] <= 0.45
    assert 0.20 <= shares["app_store"] <= 0.30
    assert 0.15 <= shares["gbp"] <= 0.25
    assert 0.10 <= shares["instagram"] <= 0.20
    assert stats["by_status"].get("replied", 0) > 100
    assert len([a for a in stats["by_account"] if a.startswith("gbp-")]) == 3
    assert stats["escalated"] >= 12  # the demo's clear escalation cases, at least
    assert set(stats["by_theme"]) >= {"payment", "pickup", "praise", "price_cut", "spam"}
    # a second load into the same database is refused: the demo only fills empty databases
    again = inbox("--db", db, "demo", "--no-tui")
    assert again.returncode == 1
    assert "already holds data" in again.stderr


def test_demo_default_never_uses_the_configured_database(tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    result = inbox("demo", "--no-tui", env={"INBOX_DATABASE_URL": f"sqlite:///{real}"})
    assert result.returncode == 0, result.stderr
    assert not real.exists()
    assert "demo.db" in result.stdout


@pytest.mark.postgres
def test_cli_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    """The same commands against a real PostgreSQL server, with a plain postgresql:// URL."""
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    page = play_page(play_review("gp:pg1", "Paisa 2 din me aaya, theek hai", 3))
    path = tmp_path / "p.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    result = inbox("--db", url, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout
    stats = json.loads(inbox("--db", url, "stats", "--json").stdout)
    assert (stats["total"], stats["by_platform"]) == (1, {"google_play": 1})
    doctor = inbox("--db", url, "doctor")
    assert f"(schema {head_revision()})" in doctor.stdout


def test_bare_command_without_a_terminal_prints_help() -> None:
    """In a pipe, cron or CI there is nothing to draw the inbox in: explain the commands."""
    result = inbox()
    assert result.returncode == 0
    assert "Commands:" in result.stdout


def test_sandbox_command_then_poll_and_doctor(tmp_path: Path, db: str) -> None:
    """`inbox sandbox` in one process, `inbox poll` and `inbox doctor` in others."""
    proc = subprocess.Popen(
        [*INBOX, "sandbox"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        url = lines[0].split()[-1]
        config = next(line for line in lines if "--config" in line).split()[3]
        token = next(line for line in lines if line.startswith("Instagram token")).split()[-1]
        assert url.startswith("http://127.0.0.1:")
        env_name, value = token.split("=", 1)
        env = {env_name: value, "COLUMNS": "200"}
        polled = inbox("--db", db, "--config", config, "poll", env=env)
        assert polled.returncode == 0, polled.stderr
        assert "play: 256 new" in polled.stdout
        assert value not in polled.stdout + polled.stderr
        doctor = inbox("--db", db, "--config", config, "doctor", env=env)
        assert "FAIL" not in doctor.stdout, doctor.stdout
        # the token is missing: a sentence naming the variable, exit 1, other sources polled
        missing = inbox("--db", db, "--config", config, "poll")
        assert missing.returncode == 1
        assert f"environment variable {env_name} is not set" in missing.stderr
        assert "play: 0 new" in missing.stdout
        health = inbox("--db", db, "--config", config, "doctor", env={"COLUMNS": "200"})
        assert "last poll failed (1 in a row)" in health.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
