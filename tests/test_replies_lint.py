"""Lint: every check fires when it should and stays quiet when it should not."""

from __future__ import annotations

import pytest

from replies import LIMITS, LintRules, Problem, blocking, lint, strip_html
from sources.base import Platform

PLAY, STORE, GBP, IG = Platform.GOOGLE_PLAY, Platform.APP_STORE, Platform.GBP, Platform.INSTAGRAM
OK = "Hi Priya, thank you for the kind words! – Team Resello"


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, p.severity) for p in problems]


@pytest.mark.parametrize("platform", list(Platform))
def test_a_plain_reply_is_clean_everywhere(platform: Platform) -> None:
    assert lint(OK, platform) == []
    assert lint(OK, platform.value) == []  # the platform's string works too


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_is_an_error(text: str) -> None:
    assert codes(lint(text, PLAY)) == [("empty", "error")]


@pytest.mark.parametrize(
    ("platform", "size", "severity"),
    [(PLAY, 350, None), (PLAY, 351, "error"), (STORE, 5970, None), (STORE, 5971, "warning"),
     (IG, 2200, None), (IG, 2201, "warning"), (GBP, 4096, None), (GBP, 4097, "error")],
)  # fmt: skip
def test_length_limits(platform: Platform, size: int, severity: str | None) -> None:
    problems = lint("a" * size, platform)
    if severity is None:
        assert problems == []
    else:
        assert codes(problems) == [("too_long", severity)]
        limit = LIMITS[platform]
        assert problems[0].message.startswith(f"{size} {limit.unit}")
        assert f"the limit is {limit.size}" in problems[0].message


def test_business_profile_counts_utf8_bytes_not_characters() -> None:
    hindi = "धन्यवाद " * 200  # 1,600 characters, each Devanagari letter is 3 bytes in UTF-8
    assert len(hindi) < 4096 < len(hindi.encode("utf-8"))
    problems = lint(hindi, GBP)
    assert codes(problems) == [("too_long", "error")]
    assert problems[0].message.startswith(f"{len(hindi.encode('utf-8'))} bytes")
    assert lint(hindi[:1365], GBP) == []  # 4,095 bytes
    assert lint(hindi, IG) == []  # Instagram counts characters: 1,600 is fine


def test_google_play_counts_characters_after_removing_html() -> None:
    text = "<b>" + "a" * 340 + "</b> <i>ok</i>"  # 357 characters raw, 343 without the tags
    assert len(text) > 350
    assert strip_html(text) == "a" * 340 + " ok"
    problems = lint(text, PLAY)
    assert codes(problems) == [("html", "warning")]
    assert "<b>, </b>, <i>, </i>" in problems[0].message
    long_with_tags = "<b>" + "a" * 351 + "</b>"
    assert codes(lint(long_with_tags, PLAY)) == [("too_long", "error"), ("html", "warning")]
    assert "351 characters after removing HTML tags" in lint(long_with_tags, PLAY)[0].message


def test_html_is_only_flagged_where_it_is_stripped() -> None:
    assert lint("Thanks <b>Priya</b>!", GBP) == []
    assert lint("We <3 our customers", PLAY) == []


@pytest.mark.parametrize(
    "text",
    [
        "Hi {{ first_name }}, thanks!",
        "Thanks {% if x %}!",
        "Hi {name}, thanks!",
        "Hi ${name}, thanks!",
        "Hi [NAME], thanks!",
        "Hi [Customer Name], thanks!",
        "Hi <name>, thanks!",
        "Hi <first name>, thanks!",
        "Your order %(order)s is ready",
        "Hi %s, thanks",
    ],
)
def test_unfilled_placeholders_are_errors(text: str) -> None:
    problems = lint(text, GBP)
    assert codes(problems) == [("placeholder", "error")]


@pytest.mark.parametrize(
    "text", ["Thanks! 😊 {", "See point [1] above", "5 > 4 and 3 < 4", "It's 100% genuine", OK]
)
def test_ordinary_text_is_not_a_placeholder(text: str) -> None:
    assert lint(text, GBP) == []


def test_forbidden_phrases_ignore_case_and_spacing() -> None:
    rules = LintRules(forbidden_phrases=["refund has been processed", "guarantee"])
    problems = lint("Good news: your REFUND  has\nbeen   processed.", GBP, rules)
    assert codes(problems) == [("forbidden_phrase", "error")]
    assert "'refund has been processed'" in problems[0].message
    assert lint("We cannot say your refund has been sent yet.", GBP, rules) == []
    assert lint("This is guaranteed to help.", GBP, rules) == []  # whole words only
    assert codes(lint("We guarantee it.", GBP, rules)) == [("forbidden_phrase", "error")]


@pytest.mark.parametrize(
    "text",
    [
        "Call me on 98765 43210",
        "Call +91-98765-43210 now",
        "Reach Priya at 9876543210.",
        "Mail priya.sharma@gmail.com",
        "Our landline is (080) 4718-2299",
    ],
)
def test_personal_data_is_an_error(text: str) -> None:
    problems = lint(text, GBP)
    assert codes(problems) == [("personal_data", "error")]


def test_support_contacts_and_allowed_personal_data_pass() -> None:
    rules = LintRules(allowed_contacts=["care@resello.in", "+91 80 4718 2200"])
    text = "Write to Care@Resello.in or call 080-4718-2200, order RS-2026-11-0048213, 25-11-2026"
    assert lint(text, GBP, rules) == []
    assert codes(lint(text + " or 9876543210", GBP, rules)) == [("personal_data", "error")]
    assert lint("Call 9876543210", GBP, LintRules(allow_personal_data=True)) == []
    assert lint("Call 9876543210", GBP, LintRules().allowing(None, "98765 43210")) == []
    assert lint("We paid ₹12,500 on 2026-11-25 for order 1234567", GBP) == []


def test_instagram_hidden_and_nested_comments_cannot_be_answered() -> None:
    assert codes(lint(OK, IG, comment_hidden=True)) == [("hidden_comment", "error")]
    assert codes(lint(OK, IG, comment_is_reply=True)) == [("not_top_level", "error")]
    assert lint(OK, PLAY, comment_hidden=True, comment_is_reply=True) == []


def test_repeated_text_is_a_warning_at_the_threshold() -> None:
    rules = LintRules(repeat_threshold=3)
    assert lint(OK, IG, rules, times_posted_this_week=2) == []
    problems = lint(OK, IG, rules, times_posted_this_week=3)
    assert codes(problems) == [("repeated", "warning")]
    assert "already posted 3 times this week" in problems[0].message
    assert lint(OK, IG, LintRules(repeat_threshold=0), times_posted_this_week=9) == []


def test_blocking_keeps_only_errors() -> None:
    problems = lint("<b>Hi [NAME]</b>", PLAY, times_posted_this_week=5)
    assert codes(problems) == [
        ("placeholder", "error"),
        ("html", "warning"),
        ("repeated", "warning"),
    ]
    assert blocking(problems) == [problems[0]]
    assert blocking(lint(OK, PLAY)) == []
