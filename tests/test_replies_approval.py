"""Approval: who and when are written into the file, and an edited body is a draft again."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from replies import (
    LintRules,
    TemplateError,
    approve,
    body_hash,
    list_templates,
    load_file,
    load_library,
)
from replies.tomledit import EditError, set_template_keys

FILE = '''# Payment replies. This comment must survive approval.

[[template]]
id = "pay_en"   # inline comment
title = "Payment delayed"
themes = ["payment"]
platforms = ["google_play", "gbp"]
languages = ["en"]
rating_max = 3
body = """
Hi {{ first_name }}, sorry your payment is late.
status = "pending" is what we see too; this line is inside the body
# and so is this one
– Team {{ brand }}
"""

# The next template is the Hinglish one.
[[template]]
id = "pay_hinglish"
title = "Payment late"
themes = ["payment"]
platforms = ["google_play"]
languages = ["hinglish"]
body = \'\'\'Hi {{ first_name }}, payment late hone ke liye sorry. – Team {{ brand }}\'\'\'
'''


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "payment.toml").write_text(FILE, encoding="utf-8")
    return tmp_path


def _status(folder: Path, template_id: str) -> str:
    template = load_library(folder).get(template_id)
    assert template is not None
    return template.effective_status


def test_approve_edit_reapprove_round_trip(folder: Path) -> None:
    path = folder / "payment.toml"
    assert _status(folder, "pay_en") == "draft"

    approved = approve(folder, "pay_en", "Asha Rao", date(2026, 11, 25))
    assert approved.effective_status == "approved"
    assert (approved.approved_by, approved.approved_on) == ("Asha Rao", date(2026, 11, 25))
    assert approved.body_sha256 == body_hash(approved.body)
    assert _status(folder, "pay_en") == "approved"
    assert _status(folder, "pay_hinglish") == "draft"  # the other template is untouched

    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Payment replies. This comment must survive approval.")
    assert 'id = "pay_en"   # inline comment' in text
    assert "# The next template is the Hinglish one." in text
    assert 'approved_by = "Asha Rao"\napproved_on = 2026-11-25\n' in text
    # The only change is the four approval lines, after the body.
    added = [line for line in text.splitlines() if line not in FILE.splitlines()]
    assert [line.split(" = ")[0] for line in added] == [
        "status",
        "approved_by",
        "approved_on",
        "body_sha256",
    ]

    path.write_text(text.replace("sorry your payment is late", "sorry, payment is late"), "utf-8")
    edited = load_library(folder).get("pay_en")
    assert edited is not None
    assert edited.effective_status == "draft"
    assert edited.status == "approved"  # the file still says so; the hash says otherwise
    assert edited.status_note == "body changed since it was approved by Asha Rao on 2026-11-25"

    again = approve(folder, "pay_en", "Vikram", datetime(2026, 11, 26, 9, 30, tzinfo=UTC))
    assert again.effective_status == "approved"
    assert (again.approved_by, again.approved_on) == ("Vikram", date(2026, 11, 26))
    text = path.read_text(encoding="utf-8")
    assert text.count("approved_by") == 1  # replaced, not appended twice
    assert "Asha Rao" not in text


def test_whitespace_and_line_endings_do_not_unapprove(folder: Path) -> None:
    path = folder / "payment.toml"
    approve(folder, "pay_hinglish", "Asha", date(2026, 11, 25))
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert _status(folder, "pay_hinglish") == "approved"
    approve(path, "pay_en", "Asha", date(2026, 11, 25))  # a file path works too
    raw = path.read_bytes()
    assert b'\r\napproved_by = "Asha"\r\n' in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")  # line endings kept as CRLF
    assert [t.effective_status for t in load_file(path)] == ["approved", "approved"]


def test_approving_through_a_loaded_library_uses_the_file_as_it_is_now(folder: Path) -> None:
    library = load_library(folder)
    path = folder / "payment.toml"
    path.write_text(FILE.replace("payment late hone", "payment der se aane"), encoding="utf-8")
    approved = approve(library, "pay_hinglish", "Asha", date(2026, 11, 25))
    assert "der se aane" in approved.body
    assert approved.effective_status == "approved"


def test_status_notes_for_the_list(folder: Path) -> None:
    path = folder / "payment.toml"
    path.write_text(
        FILE.replace("rating_max = 3\n", 'rating_max = 3\nstatus = "approved"\n'), "utf-8"
    )
    rows = {row.id: row for row in list_templates(load_library(folder))}
    assert rows["pay_en"].status == "draft"
    assert rows["pay_en"].note.startswith("marked approved, but no approval")
    assert rows["pay_hinglish"].note == "not approved yet"
    assert rows["pay_en"].platforms == ("google_play", "gbp")
    assert rows["pay_en"].path == path
    path.write_text(
        FILE.replace("rating_max = 3\n", 'rating_max = 3\nstatus = "retired"\n'), "utf-8"
    )
    assert list_templates(load_library(folder))[0].status == "retired"


def test_approve_refuses_unknown_ids_and_empty_names(folder: Path) -> None:
    with pytest.raises(TemplateError, match="no template 'nope'"):
        approve(folder, "nope", "Asha", date(2026, 11, 25))
    with pytest.raises(TemplateError, match="the approver's name is empty"):
        approve(folder, "pay_en", "  ", date(2026, 11, 25))
    assert _status(folder, "pay_en") == "draft"


def test_approve_refuses_a_template_whose_text_fails_lint(folder: Path) -> None:
    rules = LintRules(forbidden_phrases=["payment is late"])
    with pytest.raises(TemplateError) as caught:
        approve(folder, "pay_en", "Asha", date(2026, 11, 25), rules=rules)
    assert "template 'pay_en': not approved, the template has errors" in str(caught.value)
    assert "forbidden phrase 'payment is late'" in str(caught.value)
    assert "approved_by" not in (folder / "payment.toml").read_text(encoding="utf-8")


def test_approver_names_are_escaped(folder: Path) -> None:
    approved = approve(folder, "pay_en", 'Asha "AR" Rao \\ CX', date(2026, 11, 25))
    assert approved.approved_by == 'Asha "AR" Rao \\ CX'
    assert approved.effective_status == "approved"


def test_the_writer_refuses_files_it_cannot_edit_safely() -> None:
    with_other_table = FILE + '\n[meta]\nowner = "cx"\n'
    with pytest.raises(EditError, match="tables other than"):
        set_template_keys(with_other_table, 0, {"status": "approved"})
    multiline_key = FILE.replace('title = "Payment late"', "title = '''Payment\nlate'''")
    with pytest.raises(EditError, match="without changing other content"):
        set_template_keys(multiline_key, 1, {"title": "New"})


def test_the_writer_sets_keys_in_the_right_table() -> None:
    tricky = FILE.replace("is what we see too", 'is what we see\n[[template]]\nid = "fake"')
    assert len(tomllib.loads(tricky)["template"]) == 2
    updated = set_template_keys(tricky, 1, {"status": "approved", "approved_on": date(2026, 1, 2)})
    data = tomllib.loads(updated)
    assert data["template"][1]["status"] == "approved"
    assert data["template"][1]["approved_on"] == date(2026, 1, 2)
    assert "status" not in data["template"][0]
    assert data["template"][0]["body"] == tomllib.loads(tricky)["template"][0]["body"]
    assert updated.replace('status = "approved"\napproved_on = 2026-01-02\n', "") == tricky
