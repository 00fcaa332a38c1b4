"""Figures: what is a figure, what it is worth, and which old and new figures count the same thing."""

from __future__ import annotations

import pytest

from monitor.analysis import figures


def values(text):
    return [(f.text, f.bound, f.low, f.high, f.unit) for f in figures.figures(text)]


def changed(old, new):
    return [(c.old, c.new) for c in figures.changes(old, new)]


@pytest.mark.parametrize(
    "text",
    [
        "The F-16 and the MiG-29 flew over the G20 venue.",
        "Covid-19 cases fell; the Chandrayaan-3 probe landed.",
        "The vote is on March 12, 2023 at 8pm, or 10:30 on Oct. 7.",
        "Under article 370 and section 49 the phase 3 trial reached level 4.",
        "She finished 5th in the 1990s and 2nd in UFC 289.",
        "Spotkanie 8 listopada o godz. 12, artykuł 7 ustawy, 5. miejsce w UE.",
        "A 24/7 service since the '90s, a 5G network, a 4K screen.",
    ],
)
def test_names_dates_times_and_identifiers_are_not_figures(text):
    assert figures.figures(text) == []


def test_number_words_approximations_and_scales_are_read_as_values():
    got = values(
        "At least 40 died, more than 60 were hurt, a dozen fled, dozens hid, "
        "$9.5bn was lost, 1.2 million people moved, 3,400 troops came, Rs 12 lakh and 15 per cent."
    )
    assert got == [
        ("At least 40", ">=", 40, 40, ""),
        ("more than 60", ">", 60, 60, ""),
        ("a dozen", "=", 12, 12, ""),
        ("dozens", "=", 24, 99, ""),
        ("$9.5bn", "=", 9.5e9, 9.5e9, "$"),
        ("1.2 million", "=", 1.2e6, 1.2e6, ""),
        ("3,400", "=", 3400, 3400, ""),
        ("Rs 12 lakh", "=", 1.2e6, 1.2e6, "₹"),
        ("15 per cent", "=", 15, 15, "%"),
    ]


def test_polish_number_words_and_bounds():
    got = values(
        "Zginęło co najmniej 17 osób, kilkanaście rannych, ponad dwadzieścia aut i 2 tys. zł."
    )
    assert got == [
        ("co najmniej 17", ">=", 17, 17, ""),
        ("kilkanaście", "=", 11, 19, ""),
        ("ponad dwadzieścia", ">", 20, 20, ""),
        ("2 tys. zł", "=", 2000, 2000, "zł"),
    ]


def test_the_same_value_in_another_format_is_no_change():
    assert changed("Seven people were killed.", "7 people were killed.") == []
    assert changed("It cost $3.2M in all.", "It cost $3.2m in all.") == []
    assert changed("Nearly 2,000 homes flooded.", "Nearly 2 thousand homes flooded.") == []


def test_a_change_of_scale_or_bound_is_a_change():
    assert changed("About 1,200 people fled.", "About 1.2 million people fled.") == [
        ("About 1,200", "About 1.2 million")
    ]
    assert changed("Dozens killed in the blast.", "At least 40 killed in the blast.") == [
        ("Dozens", "At least 40")
    ]
    assert changed("Rs 12 lakh stolen from the shop", "Rs 12cr stolen from the shop") == [
        ("Rs 12 lakh", "Rs 12cr")
    ]


def test_figures_are_paired_by_what_they_count_not_by_position():
    old = "The blast killed 20 people and injured 96 others."
    new = "Police said 150 were injured. The blast killed 34 people."
    assert sorted(changed(old, new)) == [("20", "34"), ("96", "150")]


def test_different_quantities_in_the_same_slot_are_not_paired():
    # a day of a date against an age, a level against a count: nothing in common
    assert changed("He died on May 3 aged 63.", "Three people died at level 4.") == []
    assert changed("Police arrested 12 protesters.", "Four people were killed.") == []


def test_a_figure_that_only_moved_is_not_a_change():
    old = "The firm will pay $300 million; $120 million goes to refunds."
    new = "The firm must pay $120 million in refunds."
    assert changed(old, new) == []


def test_headline_figures_are_compared_and_named_once():
    got = figures.changes_in_article(
        "12,000 evacuated as fires spread",
        "15,000 evacuated as fires spread",
        "Officials said 12,000 residents were evacuated.",
        "Officials said 15,000 residents were evacuated.",
    )
    assert [(c.old, c.new, c.field) for c in got] == [("12,000", "15,000", "title")]


def test_headline_and_text_changes_worded_differently_are_both_named():
    got = figures.changes_in_article(
        "Dozens dead after the quake", "At least 90 dead after the quake", "", ""
    )
    assert [(c.old, c.new, c.field) for c in got] == [("Dozens", "At least 90", "title")]


def test_prices_in_a_list_are_paired_inside_their_unchanged_frame():
    old = "Basic tier: $4/month\n\nPremium tier: $8/month (two users)"
    new = "Basic tier: $5/month\n\nPremium tier: $9/month (two users)"
    assert changed(old, new) == [("$4/month", "$5/month"), ("$8/month", "$9/month")]


def test_another_counts_one_more():
    assert changed(
        "The cyclist wins another mountain stage.", "The cyclist wins two mountain stages."
    ) == [("another", "two")]
    assert figures.figures("Another 20 people fled.")[0].text == "20"


def test_ages_pair_across_wordings_and_season_years_are_not_figures():
    assert [
        f.unit for f in figures.figures("A 63-year-old man, aged 63, and a 58-letnia kobieta")
    ] == [
        "age",
        "age",
        "age",
    ]
    assert changed(
        "Police named the 63-year-old driver.", "Police named the 68-year-old driver."
    ) == [("63", "68")]
    assert figures.figures("The 2022-23 season") == []


def test_figure_replaced_inside_a_rewritten_phrase_is_paired_whatever_the_diff_layout() -> None:
    # the readable diff shows "$5 or $15" → "roughly $15 or so" as one replaced block;
    # the words kept inside it still frame the $15 that became "$15 or so"
    old = "Members save, but $5 or $15 off every season is welcome when budgets are tight."
    new = "Members save, but spending $15 or so off every season is welcome when budgets are tight."
    found = figures.changes(old, new)
    assert [(c.old, c.new) for c in found] == [("$15", "$15 or so")]
