"""What a taxonomy edit can change, so ``retag`` re-tags only the texts it can affect.

A story's tags of a text depend on the text, the story's themes and (for an
article filed under no story) its relevance rule. Between the taxonomy the stored
tags were computed with (:func:`spec`, kept in ``story_tagging``) and the current
one, :func:`changed_words` collects the words whose presence in a text can make its
tags differ:

* every word added to or dropped from the one scan of all the story's words (term,
  context, exclude and sense words of every theme): where such a word occurs, the
  longest match at a place can change, for any theme (a new "Doha talks" takes the
  place a shorter "talks" had);
* the terms (old and new) of every theme whose definition changed (terms, weights,
  threshold, context, exclude, ``near``/``not_near``): a theme scores only from its
  terms, so a text without any of them gets no tag of it before or after.

A text in which none of these words is found (as the scan finds words, on lemmas
too, and inside the texts of lemma matches: see :class:`Gate`) keeps exactly its
tags. When the words that stay keep their order in the scan is not the same (a
reordering changes which of two words wins a tie), nothing can be ruled out and
every text is re-tagged. ``tests/test_retag_scope.py`` checks with random edits
that the re-tagged database equals one tagged from scratch.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace

from monitor.themes import lemmas, matching, rules, tokenmatch
from monitor.themes.taxonomy_file import Theme

#: the fields of a theme, in order (a theme holds no dataclass: its fields are the JSON's)
_FIELDS = tuple(f.name for f in fields(Theme))
#: words whose lemma a :class:`Gate` has judged, at most (then it starts again)
_MEMO_MAX = 200_000


def spec(rule: str, themes: list[Theme]) -> str:
    """The taxonomy as JSON (what :func:`from_spec` reads back): each theme's fields as
    ``dataclasses.asdict`` gives them, without its deep copy."""
    data = [{name: getattr(t, name) for name in _FIELDS} for t in themes]
    return json.dumps({"rule": rule, "themes": data}, ensure_ascii=False)


def from_spec(text: str) -> tuple[str, list[Theme]]:
    """(rule source, themes) of a :func:`spec`."""
    data = json.loads(text)
    themes = []
    for t in data["themes"]:
        t["near"] = {k: (list(v[0]), int(v[1])) for k, v in t["near"].items()}
        t["not_near"] = {k: (list(v[0]), int(v[1])) for k, v in t["not_near"].items()}
        themes.append(Theme(**t))
    return str(data["rule"]), themes


def theme_words(theme: Theme) -> list[str]:
    """Every word the scan looks for on behalf of ``theme`` (as ``CompiledTaxonomy``)."""
    words = [*theme.terms, *theme.context, *theme.exclude]
    for near_words, _within in [*theme.near.values(), *theme.not_near.values()]:
        words += near_words
    return words


def _scored(theme: Theme) -> Theme:
    """The theme without what does not change its tags (label, description)."""
    return replace(theme, label="", description="")


def changed_words(old: list[Theme], new: list[Theme]) -> tuple[set[str], list[str]] | None:
    """(the words whose presence can change a text's tags, the scan's other words),
    or None when every text may change (see the module doc)."""
    old_words = [w for t in old for w in theme_words(t)]
    new_words = [w for t in new for w in theme_words(t)]
    changed = set(old_words) ^ set(new_words)
    before = {t.slug: t for t in old}
    after = {t.slug: t for t in new}
    for slug in before.keys() | after.keys():
        a, b = before.get(slug), after.get(slug)
        if a is None or b is None or _scored(a) != _scored(b):
            changed.update(a.terms if a else ())
            changed.update(b.terms if b else ())
    kept_old = [w for w in tokenmatch.ordered_terms(old_words) if w not in changed]
    kept_new = [w for w in tokenmatch.ordered_terms(new_words) if w not in changed]
    if kept_old != kept_new:
        return None
    return changed, kept_new


class Gate:
    """Whether a text can hold any of some words: cheap, and never a false "no".

    A word can be found in a text (:mod:`monitor.themes.tokenmatch`) only where a run of
    word characters can begin it, and on lemmas only where a word's lemma is its first
    word's key (:class:`monitor.themes.lemmas.LemmaIndex`). A lemma match of another
    word of the scan is held as that word's own text, so those words whose text holds
    one of ``words`` are looked for too.
    """

    def __init__(self, words: set[str], others: list[str]):
        self.empty = not words
        found = tokenmatch.scanner(sorted(words)) if words else None
        extra = [w for w in others if found is not None and found.found(w)]
        looked = sorted(words) + extra
        self.lemma_index = lemmas.LemmaIndex(looked)
        self.keys = frozenset(self.lemma_index.first)
        #: the words as written whose lemma is in :attr:`keys`, of the words judged
        self._key_words: set[str] = set()
        self._judged: set[str] = set()
        self.engine: tokenmatch.TokenTerms | None = None
        self.scanner: tokenmatch.TokenScanner | matching.TermScanner | None = None
        self.every = False
        if looked:
            scan = tokenmatch.scanner(looked)
            if isinstance(scan, tokenmatch.TokenScanner) and not scan.slow:
                self.engine = scan.engine
            elif any(not tokenmatch.literal_prefix(w) for w in looked):
                self.every = True  # (a word that may begin anywhere: no cheap answer)
            else:
                self.scanner = scan

    def touches(self, text: str) -> bool:
        """Whether one of the words can be found in ``text``: a run that can begin one
        followed by a run that can go on with it (:meth:`tokenmatch.TokenTerms.places`
        looks nowhere else), or a word whose lemma begins one (then the lemma index's
        own answer)."""
        if self.empty:
            return False
        if self.every:
            return True
        words = run_words(text)  # (the runs the scan reads)
        if self.engine is not None:
            self.engine._lookup(words)
            begins = self.engine._begins  # (the runs some word can begin at)
            narrow = self.engine._narrow
            last = len(words) - 1
            for i in [i for i, word in enumerate(words) if word in begins]:
                if narrow(words[i], words[i + 1] if i < last else None)[1]:
                    return True
        elif self.scanner is not None and self.scanner.found(text):
            return True
        if not self.keys:
            return False
        if lemmas._SPECIAL.search(text) is None:
            # (each word's lemma judged once: then set operations on the text's words)
            distinct = set(words)
            new = distinct.difference(self._judged)
            if new:
                if len(self._judged) > _MEMO_MAX:
                    self._judged.clear()
                    self._key_words.clear()
                    new = distinct
                lookup, keys = lemmas._KNOWN.get, self.keys
                self._key_words.update(
                    w for w in new if (lookup(w) or lemmas._lookup(w))[0] in keys
                )
                self._judged.update(new)
            if distinct.isdisjoint(self._key_words):
                return False
        return bool(self.lemma_index.find(lemmas.tokens(text)))


#: an ASCII text's bytes with every byte that is no word character (``\\w``) a space
_RUNS_ONLY = bytes(c if chr(c).isalnum() and c < 128 or c == 95 else 32 for c in range(256))


def run_words(text: str) -> list[str]:
    """The words of :func:`matching.runs` (its runs of ``\\w``), without their offsets:
    an ASCII text's are found by one byte translation and a split (most texts a retag
    rules out are read no further; one it re-tags is split again by the tagger)."""
    if text.isascii():
        return text.encode("ascii").translate(_RUNS_ONLY).decode("ascii").split()
    return matching.runs(text)[0]


class StoryScope:
    """Which texts of one story a retag must re-tag (given the taxonomy its tags were
    computed with); ``None`` as the old spec: all of them."""

    def __init__(self, old: str | None, rule: str, themes: list[Theme]):
        self.everything = True
        self.gate: Gate | None = None
        self.old_rule: rules.Rule | None = None
        self.rule_changed = False
        if old is None:
            return
        try:
            old_rule, old_themes = from_spec(old)
        except (ValueError, KeyError, TypeError):
            return  # (a spec an older release wrote differently: re-tag it all)
        words = changed_words(old_themes, themes)
        if words is None:
            return
        self.everything = False
        self.gate = Gate(*words)
        self.rule_changed = old_rule != rule
        if self.rule_changed and old_rule.strip():
            self.old_rule = rules.compile_rule(old_rule)

    def affects(self, filed: bool, doc: str, new_rule: rules.Rule | None) -> bool:
        """Whether the tags of ``doc`` (filed under this story, or unfiled) can change."""
        if self.everything:
            return True
        if not filed and self.rule_changed:
            was = self.old_rule is not None and self.old_rule.matches(doc)
            now = new_rule is not None and new_rule.matches(doc)
            if was != now:
                return True
            if not now:
                return False
        assert self.gate is not None
        return self.gate.touches(doc)
