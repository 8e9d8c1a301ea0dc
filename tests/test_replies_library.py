"""The bundled template library, and clear errors for broken template files."""

from __future__ import annotations

import shutil
import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from replies import (
    BUNDLED_DIR,
    SAMPLES,
    STARTER_FORBIDDEN_PHRASES,
    Library,
    LintRules,
    TemplateError,
    detect_language,
    lint_library,
    list_templates,
    load_library,
    render,
)
from sources.base import Platform

TAXONOMY = tomllib.loads(Path("classifier/taxonomy.toml").read_text(encoding="utf-8"))
THEMES = [theme["id"] for theme in TAXONOMY["themes"]]

GOOD = """
[[template]]
id = "{id}"
title = "Thanks"
themes = ["praise"]
platforms = ["google_play"]
languages = ["en"]
body = "Thank you, {{{{ first_name }}}}! – Team {{{{ brand }}}}"
"""


@pytest.fixture(scope="module")
def bundled() -> Library:
    return load_library(known_themes=THEMES)


def test_bundled_library_is_large_and_fully_approved(bundled: Library) -> None:
    assert len(bundled) >= 30
    assert bundled.origin == BUNDLED_DIR
    statuses = Counter(row.status for row in list_templates(bundled))
    assert statuses == {"approved": len(bundled)}
    assert all(t.approved_by == "starter-set" for t in bundled)
    assert all(
        row.note.startswith("approved by starter-set on ") for row in list_templates(bundled)
    )


def test_bundled_library_covers_every_theme_platform_and_language(bundled: Library) -> None:
    themes = {theme for t in bundled for theme in t.themes}
    assert themes == set(THEMES)
    for platform in Platform:
        offered = [t for t in bundled if platform in t.platforms]
        assert {lang for t in offered for lang in t.languages} >= {"en", "hinglish"}, platform
    for theme in THEMES:
        languages = {lang for t in bundled if theme in t.themes for lang in t.languages}
        assert {"en", "hinglish"} <= languages, theme
    # Every theme has a reply short enough for Google Play.
    for theme in THEMES:
        assert any(theme in t.themes and Platform.GOOGLE_PLAY in t.platforms for t in bundled), (
            theme
        )


def test_bundled_templates_are_lint_clean_with_every_sample(bundled: Library) -> None:
    rules = LintRules(forbidden_phrases=STARTER_FORBIDDEN_PHRASES)
    assert [str(p) for p in lint_library(bundled, rules)] == []


def test_bundled_play_replies_leave_room_under_the_limit(bundled: Library) -> None:
    long_sample = next(s for s in SAMPLES if s.name == "long")
    for template in bundled:
        if Platform.GOOGLE_PLAY in template.platforms:
            context = replace(long_sample.context, platform=Platform.GOOGLE_PLAY)
            assert len(render(template, context)) <= 340, template.id


def test_bundled_texts_read_naturally_in_their_language(bundled: Library) -> None:
    for template in bundled:
        for sample in SAMPLES:
            for platform in template.platforms:
                text = render(template, replace(sample.context, platform=platform))
                assert detect_language(text) in template.languages, (template.id, text)
                # Conditionals must not leave gaps or a "Thanks, there!" greeting.
                for glitch in ("  ", " ,", " .", ", there", "{", "}"):
                    assert glitch not in text, (template.id, sample.name, glitch)
                if sample.context.author is None:
                    assert "Priya" not in text


def test_a_user_folder_replaces_the_bundled_set(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(GOOD.format(id="mine"), encoding="utf-8")
    library = load_library(tmp_path)
    assert [t.id for t in library] == ["mine"]
    assert library.get("mine") is not None
    assert library.get("thanks_general_en") is None
    assert library.approved() == ()  # a new file is a draft


def test_templates_are_read_from_subfolders_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "one.toml").write_text(GOOD.format(id="b1"), encoding="utf-8")
    (tmp_path / "a.toml").write_text(GOOD.format(id="a1"), encoding="utf-8")
    (tmp_path / ".hidden.toml").write_text("not toml [", encoding="utf-8")
    assert [t.id for t in load_library(tmp_path)] == ["a1", "b1"]


def _error(tmp_path: Path, text: str, name: str = "bad.toml") -> TemplateError:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_library(tmp_path, known_themes=THEMES)
    return caught.value


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    error = _error(tmp_path, '[[template]]\nid = "x"\ntitle = "unterminated\n')
    assert str(error).startswith(f"{tmp_path / 'bad.toml'}: not valid TOML")
    assert error.path == tmp_path / "bad.toml"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('title = "Thanks"\n', ""), "missing field 'title'"),
        (
            ('body = "Thank you, {{ first_name }}! – Team {{ brand }}"\n', ""),
            "missing field 'body'",
        ),
        (('["google_play"]', '["play_store"]'), "unknown platform 'play_store'; expected one of"),
        (('["en"]', '["english"]'), "unknown language 'english'"),
        (('["praise"]', '["praize"]'), "unknown theme 'praize'"),
        (('["google_play"]', "[]"), "'platforms' is empty"),
        (('["google_play"]', '"google_play"'), "'platforms' must be a list of strings"),
        (('title = "Thanks"', 'title = ""'), "'title' must be a non-empty string"),
        (('title = "Thanks"', 'title = "Thanks"\nrating_min = 4\nrating_max = 2'), "rating_min 4"),
        (('title = "Thanks"', 'title = "Thanks"\nrating_max = 6'), "'rating_max' must be"),
        (('title = "Thanks"', 'title = "Thanks"\nstatus = "live"'), "unknown status 'live'"),
        (('title = "Thanks"', 'title = "Thanks"\nplaform = "x"'), "unknown field 'plaform'"),
        (('title = "Thanks"', 'title = "Thanks"\napproved_on = "yesterday"'), "'approved_on'"),
        (('title = "Thanks"', 'title = "Thanks"\nbody_sha256 = "abc"'), "'body_sha256' must be"),
        (("{{ brand }}", "{{ brand }"), "template syntax error on line 1"),
        (("{{ brand }}", "{% if brand %}"), "template syntax error on line 1"),
    ],
)
def test_template_problems_name_file_template_and_problem(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    text = GOOD.format(id="thanks_en")
    assert change[0] in text
    error = _error(tmp_path, text.replace(*change))
    assert str(error).startswith(f"{tmp_path / 'bad.toml'}: template 'thanks_en': ")
    assert problem in str(error)
    assert error.template_id == "thanks_en"


def test_a_template_without_id_is_named_by_position(tmp_path: Path) -> None:
    text = GOOD.format(id="first") + GOOD.format(id="second").replace('id = "second"\n', "")
    error = _error(tmp_path, text)
    assert str(error) == f"{tmp_path / 'bad.toml'}: template '#2': 'id' must be a non-empty string"


def test_duplicate_ids_across_files_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD.format(id="thanks_en"), encoding="utf-8")
    error = _error(tmp_path, GOOD.format(id="thanks_en"), name="b.toml")
    assert str(error) == (
        f"{tmp_path / 'b.toml'}: template 'thanks_en': id already used in {tmp_path / 'a.toml'}"
    )


def test_duplicate_ids_in_one_file_are_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, GOOD.format(id="x") + GOOD.format(id="x"))
    assert "template 'x': id used twice in this file" in str(error)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no [[template]] tables"),
        ('title = "x"\n', "unknown top-level key 'title'"),
        ("template = 3\n", "no [[template]] tables"),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, problem: str) -> None:
    assert problem in str(_error(tmp_path, text))


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template folder not found"):
        load_library(tmp_path / "nope")


def test_bundled_files_can_be_copied_and_loaded(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED_DIR, tmp_path / "templates")
    copied = load_library(tmp_path / "templates", known_themes=THEMES)
    assert [t.id for t in copied] == [t.id for t in load_library()]
    assert len(copied.approved()) == len(copied)
