"""Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008)."""

from __future__ import annotations

from collections import Counter

from monitor.analysis.terms import count, log_odds, tokens


def scores(focus, other, background=None):
    background = background if background is not None else focus + other
    return {t.term: t for t in log_odds(focus, other, background)}


def test_frequent_in_both_scores_about_zero():
    focus = Counter({"pakistan": 50, "drone": 20, "filler": 130})
    other = Counter({"pakistan": 50, "talks": 20, "filler": 130})
    result = scores(focus, other)
    assert abs(result["pakistan"].score) < 0.2
    assert abs(result["filler"].score) < 0.2


def test_term_only_in_new_window_scores_high():
    focus = Counter({"pakistan": 50, "drone": 20, "filler": 130})
    other = Counter({"pakistan": 50, "talks": 20, "filler": 130})
    result = scores(focus, other)
    assert result["drone"].score > 2
    assert result["talks"].score < -2  # and the reverse for the old window
    ranked = log_odds(focus, other, focus + other)
    assert ranked[0].term == "drone"


def test_once_only_rare_term_does_not_dominate():
    focus = Counter({"pakistan": 50, "drone": 20, "zanzibar": 1, "filler": 130})
    other = Counter({"pakistan": 50, "filler": 150})
    result = scores(focus, other)
    assert result["zanzibar"].score < result["drone"].score / 2
    assert result["zanzibar"].score < 1.0
    # a plain (unsmoothed) log-odds ratio would make the rare word infinite; ours stays small
    ranked = [t.term for t in log_odds(focus, other, focus + other)]
    assert ranked.index("drone") < ranked.index("zanzibar")


def test_large_background_makes_a_word_common_elsewhere_less_distinctive():
    focus = Counter({"attack": 10, "filler": 90})
    other = Counter({"filler": 100})
    plain = scores(focus, other)["attack"].score
    # "attack" is everywhere in the archive: the prior pulls it towards no difference
    background = Counter({"attack": 5000, "filler": 5000, "rare": 10})
    shrunk = {t.term: t for t in log_odds(focus, other, background)}["attack"].score
    assert 0 < shrunk < plain


def test_empty_inputs():
    assert log_odds(Counter(), Counter(), Counter()) == []


def test_tokens_fold_case_and_drop_stopwords_and_numbers():
    assert list(tokens("The Taliban's DRONE strike in 2026, Café")) == [
        "taliban",
        "drone",
        "strike",
        "cafe",
    ]
    urdu = list(tokens("طالبان اور پاکستان کے درمیان مذاکرات"))
    assert urdu == ["طالبان", "پاکستان", "درمیان", "مذاکرات"]
    assert count(["drone drone", "drone"])["drone"] == 3
