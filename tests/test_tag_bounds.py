"""The shortcuts of the tag path (``CompiledTaxonomy.tag``) drop only what cannot be
tagged: :meth:`CompiledTaxonomy._may_tag` drops a theme only for an exclude word found
or a score bound never below the one :func:`taxonomy._cannot_tag` computes, and the
tags equal the reference's on random texts of the built-in taxonomy's vocabulary with
a headline, at every length."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import taxonomy
from tests.test_fast_matching import _exact, _pair, texts


@st.composite
def articles(draw: st.DrawFn) -> str:
    """A headline, a blank line and a body of several paragraphs (long ones too: the
    full threshold applies from 150 words on)."""
    head = draw(texts())
    body = [draw(texts()) for _ in range(draw(st.integers(0, 6)))]
    return head.replace("\n\n", " ") + "\n\n" + "\n\n".join(body)


@settings(max_examples=150, deadline=None)
@given(st.one_of(texts(), articles()))
def test_tag_equals_the_tagged_part_of_the_reference(text: str):
    fast, slow = _pair()
    expected = [s for s in slow.explain(text) if s.tagged]
    got = fast.explain(text, misses=False)
    assert _exact(got) == _exact(expected)


@settings(max_examples=150, deadline=None)
@given(st.one_of(texts(), articles()))
def test_the_score_bound_is_never_below_the_exact_bound(text: str):
    fast, _ = _pair()
    toks, found = fast._occurrences(text)
    by_holds: dict[taxonomy._Held, list[tuple[int, int, int]]] = {}
    places: list[dict[str, list[tuple[int, int, int]]]] = [{} for _ in fast.parsed]
    for held, index, start, end in found:
        by_holds.setdefault(held, []).append((index, start, end))
        for i, words in held[0]:
            for word in words:
                places[i].setdefault(word, []).append((index, start, end))
    headline_end = text.find("\n\n")
    scale = taxonomy.length_scale(len(toks))
    present = {w for held in by_holds for w in held[1]}
    alive = fast._may_tag(by_holds, headline_end, scale, present)
    for i, theme in enumerate(fast.parsed):
        if not places[i] or i in alive:
            continue
        if not present.isdisjoint(theme.exclude):
            continue  # (vetoed: _cannot_tag says so too)
        # a dropped theme: the score bound of _cannot_tag falls short of the threshold
        most = 0.0
        for term in places[i].keys() & set(theme.terms):
            where = sorted(places[i][term])
            bonus = (
                taxonomy.HEADLINE_BONUS if headline_end > 0 and where[0][1] < headline_end else 0
            )
            most += theme.terms[term] * (min(len(where), taxonomy.MAX_COUNT) + bonus)
        assert round(most, 3) < round(theme.min_score * scale, 3)
