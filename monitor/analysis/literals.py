"""A cheap test that lets a long text skip a case-insensitive regex search.

Many patterns of the edit analysis are alternations of words searched with
``re.IGNORECASE`` over a whole article (correction and update notices, hedges),
and Python's ``re`` tries every alternative at every position: about 0.3 ms for a
600-word text, though most texts hold none of the words. Every match of such a
pattern contains one of a few lower-case literals ("correction", "update", ...),
and ``literal in text.lower()`` is a fast substring search, so when no literal is
there the pattern cannot match and the search is skipped.

That is exact because, for the letters these literals use, ``re.IGNORECASE``
and ``str.lower()`` agree on every character but three: dotted İ (its
``lower()`` is two characters), dotless ı (matches ``i``) and long ſ (matches
``s``). A text holding one of them is always searched. ``tests/test_edit_speed.py``
checks this against every Unicode character for the letters of the literals used.
"""

from __future__ import annotations

#: characters ``re.IGNORECASE`` reads as a letter ``str.lower()`` does not turn them into
CASE_ODD = ("\u0130", "\u0131", "\u017f")  # İ ı ſ


def may_match(text: str, literals: tuple[str, ...]) -> bool:
    """False only when ``text`` holds none of ``literals`` (lower case) in any letter
    case: then a pattern each of whose matches contains one of them cannot match."""
    if any(odd in text for odd in CASE_ODD):
        return True
    low = text.lower()
    return any(literal in low for literal in literals)
