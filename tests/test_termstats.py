"""The background counts of distinctive terms are kept incrementally and equal a
fresh count (and the FTS index's own document counts) after any number of runs."""

from __future__ import annotations

from conftest import add_article

from monitor.analysis import terms
from monitor.store import termstats


def fts_counts(db, words):
    db.execute("create virtual table if not exists temp.v using fts5vocab(main, versions_fts, row)")
    marks = ",".join("?" * len(words))
    return dict(db.execute(f"select term, cnt from temp.v where term in ({marks})", words))


def test_incremental_counts_equal_a_full_count(db):
    add_article(db, "https://a/1", "Talks in Doha", "Ceasefire talks resumed. Talks again.")
    add_article(db, "https://a/2", "Border clash", "Soldiers clashed at the border crossing.")
    assert termstats.refresh(db, terms.tokens) == 2
    add_article(db, "https://a/1", "Talks in Doha", "Ceasefire talks collapsed in Doha.")
    add_article(db, "https://a/3", "Refugees", "Refugees crossed the border at Torkham.")
    assert termstats.refresh(db, terms.tokens) == 2
    assert termstats.refresh(db, terms.tokens) == 0  # nothing new: nothing read
    words = ["talks", "doha", "border", "refugees", "ceasefire", "torkham", "absent"]
    counts, total = termstats.background(db, words)
    assert counts == fts_counts(db, words)
    assert counts["talks"] == 5 and counts["doha"] == 3 and "absent" not in counts
    assert total == db.execute("select sum(words) from versions").fetchone()[0]
