"""Quotations: every style, apostrophes told apart, names of works skipped, per-field changes."""

from __future__ import annotations

from monitor.analysis import quotes


def test_every_quote_style():
    text = (
        'He said "we will respond" and “the talks failed”; she called it \'a temporary '
        "measure', ‘a pause’, «rien de plus» and „koniec rozmów”."
    )
    assert quotes.quotations(text) == [
        "we will respond",
        "the talks failed",
        "a temporary measure",
        "a pause",
        "rien de plus",
        "koniec rozmów",
    ]


def test_apostrophes_are_not_quotes():
    text = "It's Pakistan's view since the '90s that the players' union won't talk."
    assert quotes.quotations(text) == []
    # an apostrophe inside a single-quoted quote does not close it
    assert quotes.quotations("Officials called it 'Pakistan's worst flood' on Monday.") == [
        "Pakistan's worst flood"
    ]


def test_quotes_in_a_headline():
    assert quotes.quotations("Minister: 'We will not resign' as talks stall", headline=True) == [
        "We will not resign"
    ]


def test_names_of_works_in_running_text_are_not_quotes():
    text = 'She told the "Daily Planet" and the "Morning Show" that it was "a disgrace".'
    assert quotes.quotations(text) == ["a disgrace"]


def test_a_quote_cut_off_by_the_feed_runs_to_the_end():
    assert quotes.quotations('He wrote: "A good coach is someone who always listens to...') == [
        "A good coach is someone who always listens to..."
    ]


def test_curly_opening_closed_by_a_straight_mark():
    assert quotes.quotations('She said: “we are closing the loophole," it reads.') == [
        "we are closing the loophole,"
    ]


def test_changes_per_field():
    found = quotes.changes_in_article(
        "Leader calls rival 'a liar'",
        "Leader attacks rival",
        'He said "we will win" and "the vote was fair".',
        'He said "we will certainly win" and "nobody cheated".',
    )
    assert [(q.kind, q.field, q.text, q.old) for q in found] == [
        ("removed", "title", "a liar", None),
        ("altered", "text", "we will certainly win", "we will win"),
        ("added", "text", "nobody cheated", None),
        ("removed", "text", "the vote was fair", None),
    ]


def test_a_quote_reworded_in_the_same_place_is_altered():
    found = quotes.changes(
        "The mayor called him “a pillar of the town” after the news broke.",
        "The mayor called him “a friend” after the news broke.",
    )
    assert [(q.kind, q.old, q.text) for q in found] == [
        ("altered", "a pillar of the town", "a friend")
    ]


def test_punctuation_case_and_inflection_do_not_change_a_quote():
    assert quotes.changes('He said "We will act."', "He said 'we will act'") == []
    assert quotes.changes("Nazwał go „nieproszonego gościa”.", "To „nieproszony gość”.") == []


def test_quote_marks_added_around_existing_words_are_an_added_quote():
    found = quotes.changes("Critics mocked the singer", "Critics 'mocked' the singer")
    assert [(q.kind, q.text) for q in found] == [("added", "mocked")]


def test_embedded_post_is_a_block_quote():
    text = (
        "The studio confirmed the figures on Monday in a long statement to investors, "
        "adding that the film had cost more to make than any of its earlier releases and "
        "that the sequel was not yet certain.\n\n"
        "Our album went gold today. Thank you all. https://t.co/abc\n\n"
        "— A Star (@astar) December 7, 2022"
    )
    assert quotes.quotations(text) == ["Our album went gold today. Thank you all."]


def test_a_short_capitalised_quote_that_was_said_is_a_quote():
    assert quotes.quotations('"Enough is enough", she said after the vote.') == ["Enough is enough"]
    assert quotes.quotations('The minister said "Absolutely not" to the plan.') == [
        "Absolutely not"
    ]
    assert (
        quotes.quotations('she watched "Morning Show" on the sofa with her family every day.') == []
    )
