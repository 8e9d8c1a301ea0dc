"""Rendering: names people are greeted by, strict variables, the sandbox, language detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from replies import (
    FALLBACK_NAME,
    RenderError,
    ReplyContext,
    Template,
    detect_language,
    first_name,
    render,
    render_body,
)
from sources.base import Platform

CONTEXT = ReplyContext(brand="Resello", author="Priya Sharma")


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Priya Sharma", "Priya"),
        ("RAHUL KUMAR", "Rahul"),
        ("rahul", "Rahul"),
        ("McKenzie Fernandes", "McKenzie"),
        ("Anne-Marie D'Souza", "Anne-Marie"),
        ("D'Souza", "D'Souza"),
        ("Dr. Anita Rao", "Anita"),
        ("Mr Vikram", "Vikram"),
        ("Smt. Lakshmi", "Lakshmi"),
        ("राहुल शर्मा", "राहुल"),
        ("José García", "José"),
        ("🔥Rahul✨", "Rahul"),
        ("Priya A", "Priya"),
        (None, FALLBACK_NAME),
        ("", FALLBACK_NAME),
        ("   ", FALLBACK_NAME),
        ("@x_99", FALLBACK_NAME),
        ("@priya", FALLBACK_NAME),
        ("priya_sharma", FALLBACK_NAME),
        ("priya.sharma", FALLBACK_NAME),
        ("user12345", FALLBACK_NAME),
        ("A Google user", FALLBACK_NAME),
        ("Google User", FALLBACK_NAME),
        ("Customer", FALLBACK_NAME),
        ("Anonymous", FALLBACK_NAME),
        ("9876543210", FALLBACK_NAME),
        ("😀🔥👍", FALLBACK_NAME),
        ("A. Kumar", FALLBACK_NAME),
        ("R", FALLBACK_NAME),
        ("priya@example.com", FALLBACK_NAME),
        ("Rahul99", FALLBACK_NAME),
        ("Anne--Marie", FALLBACK_NAME),
        ("Supercalifragilisticexpialidocious", FALLBACK_NAME),
    ],
)
def test_first_name_or_a_safe_fallback(author: str | None, expected: str) -> None:
    assert first_name(author) == expected
    greeting = render_body("Hi {{ first_name }},", ReplyContext(brand="B", author=author))
    assert greeting == f"Hi {expected},"


def test_has_name_lets_a_template_leave_the_name_out() -> None:
    body = "Thank you{% if has_name %}, {{ first_name }}{% endif %}!"
    assert render_body(body, CONTEXT) == "Thank you, Priya!"
    assert render_body(body, ReplyContext(brand="B", author="@x_99")) == "Thank you!"


def test_every_variable_reaches_the_template() -> None:
    context = ReplyContext(
        brand="Resello",
        author="Priya",
        app="Resello Sell",
        store_location="Andheri",
        reference="RS1",
        support_email="care@resello.in",
        support_phone="1800 123 4567",
        agent="Neha",
        platform=Platform.GBP,
    )
    body = (
        "{{ first_name }}|{{ brand }}|{{ app }}|{{ store_location }}|{{ reference }}|"
        "{{ support_email }}|{{ support_phone }}|{{ agent }}|{{ platform }}"
    )
    assert render_body(body, context) == (
        "Priya|Resello|Resello Sell|Andheri|RS1|care@resello.in|1800 123 4567|Neha|gbp"
    )
    assert render_body("{{ app }}", ReplyContext(brand="Resello")) == "Resello"


def test_a_missing_variable_is_a_clear_error() -> None:
    template = Template(
        id="ref_en",
        title="t",
        themes=(),
        platforms=(Platform.GOOGLE_PLAY,),
        languages=("en",),
        body="Your order {{ reference }} is with us.",
        path=Path("x.toml"),
    )
    with pytest.raises(RenderError) as caught:
        render(template, CONTEXT)
    assert caught.value.variable == "reference"
    assert caught.value.template_id == "ref_en"
    assert str(caught.value).startswith("template 'ref_en': variable 'reference' is not set;")
    assert "{% if reference is defined %}" in str(caught.value)
    guarded = "Thanks{% if reference is defined %} ({{ reference }}){% endif %}."
    assert render_body(guarded, CONTEXT) == "Thanks."


def test_an_unknown_variable_lists_the_known_ones() -> None:
    with pytest.raises(RenderError) as caught:
        render_body("Hi {{ firstname }}", CONTEXT)
    assert caught.value.variable == "firstname"
    assert "known variables: first_name, has_name, brand" in str(caught.value)


def test_empty_strings_count_as_missing() -> None:
    with pytest.raises(RenderError, match="'support_email' is not set"):
        render_body("{{ support_email }}", ReplyContext(brand="B", support_email=""))


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ brand.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ brand.__len__() }}",
    ],
)
def test_the_sandbox_refuses_unsafe_access(body: str) -> None:
    with pytest.raises(RenderError, match="unsafe expression refused") as caught:
        render_body(body, CONTEXT, template_id="evil")
    assert str(caught.value).startswith("template 'evil': ")


def test_syntax_and_runtime_errors_are_render_errors() -> None:
    with pytest.raises(RenderError, match=r"template syntax error on line 2: .*"):
        render_body("Hi\n{{ brand }", CONTEXT)
    with pytest.raises(RenderError, match="ZeroDivisionError"):
        render_body("{{ 1 / 0 }}", CONTEXT)


def test_output_is_plain_text_and_tidy() -> None:
    body = (
        "  Hi {{ brand }} <b>&</b>   \n{% if reference is defined %}\nRef\n{% endif %}\n\n\n\n"
        "Bye  \n"
    )
    assert render_body(body, ReplyContext(brand="A&B <x>")) == "Hi A&B <x> <b>&</b>\n\nBye"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pickup guy never came, worst experience", "en"),
        ("The app is ok but the price changes every day", "en"),
        ("paisa abhi tak nahi aaya", "hinglish"),
        ("Nice app bhai", "hinglish"),
        ("quote kam de rahe ho, cashify better hai", "hinglish"),
        ("bahut badhiya service", "hinglish"),
        ("मेरा पैसा अभी तक नहीं आया", "hi"),
        ("पैसा नहीं आया, very bad experience", "hi"),
        ("", "en"),
        ("👍👍", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language
