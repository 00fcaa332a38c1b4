"""Paragraphs changed, added and removed between two versions of a text.

Unchanged paragraphs are aligned first (in order; one that only moved is not
an edit). In each stretch between them, old and new paragraphs are paired
when one is recognisably an edit of the other, the pairing that keeps the
order and pairs the most; an old paragraph left unpaired was removed, a new
one added. So a paragraph edited in place is "changed", and "1 added,
1 removed" means a different paragraph took its place.

"Recognisably an edit" is decided by sentence alignment:

* the frame survives: the same opening (first six words) or the same
  closing (last five words);
* or most sentences survive (in paragraphs of three sentences or more): at
  least half the sentences of one paragraph reappear, nearly word for word,
  in the other;
* or the words agree: the word-sequence similarity is at least 0.42, or at
  least 0.33 with half the content words shared (sentences rewritten one by
  one keep many of their words).

Differences that come only from a feed or archive cutting the text short
are not edits: a last paragraph ending in "..." or a cut-off word that is
the start of the other version's paragraph is that paragraph, and what the
longer version has after the cut is not "added".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from monitor.analysis.figure_words import STOP as _STOP

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]*[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ0-9])")
_TRUNCATION = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")


@dataclass
class ParagraphChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)


def split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


@lru_cache(maxsize=4096)
def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _key(paragraph: str) -> str:
    return " ".join(paragraph.split())


@lru_cache(maxsize=1024)
def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph) if _WORD.search(s)]


def sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph."""
    return [s for p in split(text) for s in _sentences(p)]


def _ratio(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _content_dice(a: list[str], b: list[str]) -> float:
    ca = Counter(w[:5] for w in a if w not in _STOP)
    cb = Counter(w[:5] for w in b if w not in _STOP)
    total = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / total if total else 1.0


def _surviving(these: list[str], those: list[str]) -> int:
    """How many sentences of ``these`` reappear nearly word for word in ``those``."""
    other = [_words(s) for s in those]
    return sum(1 for s in these if any(_ratio(_words(s), o) >= 0.6 for o in other))


def same_paragraph(old: str, new: str) -> bool:
    """Is ``new`` recognisably an edit of ``old``?"""
    a, b = _words(old), _words(new)
    if not a or not b:
        return False
    if len(a) >= 6 and len(b) >= 6 and (a[:6] == b[:6] or a[-5:] == b[-5:]):
        return True
    sa, sb = _sentences(old), _sentences(new)
    if (len(sa) > 2 or len(sb) > 2) and (
        _surviving(sa, sb) * 2 >= len(sa) or _surviving(sb, sa) * 2 >= len(sb)
    ):
        return True
    ratio = _ratio(a, b)
    return ratio >= 0.42 or (ratio >= 0.33 and _content_dice(a, b) >= 0.5)


def _is_cut_of(short: str, full: str) -> bool:
    """``short`` is ``full`` cut off (perhaps mid-word, perhaps marked "...")."""
    marked = bool(_TRUNCATION.search(short))
    if not marked and re.search(r"[.!?…][\"'”’»)]*\s*$", short):
        return False  # ends as a sentence does: text added after it is an edit
    a, b = _words(_TRUNCATION.sub("", short)), _words(full)
    if not a or len(a) > len(b) or a[:-1] != b[: len(a) - 1]:
        return False
    if len(a) == len(b) and a[-1] == b[-1]:
        return False  # the same words: an edit of punctuation or case, not a cut
    return b[len(a) - 1].startswith(a[-1])


def _trim_cut(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Make both lists end where the shorter text was cut off."""
    for short, full, short_is_old in ((old, new, True), (new, old, False)):
        if not short:
            continue
        last = short[-1]
        for j, paragraph in enumerate(full):
            if _key(paragraph) != _key(last) and _is_cut_of(last, paragraph):
                keep = [*full[:j], last]
                return (short, keep) if short_is_old else (keep, short)
    return old, new


def _pair(gone: list[str], came: list[str]) -> list[tuple[int, int]]:
    """The order-keeping pairing of same paragraphs with the most pairs."""
    n, m = len(gone), len(came)
    # in a long stretch, a paragraph is compared only with those near its place
    band = max(n, m) if n * m <= 400 else 5

    def near(i: int, j: int) -> bool:
        return abs(i * m / n - j) <= band

    same = [
        [near(i, j) and same_paragraph(g, c) for j, c in enumerate(came)]
        for i, g in enumerate(gone)
    ]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(
                best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + 1 if same[i][j] else 0
            )
    pairs = []
    i = j = 0
    while i < n and j < m:
        if same[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def changes(old: str, new: str) -> ParagraphChanges:
    result = ParagraphChanges()
    a, b = _trim_cut(split(old), split(new))
    ka, kb = [_key(p) for p in a], [_key(p) for p in b]
    if ka == kb:
        return result
    matcher = SequenceMatcher(None, ka, kb, autojunk=False)
    moved_a = set(ka) & set(kb)  # unchanged text that only moved
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gone = [p for p in a[i1:i2] if _key(p) not in moved_a]
        came = [p for p in b[j1:j2] if _key(p) not in moved_a]
        pairs = _pair(gone, came)
        paired_gone = {i for i, _ in pairs}
        paired_came = {j for _, j in pairs}
        result.changed += [(gone[i], came[j]) for i, j in pairs]
        result.removed += [p for i, p in enumerate(gone) if i not in paired_gone]
        result.added += [p for j, p in enumerate(came) if j not in paired_came]
    return result
