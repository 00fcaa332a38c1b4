"""A theme tag's evidence: the snippet around its strongest term, and the stored JSON.

A tag stores ``{"at": [start, end], "terms": {term: count}}``: where its strongest term
is in the tagged document (``title + "\\n\\n" + text``, character offsets) instead of
the snippet itself (~95 bytes a tag, a fifth of the tags' disk). The snippet is made
again from the version's text when shown (:func:`expand`); a version's text never
changes, so it is the snippet tagging saw. Tags stored before keep
``{"snippet": ..., "terms": ...}`` and are shown as they are.
"""

from __future__ import annotations

import json
from typing import Any

SNIPPET_CHARS = 80

#: the stored evidence JSON: sorted keys, no spaces, text as is (not \\u escapes)
encode_stored = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
#: the evidence as shown (``show --json``, ``export themes``): as tags stored it before
_encode_shown = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def snippet(text: str, start: int, end: int, chars: int = SNIPPET_CHARS) -> str:
    """About ``chars`` characters around ``text[start:end]``, cut at word boundaries, one line."""
    # stay inside the paragraph (the title is a paragraph of its own)
    para_start = text.rfind("\n\n", 0, start) + 2 if text.rfind("\n\n", 0, start) != -1 else 0
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end == -1 else para_end
    left = max(para_start, start - chars // 2)
    right = min(para_end, end + chars // 2)
    if left > para_start:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < para_end:
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    body = " ".join(text[left:right].split())
    return ("…" if left > para_start else "") + body + ("…" if right < para_end else "")


def document(title: str, text: str) -> str:
    """The text a tag's offsets point into: the title, a blank line, the text."""
    return f"{title}\n\n{text}"


def expand(evidence: Any, title: str | None, text: str | None) -> Any:
    """Stored evidence as shown: ``{"terms", "snippet"}``, the snippet made from the
    version's ``title`` and ``text`` when the tag stored only where it is (anything
    else is returned as it is)."""
    if not isinstance(evidence, dict):
        return evidence
    at = evidence.get("at")
    if at is None or "snippet" in evidence:
        return evidence
    shown = {k: v for k, v in evidence.items() if k != "at"}
    try:
        start, end = int(at[0]), int(at[1])
    except (TypeError, ValueError, IndexError):
        shown["snippet"] = ""
        return shown
    shown["snippet"] = snippet(document(title or "", text or ""), start, end)
    return shown


def expand_json(stored: str | None, title: str | None, text: str | None) -> str | None:
    """:func:`expand` on the stored JSON text; the JSON as tags stored it before (the same
    text, key order and spacing), or the stored text when it is not an object."""
    if not stored:
        return stored
    try:
        evidence = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(evidence, dict) or "at" not in evidence or "snippet" in evidence:
        return stored
    return _encode_shown(expand(evidence, title, text))
