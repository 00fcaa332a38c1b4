"""Figures in news text, read as values, and the ones that changed.

A *figure* is a count or an amount: "at least 40", "dozens", "$9.5bn",
"1.2 million", "Rs 12 lakh", "kilkanaście", "half-a-dozen". Numbers that
belong to names, dates, times, ordinals, levels and identifiers are not
figures: F-16, G20, Covid-19, March 12, 2023, 8pm, 10:30, 5th, article 370,
phase 3, '90s.

A figure *changed* only when an old and a new figure count the same thing.
They are paired by the words around them -- the counted noun after, the verb
or noun before, the unit -- never by position alone; "20 killed, 96 injured"
→ "34 killed, 150 injured" pairs 20 with 34 because both are "killed".
Values are compared, not spellings: seven → 7 is no change, 1,200 → 1.2
million is one, and so is "at least 40" → "more than 40" (another bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.analysis import diffing
from monitor.analysis.figure_reading import CLASSES, Figure, figures
from monitor.analysis.figure_words import GENERIC_NOUNS

__all__ = ["Figure", "FigureChange", "changes", "changes_in_article", "figures"]

_BUCKET = 40


@dataclass
class FigureChange:
    old: str
    new: str
    context: str  # the new text around it, with the change as [old → new]
    field: str = "text"  # "title" or "text"


def _score(a: Figure, b: Figure, common: set[str]) -> int:
    """How surely ``a`` and ``b`` count the same thing (0: not at all).

    ``common`` holds words found around several figures of a text (the
    story's subject, a film's or a person's name): they tell figures apart only when they
    are right next to both.
    """
    if a.unit != b.unit:
        return 0
    if a.kind and b.kind and a.kind != b.kind:
        return 0  # killed vs injured
    score = 0
    if a.kind and a.kind == b.kind:  # both killed: surer when right next to them
        score = 1 + (a.kind in a.near) + (a.kind in b.near)
    generic = 0
    for word in (set(a.near) | set(a.far)) & (set(b.near) | set(b.far)):
        if word in CLASSES:
            continue
        near_a, near_b = word in a.near, word in b.near
        if word in GENERIC_NOUNS:
            generic = 1
        elif near_a and near_b:
            score += 3
        elif word not in common:
            score += 1
    return score + generic


def _clause_overlap(a: Figure, b: Figure) -> float:
    wa, wb = set(a.clause), set(b.clause)
    return 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0


def _common_words(found: list[Figure]) -> set[str]:
    seen: dict[str, int] = {}
    for figure in found:
        for word in set(figure.near) | set(figure.far):
            seen[word] = seen.get(word, 0) + 1
    return {word for word, count in seen.items() if count > 1}


_SIGNS = {"$", "£", "€", "¥", "₹"}
_FINE_WORDS = 80  # replaced blocks up to this many words are re-diffed word by word


def _units(text: str) -> list[str]:
    """Word units with a currency sign kept on its number ("$", "20" → "$20")."""
    units: list[str] = []
    for unit in diffing.word_units(text):
        if units and units[-1] in _SIGNS and unit[:1].isdigit():
            units[-1] += unit
        else:
            units.append(unit)
    return units


def _fine(ops: list[diffing.Op]) -> list[diffing.Op]:
    """``ops`` with each moderate replaced block re-diffed word by word.

    A readable diff shows a rewritten sentence as one removed and one added
    block; the words inside that both keep ("$10 or [$20] less" → "paying
    [$20] or so less") still frame the figures replaced among them, so
    figure pairing does not depend on how the diff chose to display them.
    Offsets are unchanged: the ops' texts concatenate to the same texts."""
    out: list[diffing.Op] = []
    k = 0
    while k < len(ops):
        op, text = ops[k]
        if op == diffing.DELETE and k + 1 < len(ops) and ops[k + 1][0] == diffing.INSERT:
            removed, added = _units(text), _units(ops[k + 1][1])
            if len(removed) <= 2 * _FINE_WORDS and len(added) <= 2 * _FINE_WORDS:
                out.extend(diffing.diff_units(removed, added))
                k += 2
                continue
        out.append((op, text))
        k += 1
    return diffing.merge(out)


def _diff_spots(ops: list[diffing.Op]) -> tuple[dict[int, set[int]], list[tuple[int, int, int]]]:
    """From a word diff: (old offset → new offsets) of small replacements inside
    an unchanged frame ("Premium tier: [$8 → $9]/month (two users)"), and
    the unchanged stretches as (old start, new start, length)."""
    spots: dict[int, set[int]] = {}
    same: list[tuple[int, int, int]] = []
    a = b = 0
    ops = _fine(ops)
    for k, (op, text) in enumerate(ops):
        if op == diffing.EQUAL:
            same.append((a, b, len(text)))
        elif op == diffing.DELETE and k + 1 < len(ops) and ops[k + 1][0] == diffing.INSERT:
            inserted = ops[k + 1][1]
            before = ops[k - 1][1] if k > 0 and ops[k - 1][0] == diffing.EQUAL else ""
            after = ops[k + 2][1] if k + 2 < len(ops) and ops[k + 2][0] == diffing.EQUAL else ""
            small = len(text.split()) <= 3 and len(inserted.split()) <= 3
            left = len(re.findall(r"\w+", before.split("\n\n")[-1]))
            right = len(re.findall(r"\w+", after.split("\n\n")[0]))
            end = k + 2 >= len(ops)  # the replaced words end the text
            framed = (left and right) or (left >= 2 and end) or (right >= 2 and k == 0)
            if small and framed:
                spots.setdefault(a, set()).add(b)
        if op != diffing.INSERT:
            a += len(text)
        if op != diffing.DELETE:
            b += len(text)
    return spots, same


def _unchanged(
    old: list[Figure], new: list[Figure], same: list[tuple[int, int, int]]
) -> tuple[list[Figure], list[Figure]]:
    """Leave out figures sitting in text the diff found unchanged (on both sides)."""
    starts = {f.start: f for f in new}
    kept_old, gone_new = [], set()
    for f in old:
        stretch = next((s for s in same if s[0] <= f.start and f.end <= s[0] + s[2]), None)
        twin = starts.get(f.start - stretch[0] + stretch[1]) if stretch else None
        if twin is not None and twin.text == f.text:
            gone_new.add(id(twin))
        else:
            kept_old.append(f)
    return kept_old, [f for f in new if id(f) not in gone_new]


def _pairs(
    old: list[Figure], new: list[Figure], spots: dict[int, set[int]]
) -> list[tuple[Figure, Figure, bool]]:
    """(old, new, replaced in place) for figures that count the same thing.

    Only figures sharing a word, a kind, an in-place spot or a lone unit are
    scored, so long articles with hundreds of figures stay fast."""
    common = _common_words(old) | _common_words(new)
    by_word: dict[str, list[int]] = {}
    for j, b in enumerate(new):
        far = {w for w in b.far if w not in common}  # common words score only when near
        for word in {*b.near, *far, b.kind, "UNIT:" + b.unit if b.unit else ""} - {""}:
            by_word.setdefault(word, []).append(j)
    old_units: dict[str, int] = {}
    new_units: dict[str, int] = {}
    for f in old:
        old_units[f.unit] = old_units.get(f.unit, 0) + 1
    for f in new:
        new_units[f.unit] = new_units.get(f.unit, 0) + 1
    scored = []
    for a in old:
        candidates: set[int] = set()
        for word in {*a.near, *(w for w in a.far if w not in common), a.kind} - {""}:
            bucket = by_word.get(word, ())
            if len(bucket) <= _BUCKET:  # a word around dozens of figures tells none apart
                candidates.update(bucket)
        alone = bool(a.unit) and old_units[a.unit] == new_units.get(a.unit, 0) == 1
        if alone:
            candidates.update(by_word.get("UNIT:" + a.unit, ()))
        places = {y for x, ys in spots.items() if a.start <= x <= a.end for y in ys}
        if places:
            candidates.update(
                j for j, b in enumerate(new) if any(b.start <= y <= b.end for y in places)
            )
        for j in candidates:
            b = new[j]
            if a.unit != b.unit or (a.kind and b.kind and a.kind != b.kind):
                continue
            score = _score(a, b, common)
            in_place = any(b.start <= y <= b.end for y in places)
            if in_place:
                score += 3  # replaced inside the same words
            if alone and _clause_overlap(a, b) >= 0.3:
                score += 2  # the only amount of this kind in both texts, alike clauses
            scored.append((score, a.value == b.value, in_place, a, b))
    pairs: list[tuple[Figure, Figure, bool]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    # best first; on a tie an unchanged figure wins; a change needs more evidence
    for score, equal, in_place, a, b in sorted(scored, key=lambda s: (-s[0], not s[1])):
        if score < (1 if equal else 2) or id(a) in used_a or id(b) in used_b:
            continue
        used_a.add(id(a))
        used_b.add(id(b))
        pairs.append((a, b, in_place))
    return pairs


def _context(text: str, figure: Figure, old: str, words: int = 5) -> str:
    before = text[: figure.start].split("\n\n")[-1].split()[-words:]
    after = text[figure.end :].split("\n\n")[0].split()[:words]
    return " ".join([*before, f"[{old} → {figure.text}]", *after])


def _amount(figure: Figure) -> tuple[float, float, str]:
    return (round(figure.low, 6), round(figure.high, 6), figure.unit)


def _distinctive(figure: Figure) -> bool:
    """A value unlikely to recur by chance: an exact amount, or a count of ten or more."""
    return figure.low == figure.high and (figure.low >= 10 or figure.unit[:1] in "$£€¥₹z%")


def changes(
    old: str,
    new: str,
    field: str = "text",
    elsewhere: str = "",
    ops: list[diffing.Op] | None = None,
) -> list[FigureChange]:
    """Figures of ``old`` whose value changed in ``new``, for the same quantity.

    A value that was already in the old version (here or in ``elsewhere``,
    the old version's other field), or is still in this field of the new
    one, moved rather than changed (a "$120m" part of a "$300m" total) -- unless it
    was replaced in place, inside the same words. ``ops``: the word diff of
    ``old`` and ``new``, when the caller has it already.
    """
    old_figures, new_figures = figures(old), figures(new)
    here = {_amount(f) for f in old_figures}
    there = {_amount(f) for f in figures(elsewhere)}
    after = {_amount(f) for f in new_figures}
    spots: dict[int, set[int]] = {}
    candidates_old, candidates_new = old_figures, new_figures
    if old and new:
        spots, same = _diff_spots(ops if ops is not None else diffing.diff_text(old, new))
        candidates_old, candidates_new = _unchanged(old_figures, new_figures, same)
    result = []
    for a, b, in_place in _pairs(candidates_old, candidates_new, spots):
        if a.value == b.value:
            continue
        if _amount(a) != _amount(b):  # not just another bound ("more than 140" → "140")
            if _distinctive(b) and _amount(b) in there:
                continue
            if not in_place and (
                (_distinctive(b) and _amount(b) in here)
                or (_distinctive(a) and _amount(a) in after)
            ):
                continue
        result.append(FigureChange(a.text, b.text, _context(new, b, a.text), field))
    result.sort(key=lambda c: new.find(c.new))
    return result


def changes_in_article(
    title_old: str,
    title_new: str,
    old: str,
    new: str,
    ops: list[diffing.Op] | None = None,
) -> list[FigureChange]:
    """Title and text compared field by field; a change carried by both is named
    once. ``ops``: the word diff of the texts, if already computed."""
    in_title = changes(title_old, title_new, "title", elsewhere=old)
    in_text = changes(old, new, "text", elsewhere=title_old, ops=ops)

    def values(c: FigureChange) -> tuple[float, ...]:
        a, b = figures(c.old), figures(c.new)
        return (a[0].low, a[0].high, b[0].low, b[0].high) if a and b else ()

    seen = {values(c) for c in in_title}
    return in_title + [c for c in in_text if values(c) not in seen]
