"""Internals (private helpers and process plumbing), kept apart from the behaviour tests.

Tagging on store: precision on hand-labelled articles, evidence, show --json, retag."""

from __future__ import annotations

from themes_helpers import add, tags_of

from monitor.themes import stories


def test_taxonomy_is_compiled_only_when_a_text_needs_it(db):
    """Storing texts no story claims never compiles a taxonomy (a second of a fetch run)."""
    from monitor.themes import tagger as tagging

    stories.ensure_builtin(db)
    tagging._cache.clear()
    article = add(
        db,
        "Weather",
        "Monsoon rains over the plains; farmers expect a harvest.",
        url="https://example.com/weather",
        story=None,
    )
    tagger = tagging.load_taggers(db)["pakistan-taliban"]
    assert tags_of(db, article) == {}
    assert tagger._compiled is None
    claimed = add(
        db,
        "Torkham closed",
        "Pakistan closed the Torkham border crossing after clashes with Taliban forces; "
        "border clashes and shelling continued along the Durand Line.",
        url="https://example.com/torkham",
        story=None,
    )
    assert tagger._compiled is not None
    assert "border-clashes" in tags_of(db, claimed)
