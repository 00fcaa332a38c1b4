"""simplemma's compact dictionaries (read as needed, for ``fetch`` and ``add``) give the
lemmas its whole ones give (decoded at once, for ``retag``)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import lemmas

WORDS = [
    "fled",
    "struck",
    "children",
    "negotiations",
    "deported",
    "refugees'",
    "Pakistanis",
    "crises",
    "better",
    "went",
    "karitolo",
    "counterstrikes",
    "حملوں",
    "طالبان",
    "پاکستانی",
    "ſtate",
]


@settings(max_examples=120, deadline=None)
@given(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz'", min_size=1, max_size=12),
        st.text(alphabet="حملوںطالبانپاکستی", min_size=1, max_size=8),
    )
)
def test_the_compact_dictionaries_give_the_same_lemmas(word):
    whole = lemmas.lemma.__wrapped__(word)
    with lemmas.compact():
        assert lemmas.lemma.__wrapped__(word) == whole


def test_compact_nests_and_gives_the_whole_dictionaries_back():
    assert lemmas._lemmatizer is lemmas._WHOLE
    with lemmas.compact():
        with lemmas.compact():
            assert lemmas._lemmatizer is lemmas._COMPACT
        assert lemmas._lemmatizer is lemmas._COMPACT
    assert lemmas._lemmatizer is lemmas._WHOLE


def test_add_looks_new_words_up_in_the_compact_dictionaries(invoke, tmp_path: Path, monkeypatch):
    asked: list[str] = []
    for name in ("_WHOLE", "_COMPACT"):
        lemmatizer = getattr(lemmas, name)

        class Spy:
            def lemmatize(self, word, lang, _name=name, _inner=lemmatizer):
                asked.append(_name)
                return _inner.lemmatize(word, lang=lang)

        monkeypatch.setattr(lemmas, name, Spy())
    monkeypatch.setattr(lemmas, "_lemmatizer", lemmas._WHOLE)
    lemmas.lemma.cache_clear()
    lemmas._KNOWN.clear()
    page = tmp_path / "a.txt"
    page.write_text("Zorblaxes fled Peshawar\n\nThousands of zorblaxing families fled.\n")
    result = invoke("add", str(page))
    assert result.exit_code == 0, result.output
    assert asked and set(asked) == {"_COMPACT"}
    assert lemmas._lemmatizer is lemmas._WHOLE
