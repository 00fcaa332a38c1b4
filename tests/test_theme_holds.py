"""What a matched text holds for each theme: one read of it for the words of every theme
(the taxonomy's engine), then each theme's own count only where one of its terms
begins, gives what every theme's own reading gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.themes import stories
from monitor.themes import tagger as tagging

TAXONOMY = tagging.tagger_for(stories.builtin_stories()["pakistan-taliban"]).taxonomy
WORDS = sorted({w for terms, others in TAXONOMY._words for w in (*terms, *others)}) + [
    "said",
    "the",
    "Kabul’s",
    "in",
    "x",
    "ſtate",
    "حملہ",
]


def _every_theme(matched: str) -> list[dict[str, int]]:
    """:meth:`CompiledTaxonomy.holds` with every theme read."""
    found = []
    for count, aux in TAXONOMY._scans:
        counts = count(matched)
        if aux is not None:
            for w in sorted(aux(matched)):
                counts.setdefault(w, 1)
        found.append(counts)
    return found


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(WORDS),
            st.sampled_from([str.lower, str.upper, str.title, str]),
            st.sampled_from([" ", "-", " – ", "'s "]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_themes_read_hold_what_every_theme_holds(parts):
    matched = "".join(case(word.rstrip("*")) + join for word, case, join in parts).strip()
    TAXONOMY._inside.pop(matched, None)
    held = TAXONOMY.holds(matched)
    assert held == _every_theme(matched)
    assert [list(h) for h in held] == [list(h) for h in _every_theme(matched)]  # (in order)


def test_a_theme_none_of_whose_terms_begins_in_a_matched_text_counts_nothing(monkeypatch):
    counted: list[int] = []
    scans = list(TAXONOMY._scans)

    def counting(i, count):
        def count_and_note(matched):
            counted.append(i)
            return count(matched)

        return count_and_note

    monkeypatch.setattr(
        TAXONOMY, "_scans", [(counting(i, c), aux) for i, (c, aux) in enumerate(scans)]
    )
    matched = "Torkham border crossing"
    TAXONOMY._inside.pop(matched, None)
    held = TAXONOMY.holds(matched)
    assert 0 < len(counted) < len(scans)
    assert held == _every_theme(matched)
