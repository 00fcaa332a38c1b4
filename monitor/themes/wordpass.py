"""One pass over a text's words for every term finder that reads it.

A long text is read by several finders in turn: the taxonomy's token engine
(:class:`monitor.themes.tokenmatch.TokenTerms`) and lemma index
(:class:`monitor.themes.lemmas.LemmaIndex`), and for an article filed under no
story the story rule's own two. Each used to make two passes of its own over
the text's words: a set difference against its memo of every word it had judged
(tens of thousands of words: the probes miss the CPU cache) to find the words it
had not seen, then one over every token for the places of the words it cares
about. Reading a token costs about the same whatever it is looked up in, so the
cost is the number of passes: up to eight for one text.

:class:`Passes` makes them once for all its members: a text's distinct words
are checked against one record of the words every member has judged (each
member judges the new ones into its own memo and names those it cares about),
and the places of the words some member cares about are found in one pass. Each
member then keeps, from that short list, the places of its own words: the
answers are the ones its own two passes gave.

The record holds only words every current member has judged: a member joining
empties it (the next texts' words are judged again, by every member: one memo
lookup a word for those that knew it), and when the words judged since the
members last emptied their memos pass :attr:`Passes.cap`, every member empties
its memo and the record starts again. The lists of words are taken as they come
from :func:`monitor.themes.matching.runs` (shared, never changed): the places of
the last ones are remembered by the list itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from itertools import compress, count
from typing import Protocol

#: how many words the members may judge before they empty their memos
CAP = 200_000


class Member(Protocol):
    """A finder that reads texts through :class:`Passes`."""

    def judge(self, words: set[str]) -> Iterable[str]:
        """Judge ``words`` into the member's memo (those it knows already: looked up);
        the ones whose places it needs."""
        ...

    def forget(self) -> None:
        """Empty the memo :meth:`judge` fills."""
        ...


class Passes:
    """The words judged and the places wanted for a group of finders (module doc)."""

    def __init__(self, cap: int = CAP):
        self.cap = cap
        self._members: weakref.WeakSet[Member] = weakref.WeakSet()
        #: the words every current member has judged
        self._judged: set[str] = set()
        #: the words some member needs the places of (a member gone leaves its own:
        #: the others filter them out)
        self._wanted: set[str] = set()
        #: words judged since the members last emptied their memos
        self._load = 0
        #: the last lists of words and their wanted places
        self._last: list[tuple[list[str], list[int]]] = []

    def join(self, member: Member) -> None:
        """Read texts for ``member`` too (it has judged nothing yet: the record restarts)."""
        self._members.add(member)
        self._restart()

    def _restart(self) -> None:
        self._judged = set()
        self._wanted = set()
        self._last = []

    def clear(self) -> None:
        """Every member empties its memo, and the record restarts."""
        for member in list(self._members):
            member.forget()
        self._load = 0
        self._restart()

    def positions(self, words: list[str]) -> list[int]:
        """The indexes of the words some member needs the places of, every word of
        ``words`` judged by every member first."""
        for seen, found in self._last:
            if seen is words:
                return found
        new = set(words).difference(self._judged)
        if new:
            if self._load + len(new) > self.cap:
                self.clear()
                new = set(words)
            self._load += len(new)
            wanted = self._wanted
            for member in list(self._members):
                wanted.update(member.judge(new))
            self._judged.update(new)
        # (one pass in C: the set's own lookup mapped over the words)
        found = list(compress(count(), map(self._wanted.__contains__, words)))
        if len(self._last) >= 2:
            del self._last[0]
        self._last.append((words, found))
        return found


#: the group of the finders that read whole texts: a story's rule and taxonomy
SHARED = Passes()
