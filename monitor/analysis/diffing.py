"""Word-level diffs between two versions of a text: fast, faithful, readable.

Both texts are cut into units at three levels, paragraphs, sentences and word
tokens, and aligned level by level, the way ``git diff --patience`` aligns
lines:

1. **Anchors.** Units that occur exactly once in each text (within the stretch
   being aligned) and in the same order (longest increasing subsequence) are
   matched, as are the equal units around them. Whitespace units (the blank
   lines between paragraphs, the spaces between sentences) never anchor: they
   match everywhere and would cut unrelated texts into hundreds of small
   regions.
2. **Regions.** Each stretch between anchors goes down one level. A large
   stretch is first checked with :func:`relatedness` (a cheap count over
   whitespace-split words); one whose texts are unrelated is shown as one
   replaced block without being diffed further (a paragraph-level one only
   when no sentence is shared, so one long paragraph that keeps its opening
   keeps it).
3. **Words.** What is left between word anchors is diffed with Myers'
   algorithm under a step budget shared by the whole diff; past the budget a
   gap is shown as replaced. So a diff costs time linear in the texts plus at
   most the budget, however large or unrelated they are.

Last, :func:`readable` joins an edit, the short equal stretch in it and the
next edit into one replacement when the equal stretch weighs less than the
edits on both sides (the rule of diff-match-patch's semantic clean-up, with
word characters as weights): a sentence whose words mostly changed reads as
one removed block and one added block, not shredded around "in" or "the".

Every op list returned here reconstructs both texts exactly: joining the texts
of ops 0 and -1 gives the old text, of ops 0 and 1 the new one.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex
from diff_match_patch import diff_match_patch

DELETE, EQUAL, INSERT = -1, 0, 1
Op = tuple[int, str]

#: a changed paragraph is paired with a new one when their words overlap this much
MIN_OVERLAP = 0.5
#: a region with at least this many characters (both sides) is checked for relatedness
CHECK_CHARS = 1000
#: below this relatedness a checked region is shown as replaced
MIN_RELATEDNESS = 0.1
#: an equal stretch of at most this many words between two heavier edits is absorbed
ABSORB_WORDS = 2
_ABSORB_CHARS = 80  # longer than any two words worth absorbing: skip the counting
#: Myers steps one diff may spend (about 0.1 s of CPU); past it gaps are replaced
MAX_STEPS = 500_000

_PARAGRAPHS = re.compile(r"(\n[ \t]*\n\s*)")
_SENTENCES = re.compile(r"(?<=[.!?;:\u3002\uff01\uff1f\u061f\u06d4\u0964])(\s+)")
#: a sentence ends after a word of two letters or more ("U.S. officials" goes on)
_SENTENCE_END = re.compile(
    r"(?:\w\w|\w[\"”’')\]])[.!?…]+[\"”’')\]]*(?:\s|$)|[\u3002\uff01\uff1f\u061f\u06d4\u0964]"
)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# the regex module: its \w holds combining marks, so a Hindi or Bengali word is one unit
_TOKENS = regex.compile(
    rf"[{_CJK}]"  # one CJK character per token: those scripts have no spaces
    r"|\d+(?:[.,:/]\d+)*%?"  # numbers stay whole: 1,200 / 3.5 / 10:30 / 60%
    rf"|(?:(?![{_CJK}])\w)+(?:['’](?:(?![{_CJK}])\w)+)*"  # words, with apostrophes
    r"|\s+"  # whitespace
    r"|.",  # anything else: punctuation, marks, symbols
    regex.DOTALL,
)
_WORD = regex.compile(r"\w")


# --- units ------------------------------------------------------------------------------


def split_keep(pattern: re.Pattern[str], text: str) -> list[str]:
    """Split ``text`` into pieces and the separators between them (all kept)."""
    return [piece for piece in pattern.split(text) if piece]


def paragraph_units(text: str) -> list[str]:
    return split_keep(_PARAGRAPHS, text)


def sentence_units(text: str) -> list[str]:
    return split_keep(_SENTENCES, text)


def word_units(text: str) -> list[str]:
    return _TOKENS.findall(text)


def count_words(text: str) -> int:
    return sum(1 for token in word_units(text) if _WORD.search(token))


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str, list[str]]:
    """Map each distinct unit to one character, as dmp's line mode does."""
    table = list(dict.fromkeys([*a, *b]))
    code = {unit: chr(i) for i, unit in enumerate(table)}.__getitem__
    return "".join(map(code, a)), "".join(map(code, b)), table


# --- anchors ----------------------------------------------------------------------------


def _increasing(seq: Sequence[int]) -> list[int]:
    """Indices into ``seq`` of one longest strictly increasing subsequence."""
    tails: list[int] = []  # smallest last value of an increasing run of each length
    ends: list[int] = []  # index of that last value
    before = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = bisect_left(tails, value)
        if k:
            before[i] = ends[k - 1]
        if k == len(tails):
            tails.append(value)
            ends.append(i)
        else:
            tails[k], ends[k] = value, i
    out = []
    i = ends[-1] if ends else -1
    while i >= 0:
        out.append(i)
        i = before[i]
    return out[::-1]


def _match(a: str, b: str, anchorable: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Positions (i, j) with a[i] == b[j] that align ``a`` with ``b``, patience style.

    ``a`` and ``b`` are encoded units (one character each). Equal units at the
    ends of each stretch are matched; inside it, the anchorable units found
    once on each side are matched in their longest common order, and the
    stretches between them are aligned the same way.
    """
    pairs: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
            pairs.append((ahi, bhi))
        if alo == ahi or blo == bhi:
            continue
        count_a, count_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
        where = {
            unit: j
            for j, unit in enumerate(b[blo:bhi], blo)
            if count_b[unit] == 1 and count_a[unit] == 1 and anchorable(unit)
        }
        found = [(i, where[unit]) for i, unit in enumerate(a[alo:ahi], alo) if unit in where]
        anchors = [found[k] for k in _increasing([j for _, j in found])]
        for i, j in anchors:
            pairs.append((i, j))
            stack.append((alo, i, blo, j))
            alo, blo = i + 1, j + 1
        if anchors:
            stack.append((alo, ahi, blo, bhi))
    pairs.sort()
    return pairs


def _aligned(
    a: str, b: str, pairs: list[tuple[int, int]]
) -> Iterator[tuple[bool, int, int, int, int]]:
    """Walk an alignment: (True, i, i2, j, j2) for each equal run a[i:i2] ==
    b[j:j2], (False, i, i2, j, j2) for each gap between them."""
    i = j = 0
    run = -1  # start of the current equal run in a, or -1
    for pi, pj in [*pairs, (len(a), len(b))]:
        if pi > i or pj > j:
            if run >= 0:
                yield True, run, i, j - (i - run), j
                run = -1
            yield False, i, pi, j, pj
        if pi < len(a) and run < 0:
            run = pi
        i, j = pi + 1, pj + 1
    if run >= 0:
        yield True, run, len(a), len(b) - (len(a) - run), len(b)


def _decode(codes: str, table: list[str]) -> str:
    return "".join([table[ord(c)] for c in codes])


def _words(text: str) -> list[str]:
    """Whitespace-split words; word tokens for scripts written without spaces."""
    words = text.split()
    if len(text) > 20 * (len(words) + 1):
        words = [token for token in word_units(text) if not token.isspace()]
    return words


def relatedness(old: str, new: str) -> float:
    """How much two texts are versions of one text (0..1), in time linear in their size.

    Of the ``c`` words found exactly once in each text, the longest run that
    comes in the same order on both sides (a longest increasing subsequence,
    ``L``), less what chance gives unrelated texts (about 2√c), out of the
    distinctive words of the text with fewer of them. Versions of one article
    score about 0.5-1, rewrites 0.05-0.3, unrelated texts, even on the same
    story, 0.
    """
    a, b = _words(old), _words(new)
    count_a, count_b = Counter(a), Counter(b)
    distinctive_a = [word for word in a if count_a[word] == 1]
    where = {word: j for j, word in enumerate(b) if count_b[word] == 1}
    fewer = min(len(distinctive_a), len(where))
    if fewer < 5:  # too few distinctive words to judge: compare vocabularies
        return 2 * sum((count_a & count_b).values()) / max(1, len(a) + len(b))
    common = [where[word] for word in distinctive_a if word in where]
    in_order = len(_increasing(common))
    return max(0.0, in_order - 2 * math.sqrt(len(common))) / fewer


# --- levels -----------------------------------------------------------------------------


class _Budget:
    """Myers steps left for one diff."""

    def __init__(self, steps: int) -> None:
        self.steps = steps


def _replace(old: str, new: str) -> list[Op]:
    return [op for op in ((DELETE, old), (INSERT, new)) if op[1]]


def _is_text(unit: str) -> bool:
    return not unit.isspace()


def _level(
    old: str, new: str, depth: int, budget: _Budget, unrelated: bool = False
) -> Iterator[Op]:
    """Align ``old`` and ``new`` at level ``depth`` (0 paragraphs, 1 sentences, 2 words).

    ``unrelated``: the texts were found unrelated one level up; unless some unit
    of this level is shared (a sentence both keep), they are shown as replaced.
    """
    split = (paragraph_units, sentence_units, word_units)[depth]
    a, b, table = _encode(split(old), split(new))
    pairs = _match(a, b, lambda code: _is_text(table[ord(code)]))
    if unrelated and not any(_is_text(table[ord(a[i])]) for i, _ in pairs):
        yield from _replace(old, new)
        return
    for equal, i, i2, j, j2 in _aligned(a, b, pairs):
        gap_old = _decode(a[i:i2], table)
        if equal:
            yield EQUAL, gap_old
            continue
        gap_new = _decode(b[j:j2], table)
        if not gap_old or not gap_new:
            yield from _replace(gap_old, gap_new)
        elif depth == 2:
            yield from _myers(a[i:i2], b[j:j2], table, budget)
        elif (
            len(gap_old) + len(gap_new) >= CHECK_CHARS
            and relatedness(gap_old, gap_new) < MIN_RELATEDNESS
        ):
            if depth == 0:  # look for sentences both keep before giving up
                yield from _level(gap_old, gap_new, 1, budget, unrelated=True)
            else:
                yield from _replace(gap_old, gap_new)
        else:
            yield from _level(gap_old, gap_new, depth + 1, budget)


def _myers(a: str, b: str, table: list[str], budget: _Budget) -> list[Op]:
    """Myers' shortest edit script between encoded units, or a replacement once
    the budget runs out (the trace of each step is kept to walk the path back)."""
    n, m = len(a), len(b)
    offset = n + m + 1
    v = [0] * (2 * offset + 1)
    trace: list[list[int]] = []
    for d in range(n + m + 1):
        trace.append(v[offset - d : offset + d + 1])
        budget.steps -= d + 1
        if budget.steps < 0:
            return _replace(_decode(a, table), _decode(b, table))
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            budget.steps -= x - start
            v[offset + k] = x
            if x >= n and y >= m:
                return _backtrack(a, b, table, trace, d)
    raise AssertionError("unreachable: d = n + m always reaches the end")


def _backtrack(a: str, b: str, table: list[str], trace: list[list[int]], last: int) -> list[Op]:
    ops: list[Op] = []
    x, y = len(a), len(b)
    for d in range(last, 0, -1):
        v = trace[d]  # values before step d, for diagonals -d..d
        k = x - y
        down = k == -d or (k != d and v[k - 1 + d] < v[k + 1 + d])  # came by an insertion
        prev_k = k + 1 if down else k - 1
        prev_x = v[prev_k + d]
        prev_y = prev_x - prev_k
        snake = min(x - prev_x, y - prev_y)  # equal units after the step
        ops.append((EQUAL, _decode(a[x - snake : x], table)))
        x, y = x - snake, y - snake
        if x == prev_x:
            ops.append((INSERT, table[ord(b[prev_y])]))
        else:
            ops.append((DELETE, table[ord(a[prev_x])]))
        x, y = prev_x, prev_y
    ops.append((EQUAL, _decode(a[:x], table)))
    return merge(reversed(ops))


# --- clean-up ---------------------------------------------------------------------------


def merge(ops: Iterable[Op]) -> list[Op]:
    """Join neighbouring ops; inside each run of edits, deletions come first."""
    out: list[Op] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append((DELETE, "".join(deleted)))
            deleted.clear()
        if inserted:
            out.append((INSERT, "".join(inserted)))
            inserted.clear()

    for op, text in ops:
        if not text:
            continue
        if op == EQUAL:
            flush()
            if out and out[-1][0] == EQUAL:
                out[-1] = (EQUAL, out[-1][1] + text)
            else:
                out.append((EQUAL, text))
        elif op == DELETE:
            deleted.append(text)
        else:
            inserted.append(text)
    flush()
    return out


def _weight(text: str) -> int:
    """Characters that are not whitespace: what a reader sees of a stretch."""
    return sum(map(len, text.split()))


def readable(ops: Iterable[Op]) -> list[Op]:
    """Merge ``ops`` and absorb each short equal stretch that lies between two
    heavier edits (and holds no line break) into one replacement, repeatedly."""
    runs: list[list[str]] = []  # [equal text] or [deleted, inserted]
    for op, text in merge(ops):
        if op == EQUAL:
            runs.append([text])
            continue
        if not runs or len(runs[-1]) == 1:
            runs.append(["", ""])
        runs[-1][0 if op == DELETE else 1] += text
        while len(runs) >= 3 and len(runs[-2]) == 1 and len(runs[-3]) == 2:
            before, (equal,), after = runs[-3], runs[-2], runs[-1]
            weight = _weight(equal)
            if (
                "\n" in equal
                or len(equal) > _ABSORB_CHARS
                or _SENTENCE_END.search(equal)
                or count_words(equal) > ABSORB_WORDS
                or weight >= max(map(_weight, before))
                or weight >= max(map(_weight, after))
            ):
                break
            runs[-3:] = [[before[0] + equal + after[0], before[1] + equal + after[1]]]
    ops_out: list[Op] = []
    for run in runs:
        if len(run) == 1:
            ops_out.append((EQUAL, run[0]))
        else:
            ops_out.extend(_replace(run[0], run[1]))
    return ops_out


# --- entry points -----------------------------------------------------------------------


def diff_text(old: str, new: str, max_steps: int = MAX_STEPS) -> list[Op]:
    """The word-level diff of two article texts (paragraphs aligned first).

    Costs time linear in the texts plus at most ``max_steps`` Myers steps:
    unrelated regions are replaced without a word diff, and past the budget
    the remaining gaps are too.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    return readable(_level(old, new, 0, _Budget(max_steps)))


def diff_words(old: str, new: str, max_steps: int = MAX_STEPS) -> list[Op]:
    """Word-level diff of two short texts (a title), cleaned up to read as a human edit."""
    if old == new:
        return [(EQUAL, old)] if old else []
    return readable(_level(old, new, 2, _Budget(max_steps)))


def diff_units(a: Sequence[str], b: Sequence[str], semantic: bool = False) -> list[Op]:
    """Diff two unit sequences with diff-match-patch; op texts are the joined units."""
    enc_a, enc_b, table = _encode(a, b)
    if not set(enc_a) & set(enc_b):  # nothing in common: no need to search
        ops = [(DELETE, enc_a), (INSERT, enc_b)]
    else:
        dmp = diff_match_patch()
        dmp.Diff_Timeout = 0
        ops = dmp.diff_main(enc_a, enc_b, False)
        if semantic:
            dmp.diff_cleanupSemantic(ops)
    return [(op, "".join(table[ord(c)] for c in chars)) for op, chars in ops if chars]


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Dice coefficient of the two multisets of word tokens (0..1)."""
    wa = Counter(t for t in a if _WORD.search(t))
    wb = Counter(t for t in b if _WORD.search(t))
    total = sum(wa.values()) + sum(wb.values())
    if not total:
        return 1.0
    return 2 * sum((wa & wb).values()) / total


def old_text(ops: list[Op]) -> str:
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: list[Op]) -> str:
    return "".join(text for op, text in ops if op != DELETE)


@dataclass
class ParagraphChanges:
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, str]]


def paragraph_changes(old: str, new: str) -> ParagraphChanges:
    """Paragraphs added, removed and changed (a changed one is paired with its
    new form when their words overlap by half or more)."""
    result = ParagraphChanges([], [], [])
    if old == new:
        return result
    a, b, table = _encode(paragraph_units(old), paragraph_units(new))
    pairs = _match(a, b, lambda code: _is_text(table[ord(code)]))
    for equal, i, i2, j, j2 in _aligned(a, b, pairs):
        if equal:
            continue
        gone = [p for p in (table[ord(c)] for c in a[i:i2]) if p.strip()]
        came = [p for p in (table[ord(c)] for c in b[j:j2]) if p.strip()]
        start = 0
        for paragraph in gone:
            words = word_units(paragraph)
            match = next(
                (
                    j
                    for j in range(start, len(came))
                    if overlap(words, word_units(came[j])) >= MIN_OVERLAP
                ),
                None,
            )
            if match is None:
                result.removed.append(paragraph)
                continue
            result.added.extend(came[start:match])
            result.changed.append((paragraph, came[match]))
            start = match + 1
        result.added.extend(came[start:])
    return result
