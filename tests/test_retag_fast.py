"""Shortcuts of ``retag`` and of compiling a taxonomy give the answers of the plain ways
they replace: the plain-word check of ASCII words, the taxonomy's spec without
``dataclasses.asdict``, and the scope gate reading the runs the tagger reads."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import matching, retag_scope, stories, taxonomy, tokenmatch
from tests.test_fast_matching import texts


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.text(alphabet="aZ09_-' ſK\u00e9", max_size=8)))
def test_plain_word_equals_the_character_by_character_check(word: str):
    assert tokenmatch._plain_word(word) is tokenmatch._plain_word_reference(word)


def test_spec_is_the_asdict_json():
    story = stories.builtin_stories()["pakistan-taliban"]
    themes = taxonomy.parse_themes(story)
    expected = json.dumps(
        {"rule": story.rule, "themes": [asdict(t) for t in themes]}, ensure_ascii=False
    )
    assert retag_scope.spec(story.rule, themes) == expected
    assert retag_scope.from_spec(expected) == (story.rule, themes)


def _touches_reference(gate: retag_scope.Gate, text: str) -> bool:
    """Gate.touches as it was: its own findall, each word's lemma looked up every time."""
    from monitor.themes import lemmas

    if gate.empty:
        return False
    if gate.every:
        return True
    words = re.findall(r"\w+", text)  # (as it read them)
    if gate.engine is not None:
        memo = gate.engine._lookup(words)
        last = len(words) - 1
        for i in [i for i, word in enumerate(words) if memo[word][1]]:
            if gate.engine._narrow(words[i], words[i + 1] if i < last else None)[1]:
                return True
    elif gate.scanner is not None and gate.scanner.found(text):
        return True
    if not gate.keys:
        return False
    if lemmas._SPECIAL.search(text) is None:
        keys = {lemmas._lookup(w)[0] for w in set(words)}
        if gate.keys.isdisjoint(keys):
            return False
    return bool(gate.lemma_index.find(lemmas.tokens(text)))


#: words as a text writes them: inflected forms only the lemmas find too
_WRITTEN = ["fled", "flees", "struck", "striking", "talk", "Doha", "food", "shortages"]
_WRITTEN += ["the", "TTP's", "peace", "Agreement", "said", "_", "naïve"]
_SENTENCES = st.lists(st.sampled_from(_WRITTEN), max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["flee", "talks", "TTP", "Doha*", "food shortage*", "strike"]), max_size=3
    ),
    st.lists(st.one_of(texts(), _SENTENCES), min_size=1, max_size=4),
)
def test_gate_touches_equals_the_reference(words: list[str], some: list[str]):
    gate = retag_scope.Gate(set(words), ["peace talks", "fled", "Doha Agreement"])
    for text in some:  # (several texts: the gate's memo of judged words grows)
        assert gate.touches(text) is _touches_reference(gate, text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts(), _SENTENCES, st.text(max_size=30)))
def test_run_words_are_the_runs(text: str):
    assert retag_scope.run_words(text) == matching.runs(text)[0]
    ascii_only = text.encode("ascii", "replace").decode("ascii")
    assert retag_scope.run_words(ascii_only) == matching.runs(ascii_only)[0]
