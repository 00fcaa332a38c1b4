"""Term matching by looking words up, not by compiling regexes.

:func:`monitor.themes.matching.alternation` compiles all of a taxonomy's terms
into one big regex: about a second of CPU for the built-in story, paid by every
process that tags a text (every ``monitor add``), and a pickle does not help
(patterns compile again on load). :class:`TokenTerms` gives the same answers
from plain dicts built in milliseconds:

* a text is split once into its runs of word characters (``\\w+``,
  :func:`monitor.themes.matching.runs`); a term can only begin where a run
  begins (its pattern starts with a letter or digit after ``(?<!\\w)``);
* every word of a term written in word characters is a set of whole runs: the
  forms its pattern (:func:`monitor.themes.matching._word_regex`) matches
  ("strike": strike, strikes, striked, striking; "TTP": TTP only; "deport*":
  any run that begins so), with an optional possessive ("'s", the next run "s"
  after an apostrophe) taken as the pattern would take it (greedy after a plain
  word, only when needed after a ``y``/``e`` form); between two words the
  characters between their runs must be whitespace or one hyphen with optional
  whitespace (the pattern's join);
* so a dict on the first run gives the terms that can begin there, and the
  following runs are checked by lookup. Terms that cannot be written so
  (``U.S.``, ``chargé``: a word with other characters, a letter with special case
  rules) are matched by their own small regex, only where a run begins with their
  leading letters; a run with such letters in the text is also judged by regex.

Which term wins at a place is what the alternation's trie decides: it tries the
branch of the letters the text spells first, so the term with the longest literal
beginning that matches wins, then the first in ``ordered`` (more words, then
longer). That holds while no two of the terms' literal letters are the same
letter for case-insensitive matching ("s" and "ſ"); where it does not hold, or a
term can begin with a non-word character or match nothing, :attr:`TokenTerms.on`
is False and the callers use the regex engine. ``tests/test_token_matching.py``
compares the two on random texts.
"""

from __future__ import annotations

import re

from monitor.themes import matching, wordpass
from monitor.themes.matching import _BREAK, runs, term_regex
from monitor.themes.wordspec import (  # noqa: F401 - the word specs' names, re-exported
    EXACT,
    GREEDY,
    NONE,
    WILD,
    WordSpec,
    _fold_class,
    _matches_letter,
    _plain_word,
    _plain_word_reference,
    _slow,
    literal_prefix,
    ordered_terms,
    word_spec,
)

#: what :meth:`TokenTerms._end` answers when the term must be judged by its regex
REGEX = -1

_JOIN = re.compile(r"\s+|\s*[-‐–]\s*")
_APOSTROPHES = ("'", "’")
_MEMO_MAX = 200_000

#: a run's candidates given the next run: by priority, by index, how a sure one ends
_Narrowed = tuple[tuple[int, ...], tuple[int, ...], int]


class TokenTerms:
    """A fixed set of terms found in texts by word lookups (see the module doc).

    :meth:`finditer` is ``alternation(terms)``'s ``finditer`` as ``(start, end,
    term)``; :meth:`places` is where each term begins (every place, overlapping
    ones too: :meth:`matching.TermScanner.places`). Only when :attr:`on`.
    """

    def __init__(self, terms: list[str], passes: wordpass.Passes | None = None):
        self.ordered = ordered_terms(terms)
        if not self.ordered:
            raise ValueError("no terms")
        self.on = True
        #: the group whose one pass over a text's words this engine reads (None: its own)
        self.passes: wordpass.Passes | None = None
        n = len(self.ordered)
        self.specs: list[list[WordSpec] | None] = [None] * n
        self.priority: list[tuple[int, int]] = [(0, i) for i in range(n)]
        self._by_key: dict[str, list[int]] = {}
        #: terms whose first word is case-sensitive (an acronym), by that word as written:
        #: "is" is no place for "IS-K" to begin (its pattern would not match there)
        self._by_exact: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        #: terms only a regex can read, by the letters they begin with
        self._by_start: list[tuple[str, int]] = []
        #: the first two words of terms of several words
        self._second: dict[int, tuple[WordSpec, WordSpec | None]] = {}
        self._by_letter: dict[str, list[int]] = {}
        letters: set[str] = set()
        for i, term in enumerate(self.ordered):
            literal = literal_prefix(term)
            if not literal:
                self.on = False  # may begin anywhere, or match nothing: the regex engine
                return
            letters.update(literal)
            self.priority[i] = (-len(literal), i)
            self._by_letter.setdefault(literal[0], []).append(i)
            words = [w for w in _BREAK.split(term) if w]
            specs = [word_spec(w) for w in words]
            if all(spec is not None for spec in specs):
                self.specs[i] = [spec for spec in specs if spec is not None]
            first = specs[0]
            if first is None:
                # only its regex can read it: looked for where a run can begin it
                chunk = re.match(r"\w*", words[0])
                head = chunk.group() if chunk is not None else ""
                if head and len(head) < len(words[0]) and words[0][len(head)] != "*":
                    if _plain_word(head):  # ("U.S.": the run "U" and nothing else)
                        self._by_key.setdefault(head.lower(), []).append(i)
                elif all(matching._plain(c) for c in literal):
                    self._by_start.append((literal, i))
                # (else a letter of it is not plain: no plain run can begin it)
                continue
            kind, data = first
            if kind == WILD:
                assert isinstance(data, str)
                self._by_prefix.setdefault(data, []).append(i)
            else:
                assert isinstance(data, dict)
                keyed = self._by_exact if kind == EXACT else self._by_key
                for form in data:
                    keyed.setdefault(form if kind == EXACT else form.lower(), []).append(i)
            if len(specs) > 1:
                self._second[i] = (first, specs[1])
        # two literal letters that are one letter for case-insensitive matching: the
        # trie may try them in its own order, not by length (the regex engine decides)
        # (and a letter outside ASCII that an ASCII letter matches, "ſ" for "s": the
        # regex scanners look such terms up by the ASCII letter and miss them; the
        # answers must stay theirs)
        for letter in letters:
            fold = _fold_class(letter)
            if len(fold & letters) > 1 or (not letter.isascii() and any(c.isascii() for c in fold)):
                self.on = False
                return
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})
        self._head = self._prefix_lengths[0] if self._prefix_lengths else 0
        self._heads = {p[: self._head] for p in self._by_prefix}
        #: run -> (terms that can begin there by priority, the same by index)
        self._cands: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        #: the runs of :attr:`_cands` that some term can begin at (a set: one lookup a run)
        self._begins: set[str] = set()
        self._plain: dict[str, bool] = {}
        self._joins: dict[str, bool] = {}
        self._pairs: dict[tuple[str, str | None], _Narrowed] = {}
        #: the same for runs whose candidates do not depend on the next run (no term of
        #: several words among them): keyed by the run alone, no pair to build a place
        self._solo: dict[str, _Narrowed] = {}
        self._solo_plans: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        self._place_plans: dict[
            tuple[str, str | None], tuple[tuple[str, ...], tuple[int, ...]]
        ] = {}
        if passes is not None:
            self.passes = passes
            passes.join(self)

    # -- which terms can begin at a run --

    def _candidates(self, run: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if _plain_word(run):
            low = run.lower()
            keyed = self._by_key.get(low, ())
            exact = self._by_exact.get(run)
            # (the first letters every wildcard's prefix shares with others: most runs
            # begin none, and need no look at each prefix length)
            prefixed = low[: self._head] in self._heads
            if not (exact or prefixed or self._by_start) and len(keyed) < 2:
                return (tuple(keyed), tuple(keyed))  # (most runs: no term, or one)
            found = list(keyed)
            found += exact or ()
            if prefixed:
                for length in self._prefix_lengths:
                    if length > len(low):
                        break
                    found += self._by_prefix.get(low[:length], ())
            found += [i for start, i in self._by_start if low.startswith(start)]
        else:  # every term whose first letter the run's first letter matches
            first = run[0]
            found = [
                i
                for letter, terms in self._by_letter.items()
                if _matches_letter(letter, first)
                for i in terms
            ]
        unique = set(found)
        return (
            tuple(sorted(unique, key=self.priority.__getitem__)),
            tuple(sorted(unique)),
        )

    def _lookup(self, words: list[str]) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
        memo = self._cands
        new = set(words).difference(memo)
        if new:
            if len(memo) > _MEMO_MAX:
                memo.clear()
                self._forget_pairs()
                self._begins.clear()
                new = set(words)
            for word in new:
                found = memo[word] = self._candidates(word)
                if found[0]:
                    self._begins.add(word)
        return memo

    def judge(self, words: set[str]) -> list[str]:
        """The words (runs) some term can begin at, each judged into the memo once
        (:class:`wordpass.Member`)."""
        memo = self._cands
        begins = self._begins
        out: list[str] = []
        for word in words:
            found = memo.get(word)
            if found is None:
                found = memo[word] = self._candidates(word)
                if found[0]:
                    begins.add(word)
            if found[0]:
                out.append(word)
        return out

    def forget(self) -> None:
        self._cands.clear()
        self._forget_pairs()
        self._begins.clear()

    def _forget_pairs(self) -> None:
        self._pairs.clear()
        self._solo.clear()
        self._place_plans.clear()
        self._solo_plans.clear()

    def _starts(self, words: list[str]) -> list[int]:
        """The indexes of the runs some term can begin at, every run judged."""
        begins = self._begins  # (a run's candidates by priority and by index are one set)
        if self.passes is not None:  # (the group's one pass, narrowed to this engine's)
            return [i for i in self.passes.positions(words) if words[i] in begins]
        self._lookup(words)
        return [i for i, word in enumerate(words) if word in begins]

    def _accepts(self, spec: WordSpec, run: str) -> bool:
        kind, data = spec
        if kind == WILD:
            return run.lower().startswith(data)  # type: ignore[arg-type]
        return (run if kind == EXACT else run.lower()) in data

    def _narrow(self, word: str, after: str | None) -> _Narrowed:
        """The candidates of run ``word`` followed by run ``after`` (None: the last run):
        without the terms of several words whose second word cannot be ``after`` (nor
        a possessive "s" before it), and, by priority, none after the first term of one
        word that is sure to match (the alternation never gets past it). Third: when
        the first by priority is such a term, how it takes a possessive, else -1."""
        key = (word, after)
        found = self._solo.get(word) or self._pairs.get(key)
        if found is not None:
            return found
        if len(self._pairs) + len(self._solo) > _MEMO_MAX:  # (a long fetch run sees many)
            self._forget_pairs()
        prio, by_index = self._cands[word]
        plain = self._is_plain(word)
        unsure = after is None or after in ("s", "S") or not self._is_plain(after)
        drop: set[int] = set()
        #: whether a term of several words could be dropped here (else ``after`` is moot)
        paired = False
        for i in by_index:
            pair = self._second.get(i)
            if pair is None or not plain:
                continue
            second = pair[1]
            if second is None:
                continue  # (its regex reads the rest)
            paired = True
            if after is None or (not unsure and not self._accepts(second, after)):
                drop.add(i)
        kept: list[int] = []
        sure = -1
        for i in prio:
            if i in drop:
                continue
            kept.append(i)
            specs = self.specs[i]
            if plain and specs is not None and len(specs) == 1 and self._accepts(specs[0], word):
                # (a word of its own, matching this run: it wins here)
                if len(kept) == 1:
                    kind, data = specs[0]
                    forms = data if isinstance(data, dict) else {}
                    sure = NONE if kind == WILD else forms[word if kind == EXACT else word.lower()]
                break
        found = (tuple(kept), tuple(i for i in by_index if i not in drop), sure)
        if paired:
            self._pairs[key] = found
        else:
            self._solo[word] = found
        return found

    def _is_plain(self, word: str) -> bool:
        found = self._plain.get(word)
        if found is None:
            if len(self._plain) > _MEMO_MAX:
                self._plain.clear()
            found = self._plain[word] = _plain_word(word)
        return found

    def _join(self, between: str) -> bool:
        found = self._joins.get(between)
        if found is None:
            if len(self._joins) > _MEMO_MAX:
                self._joins.clear()
            found = self._joins[between] = _JOIN.fullmatch(between) is not None
        return found

    # -- one term at one place --

    def _end(
        self,
        index: int,
        text: str,
        words: list[str],
        starts: list[int],
        ends: list[int],
        i: int,
    ) -> int | None:
        """Where the term's match beginning at run ``i`` ends (None: no match here),
        or :data:`REGEX` when a run it reads has letters only its regex can judge."""
        specs = self.specs[index]
        if specs is None:
            return REGEX
        count = len(words)
        last = len(specs) - 1
        q = i
        for k, (kind, data) in enumerate(specs):
            if q >= count:
                return None
            run = words[q]
            if not run.isascii() and not self._is_plain(run):
                return REGEX
            if kind == WILD:
                if not run.lower().startswith(data):  # type: ignore[arg-type]
                    return None
                mode: int | None = NONE
            elif kind == EXACT:
                mode = data.get(run)  # type: ignore[union-attr]
            else:
                mode = data.get(run.lower())  # type: ignore[union-attr]
            if mode is None:
                return None
            end = ends[q]
            possessive = False
            if (
                mode != NONE
                and q + 1 < count
                and starts[q + 1] == end + 1
                and text[end] in _APOSTROPHES
            ):
                after = words[q + 1]
                if after in ("s", "S"):
                    possessive = True
                elif len(after) == 1 and not self._is_plain(after):
                    return REGEX  # ("'ſ": a possessive for the regex)
            if k == last:
                return ends[q + 1] if possessive and mode == GREEDY else end
            if possessive:
                q += 1
                end = ends[q]
            if q + 1 >= count or not self._join(text[end : starts[q + 1]]):
                return None
            q += 1
        return None  # pragma: no cover - the loop returns at the last word

    def _end_at(
        self,
        index: int,
        text: str,
        words: list[str],
        starts: list[int],
        ends: list[int],
        i: int,
    ) -> int | None:
        end = self._end(index, text, words, starts, ends, i)
        if end == REGEX:
            match = term_regex(self.ordered[index]).match(text, starts[i])
            return match.end() if match is not None else None
        return end

    # -- a whole text --

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of each match of the alternation, in text order."""
        ordered = self.ordered
        return [(start, end, ordered[index]) for _, start, end, index in self.scan(text)]

    def scan(self, text: str) -> list[tuple[int, int, int, int]]:
        """:meth:`finditer` as ``(run, start, end, term index in ordered)``: the run
        (index in :func:`matching.runs`) each match begins at comes along."""
        words, starts, ends = runs(text)
        pairs = self._pairs
        solo = self._solo
        found: list[tuple[int, int, int, int]] = []
        upto = 0
        last = len(words) - 1
        for i in self._starts(words):
            place = starts[i]
            if place < upto:
                continue
            narrowed = solo.get(words[i])
            if narrowed is None:
                key = (words[i], words[i + 1] if i < last else None)
                narrowed = pairs.get(key)
                if narrowed is None:
                    narrowed = self._narrow(*key)
            prio, _, sure = narrowed
            if sure >= 0:  # one word sure to match here: only its possessive to settle
                end = ends[i]
                if (
                    sure == GREEDY
                    and i < last
                    and starts[i + 1] == end + 1
                    and text[end] in _APOSTROPHES
                ):
                    after = words[i + 1]
                    if after in ("s", "S"):
                        end = ends[i + 1]
                    elif len(after) == 1 and not self._is_plain(after):
                        end = self._end_at(prio[0], text, words, starts, ends, i) or ends[i]
                found.append((i, place, end, prio[0]))
                upto = end
                continue
            for index in prio:
                got = self._end_at(index, text, words, starts, ends, i)
                if got is not None:
                    found.append((i, place, got, index))
                    upto = got
                    break
        return found

    def places(self, text: str) -> dict[str, list[int]]:
        """Where each term that occurs in ``text`` begins (offsets, in order)."""
        words, starts, ends = runs(text)
        plans = self._place_plans
        solo = self._solo_plans
        found: dict[str, list[int]] = {}
        last = len(words) - 1
        for i in self._starts(words):
            plan = solo.get(words[i])
            if plan is None:
                key = (words[i], words[i + 1] if i < last else None)
                plan = plans.get(key)
                if plan is None:
                    plan = self._place_plan(*key)
            sure, unsure = plan
            for term in sure:
                found.setdefault(term, []).append(starts[i])
            for index in unsure:
                if self._end_at(index, text, words, starts, ends, i) is not None:
                    found.setdefault(self.ordered[index], []).append(starts[i])
        return found

    def _place_plan(self, word: str, after: str | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The candidates of run ``word`` followed by ``after`` for :meth:`places`: the
        terms sure to begin there (one word, whose forms hold this plain run: only
        where such a match ends can vary), and the others' indexes (to be read on)."""
        if len(self._place_plans) + len(self._solo_plans) > _MEMO_MAX:
            self._place_plans.clear()
            self._solo_plans.clear()
        by_index = self._narrow(word, after)[1]
        sure: list[str] = []
        unsure: list[int] = []
        plain = self._is_plain(word)
        for index in by_index:
            specs = self.specs[index]
            if plain and specs is not None and len(specs) == 1 and self._accepts(specs[0], word):
                sure.append(self.ordered[index])
            else:
                unsure.append(index)
        found = (tuple(sure), tuple(unsure))
        if word in self._solo:  # (the next run is moot here too)
            self._solo_plans[word] = found
        else:
            self._place_plans[(word, after)] = found
        return found

    def counts(self, text: str) -> dict[str, int]:
        """:func:`matching.count_terms` of the alternation on ``text``."""
        counts: dict[str, int] = {}
        for _, _, term in self.finditer(text):
            counts[term] = counts.get(term, 0) + 1
        return counts


class TokenScanner:
    """:class:`matching.TermScanner` on :class:`TokenTerms` (same answers, no regex
    to compile). Use :func:`scanner`, which falls back to the regex scanner."""

    def __init__(self, terms: list[str], engine: TokenTerms | None, slow: set[str]):
        self.terms = list(dict.fromkeys(terms))
        self.slow = slow
        self.scanned = frozenset(t for t in self.terms if t not in slow)
        self.engine = engine

    def places(self, text: str) -> dict[str, list[int]]:
        return self.engine.places(text) if self.engine is not None else {}

    def found(self, text: str) -> set[str]:
        return set(self.places(text))

    def scan(self, text: str) -> matching.TermPresence:
        places = self.places(text)
        return matching.TermPresence(self, text, set(places), places)  # type: ignore[arg-type]


def scanner(
    terms: list[str], passes: wordpass.Passes | None = None
) -> TokenScanner | matching.TermScanner:
    """The fastest scanner that answers as :class:`matching.TermScanner` does (``passes``:
    the group whose pass over a text's words its engine reads, :mod:`wordpass`)."""
    unique = list(dict.fromkeys(terms))
    slow = {t for t in unique if _slow(t)}
    plain = [t for t in unique if t not in slow]
    if not plain:
        return TokenScanner(unique, None, slow)
    engine = TokenTerms(plain, passes)
    if not engine.on:
        return matching.TermScanner(terms)
    return TokenScanner(unique, engine, slow)
