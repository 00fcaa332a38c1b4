"""The background counts of distinctive terms are kept incrementally and equal a
fresh count (and the FTS index's own document counts) after any number of runs."""

from __future__ import annotations

from conftest import add_article
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import terms
from monitor.store import termstats


def fts_counts(db, words):
    db.execute("create virtual table if not exists temp.v using fts5vocab(main, versions_fts, row)")
    marks = ",".join("?" * len(words))
    return dict(db.execute(f"select term, cnt from temp.v where term in ({marks})", words))


def test_incremental_counts_equal_a_full_count(db):
    add_article(db, "https://a/1", "Talks in Doha", "Ceasefire talks resumed. Talks again.")
    add_article(db, "https://a/2", "Border clash", "Soldiers clashed at the border crossing.")
    assert termstats.refresh(db, terms.count) == 2
    add_article(db, "https://a/1", "Talks in Doha", "Ceasefire talks collapsed in Doha.")
    add_article(db, "https://a/3", "Refugees", "Refugees crossed the border at Torkham.")
    assert termstats.refresh(db, terms.count) == 2
    assert termstats.refresh(db, terms.count) == 0  # nothing new: nothing read
    words = ["talks", "doha", "border", "refugees", "ceasefire", "torkham", "absent"]
    counts, total = termstats.background(db, words)
    assert counts == fts_counts(db, words)
    assert counts["talks"] == 5 and counts["doha"] == 3 and "absent" not in counts
    assert total == db.execute("select sum(words) from versions").fetchone()[0]


def test_count_equals_counting_token_by_token():
    from collections import Counter

    texts = [
        "Kabul KABUL kabul: talks, Talks; TALKS in Doha 2025 and 17 others.",
        "Café cafe CAFÉ naïve İstanbul ISTANBUL the of a I x",
        "طالبان اور پاکستان کے درمیان مذاکرات دوحہ میں ہوئے۔ مذاکرات",
        "under_score snake_case e-mail co-operation O'Brien",
        "cafe\u0301 Cafe\u0301s na\u0308ive",  # decomposed Latin marks
        "مُذَاكَرَات مذاكرات سلامٌ",  # Arabic harakat inside words
    ]
    slow: Counter[str] = Counter()
    for text in texts:
        slow.update(terms.tokens(text))
    assert terms.count(texts) == slow
    assert slow["kabul"] == 3 and slow["talks"] == 3 and "the" not in slow


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(max_codepoint=127), max_size=120),
            st.text(max_size=60),
        ),
        max_size=4,
    )
)
def test_count_equals_counting_token_by_token_on_any_text(texts):
    """ASCII texts are split by re (faster), others by the regex module; tokens are
    folded once a process: the counts are the token-by-token reference's, twice over."""
    from collections import Counter

    slow: Counter[str] = Counter()
    for text in texts:
        slow.update(terms.tokens(text))
    assert terms.count(texts) == slow
    assert terms.count(texts) == slow  # (the second time from the remembered words)


_TYPOGRAPHIC_TEXT = st.lists(
    st.sampled_from(
        ["Kab", "ul", " ", "Doha", "TALKS", "talks", "2025", "_", "-", "'", ".", ",", "\n", "the"]
        + list("\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0\u2022\u00ab\u00bb")
        + ["\u00e9", "\u0130", "\u00b7", "\u2010", "e\u0301"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TYPOGRAPHIC_TEXT, max_size=4))
def test_count_equals_the_reference_on_text_with_typographic_punctuation(texts):
    """Curly quotes, dashes and no-break spaces are blanked and the text split as ASCII
    bytes; any other non-ASCII letter sends it to the pattern: the same counts."""
    from collections import Counter

    slow: Counter[str] = Counter()
    for text in texts:
        slow.update(terms.tokens(text))
    assert terms.count(texts) == slow
    assert terms.count(texts) == slow
