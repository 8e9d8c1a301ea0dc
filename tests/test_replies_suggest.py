"""Suggestions: approved templates ranked by theme, rating, platform, language and recency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from replies import (
    ItemContext,
    Language,
    ReplyContext,
    Suggestion,
    Template,
    body_hash,
    load_library,
    suggest,
)
from sources.base import Platform

PLAY, GBP, IG = Platform.GOOGLE_PLAY, Platform.GBP, Platform.INSTAGRAM


def make(
    template_id: str,
    themes: tuple[str, ...],
    body: str,
    *,
    languages: tuple[Language, ...] = ("en",),
    platforms: tuple[Platform, ...] = (PLAY, GBP, IG),
    rating: tuple[int | None, int | None] = (None, None),
    approved: bool = True,
) -> Template:
    return Template(
        id=template_id,
        title=template_id,
        themes=themes,
        platforms=platforms,
        languages=languages,
        body=body,
        path=Path("t.toml"),
        rating_min=rating[0],
        rating_max=rating[1],
        status="approved",
        approved_by="tester",
        approved_on=date(2026, 11, 25),
        body_sha256=body_hash(body) if approved else body_hash("an older body"),
    )


PAY_EN = make("pay_en", ("payment",), "Hi {{ first_name }}, sorry your payment is late.")
PAY_EN_2 = make("pay_en_2", ("payment",), "{{ first_name }}, we are checking the transfer now.")
PAY_HG = make(
    "pay_hinglish",
    ("payment",),
    "Hi {{ first_name }}, payment late hone ke liye sorry.",
    languages=("hinglish",),
)
PICKUP_EN = make("pickup_en", ("pickup",), "Hi {{ first_name }}, sorry about the pickup.")
GENERAL_EN = make("general_en", (), "Thanks for writing, {{ first_name }}.")
PRAISE_EN = make("praise_en", ("praise",), "Thank you!", rating=(4, 5))
IG_ONLY = make("ig_payment", ("payment",), "Please DM us.", platforms=(IG,))
DRAFT = make("pay_draft", ("payment",), "Payment body edited after approval.", approved=False)
LIBRARY = [PAY_EN, PAY_EN_2, PAY_HG, PICKUP_EN, GENERAL_EN, PRAISE_EN, IG_ONLY, DRAFT]

PAYMENT_ITEM = ItemContext(
    platform=PLAY,
    text="Sold my phone a week ago and the payment is still not credited",
    rating=1,
    themes={"payment": 0.9, "pickup": 0.2},
)


def ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.template.id for s in suggestions]


def test_theme_match_wins_and_reasons_are_given() -> None:
    ranked = suggest(PAYMENT_ITEM, LIBRARY, n=10)
    # The right theme in the wrong language still beats the wrong theme.
    assert ids(ranked) == ["pay_en", "pay_en_2", "pay_hinglish", "pickup_en", "general_en"]
    top = ranked[0]
    assert top.score == pytest.approx(1.2)
    assert top.reasons == ("theme payment 0.90", "written in en, like the item")
    assert ranked[2].reasons == ("theme payment 0.90", "written in hinglish; the item is in en")
    assert ranked[2].score == pytest.approx(0.7)
    assert ranked[3].reasons[0] == "theme pickup 0.20"
    assert ranked[4].reasons[0] == "general template"
    assert top.text is None  # no context: nothing rendered


def test_only_approved_templates_for_the_platform_and_rating_are_offered() -> None:
    offered = ids(suggest(PAYMENT_ITEM, LIBRARY, n=10))
    assert "pay_draft" not in offered  # body changed after approval
    assert "ig_payment" not in offered  # Instagram only
    assert "praise_en" not in offered  # 4–5 stars only, the review has 1
    on_instagram = ItemContext(platform=IG, text="payment kab aayega?", themes={"payment": 0.8})
    assert "ig_payment" in ids(suggest(on_instagram, LIBRARY, n=10))
    happy = ItemContext(platform=PLAY, text="Great service", rating=5, themes={"praise": 0.95})
    assert ids(suggest(happy, LIBRARY, n=1)) == ["praise_en"]
    assert "rating 5 within 4–5" in suggest(happy, LIBRARY, n=1)[0].reasons
    no_rating = ItemContext(platform=IG, text="Great service", themes={"praise": 0.95})
    assert ids(suggest(no_rating, LIBRARY, n=1)) == ["praise_en"]


def test_hinglish_text_prefers_hinglish_templates() -> None:
    item = ItemContext(
        platform=PLAY, text="bhai paisa abhi tak nahi aaya", rating=1, themes={"payment": 0.9}
    )
    ranked = suggest(item, LIBRARY, n=3)
    assert ids(ranked) == ["pay_hinglish", "pay_en", "pay_en_2"]
    assert "written in hinglish, like the item" in ranked[0].reasons
    # An explicit language wins over detection.
    as_english = ItemContext(
        platform=PLAY, text="bhai paisa nahi aaya", language="en", themes={"payment": 0.9}
    )
    assert ids(suggest(as_english, LIBRARY, n=1)) == ["pay_en"]


def test_hindi_text_prefers_hinglish_over_english() -> None:
    item = ItemContext(platform=PLAY, text="मेरा पैसा अभी तक नहीं आया", themes={"payment": 0.9})
    assert ids(suggest(item, LIBRARY, n=2)) == ["pay_hinglish", "pay_en"]


def test_a_recently_used_template_is_pushed_down() -> None:
    assert ids(suggest(PAYMENT_ITEM, LIBRARY, n=1)) == ["pay_en"]
    ranked = suggest(PAYMENT_ITEM, LIBRARY, n=3, recent_template_ids=["pay_en"])
    assert ids(ranked) == ["pay_en_2", "pay_hinglish", "pay_en"]
    assert ranked[2].reasons[-1] == "used in the last reply on this platform (−0.60)"
    assert ranked[2].score == pytest.approx(0.6)
    # Older use weighs less: used three replies ago, pay_en is second.
    older = suggest(PAYMENT_ITEM, LIBRARY, n=2, recent_template_ids=["x", "y", "pay_en"])
    assert ids(older) == ["pay_en_2", "pay_en"]
    assert older[1].score == pytest.approx(1.2 - 0.15)


def test_recent_texts_are_matched_even_with_another_name() -> None:
    posted = "Hi Rahul, sorry your payment is late."
    ranked = suggest(PAYMENT_ITEM, LIBRARY, n=2, recent_texts=["Thanks!", posted])
    assert ids(ranked) == ["pay_en_2", "pay_en"]
    assert ranked[1].reasons[-1] == "used 2 replies ago on this platform (−0.30)"
    unrelated = suggest(PAYMENT_ITEM, LIBRARY, n=1, recent_texts=["Welcome to the family!"])
    assert ids(unrelated) == ["pay_en"]


def test_with_a_context_suggestions_are_rendered_and_need_their_variables() -> None:
    needs_ref = make("pay_ref", ("payment",), "Order {{ reference }} is being checked.")
    context = ReplyContext(brand="Resello", author="Priya Sharma")
    ranked = suggest(PAYMENT_ITEM, [*LIBRARY, needs_ref], n=10, context=context)
    assert "pay_ref" not in ids(ranked)  # the context has no reference
    assert ranked[0].text == "Hi Priya, sorry your payment is late."
    with_ref = ReplyContext(brand="Resello", author="Priya", reference="RS1")
    ranked = suggest(PAYMENT_ITEM, [*LIBRARY, needs_ref], n=10, context=with_ref)
    assert "Order RS1 is being checked." in [s.text for s in ranked]
    platform_aware = make("pf", ("payment",), "{{ platform }}")
    ranked = suggest(PAYMENT_ITEM, [platform_aware], context=context)
    assert ranked[0].text == "google_play"


def test_exact_theme_fit_beats_a_broader_template() -> None:
    broad = make("a_broad", ("payment", "pickup", "app_bug"), "Sorry about all this.")
    item = ItemContext(platform=PLAY, text="payment late", themes={"payment": 0.9})
    ranked = suggest(item, [broad, PAY_EN], n=2)
    assert ids(ranked) == ["pay_en", "a_broad"]
    assert ranked[1].reasons[:2] == ("theme payment 0.90", "also for pickup, app_bug")
    both = ItemContext(platform=PLAY, text="late", themes={"payment": 0.6, "pickup": 0.6})
    assert suggest(both, [PICKUP_EN, make("z", ("payment", "pickup"), "x")])[
        0
    ].score == pytest.approx(1.05)


def test_ties_are_broken_by_id_so_the_order_is_stable() -> None:
    twins = [make(name, ("payment",), f"Body {name}") for name in ("b_twin", "a_twin", "c_twin")]
    assert ids(suggest(PAYMENT_ITEM, twins)) == ["a_twin", "b_twin", "c_twin"]
    assert ids(suggest(PAYMENT_ITEM, list(reversed(twins)))) == ["a_twin", "b_twin", "c_twin"]


def test_bundled_library_suggestions_for_real_items() -> None:
    library = load_library()
    context = ReplyContext(brand="Resello", author="Rohit", support_email="care@resello.in")
    hinglish = ItemContext(
        platform=PLAY,
        text="10 din ho gaye paisa abhi tak nahi aaya, koi reply nahi",
        rating=1,
        themes={"payment": 0.93, "support": 0.41},
    )
    top = suggest(hinglish, library, context=context)
    assert top[0].template.id == "payment_delay_hinglish"
    assert all(len(s.text or "") <= 350 for s in top)
    store = ItemContext(
        platform=GBP, text="Waited an hour at the store", rating=2, themes={"pickup": 0.7}
    )
    assert suggest(store, library, n=1)[0].template.id in {"store_visit_en", "pickup_delay_en"}
    praise = ItemContext(
        platform=IG, text="Super smooth, got paid instantly!", themes={"praise": 0.9}
    )
    assert suggest(praise, library, n=1)[0].template.id == "praise_short_en"
