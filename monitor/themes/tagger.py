"""Theme tags on stored versions: each tag keeps its score and evidence.

Which taxonomy tags a version:

* the article's story (``articles.story``), when it has one: every version of
  that article is tagged against that story's themes only (the user filed it);
* an article without a story is tagged against every story in the database
  whose relevance rule matches the version's title and text (a rule-less story
  takes nothing unfiled: it would claim every article).

Tags are written by :mod:`monitor.derive` as rows of ``version_themes``: ``(version_id, story, theme, score,
evidence)`` where evidence is JSON ``{"at": [start, end], "terms": {term: count}}``: the
snippet around the strongest term is made again from the text when shown
(:mod:`monitor.text.evidence`; tags stored before keep ``"snippet"`` itself).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from sqlite_utils import Database

from monitor.store import stories as storymod
from monitor.store.tags import TagRow
from monitor.text import evidence
from monitor.themes import rules, taxonomy
from monitor.themes.stories import Story, builtin_stories, parse_story
from monitor.themes.taxonomy import CompiledTheme, Hit, ThemeScore


@dataclass
class StoryTagger:
    slug: str
    rule: rules.Rule | None
    parsed: list[taxonomy.Theme]
    _compiled: taxonomy.CompiledTaxonomy | None = field(default=None, repr=False)
    #: the relevance rule as written ("" for none)
    rule_source: str = ""
    #: the last text :meth:`relevant` judged: (the rule, the text, the answer)
    _last: tuple[rules.Rule, str, bool] | None = field(default=None, repr=False, compare=False)

    @property
    def taxonomy(self) -> taxonomy.CompiledTaxonomy:
        """Compiled on first use: a run whose texts no story claims never pays for it."""
        if self._compiled is None:
            self._compiled = taxonomy.CompiledTaxonomy(self.parsed)
        return self._compiled

    @property
    def has_themes(self) -> bool:
        return bool(self.parsed)

    @property
    def themes(self) -> list[CompiledTheme]:
        return self.taxonomy.themes

    def relevant(self, text: str) -> bool:
        """Whether the story's rule matches ``text``; the last answer is remembered
        (a fetch asks twice of each stored version: for its tags, then for the
        stories it belongs to)."""
        rule = self.rule
        if rule is None:
            return False
        last = self._last
        if last is not None and last[0] is rule and last[1] == text:
            return last[2]
        answer = rule.matches(text)
        self._last = (rule, text, answer)
        return answer

    def tag(self, text: str, snippets: bool = True) -> list[Hit]:
        return self.taxonomy.tag(text, snippets)

    def near_misses(self, text: str) -> list[ThemeScore]:
        """Themes that scored on ``text`` but fell short (and by how much), closest first."""
        return self.taxonomy.near_misses(text) if self.parsed else []


def near_misses(tagger: StoryTagger, title: str, text: str) -> list[ThemeScore]:
    """The near-misses of one article's title and text under ``tagger`` (for ``show --why``)."""
    return tagger.near_misses(document(title, text))


@dataclass
class StoryWhy:
    """Why one article has (or lacks) each theme of one story (for ``show --why``)."""

    story: str
    #: whether the story's rule matches the text (None: the story has no rule)
    relevant: bool | None
    #: tagged themes, strongest first, each with its terms, snippet and score
    tags: list[ThemeScore]
    #: themes that scored but were not tagged, closest first: ``short_by`` says by how
    #: much the score fell short, ``reason`` why (below threshold, no context word, a veto)
    near_misses: list[ThemeScore]

    def as_dict(self) -> dict[str, object]:
        return {
            "story": self.story,
            "relevant": self.relevant,
            "tags": [t.as_dict() for t in self.tags],
            "near_misses": [m.as_dict() for m in self.near_misses],
        }


def why(
    taggers: dict[str, StoryTagger], title: str, text: str, story: str | None = None
) -> list[StoryWhy]:
    """Every story's tags with their evidence and its near-misses for one article.

    With ``story`` only that story is explained (an unknown slug gives an empty
    list); without it, every story with themes. Each theme is scored once
    (:meth:`taxonomy.CompiledTaxonomy.explain`), so the tags shown are exactly
    what tagging stores, whatever the rule says (``relevant`` tells that apart).
    """
    doc = document(title, text)
    chosen = {story: taggers[story]} if story is not None and story in taggers else {}
    if story is None:
        chosen = {slug: t for slug, t in taggers.items() if t.has_themes}
    out: list[StoryWhy] = []
    for slug, tagger in chosen.items():
        scores = tagger.taxonomy.explain(doc) if tagger.has_themes else []
        out.append(
            StoryWhy(
                slug,
                tagger.relevant(doc) if tagger.rule is not None else None,
                sorted((s for s in scores if s.tagged), key=lambda s: (-s.score, s.theme)),
                sorted((s for s in scores if not s.tagged), key=lambda s: (s.short_by, s.theme)),
            )
        )
    return out


_cache: dict[tuple[str, str], StoryTagger] = {}


def tagger_for(story: Story) -> StoryTagger:
    """The compiled taxonomy of ``story`` (cached by its definition text)."""
    key = (story.slug, story.definition or story.rule)
    found = _cache.get(key)
    if found is None:
        rule = rules.compile_rule(story.rule) if story.rule.strip() else None
        found = StoryTagger(
            story.slug, rule, taxonomy.parse_themes(story), rule_source=story.rule.strip()
        )
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = found
    return found


#: per open database: (the stories' generation, the taggers loaded at it)
_loaded: weakref.WeakKeyDictionary[Database, tuple[int, dict[str, StoryTagger]]] = (
    weakref.WeakKeyDictionary()
)


def load_taggers(db: Database) -> dict[str, StoryTagger]:
    """Every story in the database (built-in ones too, if not saved yet), compiled.

    Parsing and compiling happen once per story definition (cached), and the stories
    are read again only when their generation (:func:`monitor.store.stories.generation`)
    has moved, so calling this for every stored version costs one tiny query.
    """
    generation = storymod.generation(db)
    if generation is None:  # (no counter: read them every time)
        return _read_taggers(db)
    known = _loaded.get(db)
    if known is not None and known[0] == generation:
        return dict(known[1])
    found = _read_taggers(db)
    _loaded[db] = (generation, found)
    return dict(found)


def _read_taggers(db: Database) -> dict[str, StoryTagger]:
    found: dict[str, StoryTagger] = {}
    for row in storymod.rows(db):
        cached = _cache.get((row["slug"], row["definition"] or row["rule"] or ""))
        if cached is not None:
            found[row["slug"]] = cached
            continue
        if row["definition"]:
            story = parse_story(row["definition"], row["origin"] or row["slug"])
        else:
            story = Story(slug=row["slug"], name=row["name"], rule=row["rule"] or "")
        found[story.slug] = tagger_for(story)
    for slug, story in _builtins().items():
        found.setdefault(slug, tagger_for(story))
    return found


@lru_cache(maxsize=1)
def _builtins() -> dict[str, Story]:
    return builtin_stories()


def document(title: str, text: str) -> str:
    """What a version's tags are computed on (their evidence offsets point into it)."""
    return evidence.document(title, text)


def tags_for(
    taggers: dict[str, StoryTagger], story: str | None, title: str, text: str
) -> Iterator[tuple[str, taxonomy.Hit]]:
    """The hits to store for one version: its story's, or (unfiled) those of every story
    whose rule matches. Without snippets: a stored tag keeps where its snippet is."""
    doc = document(title, text)
    if story:
        tagger = taggers.get(story)
        if tagger is not None:
            for hit in tagger.tag(doc, snippets=False):
                yield story, hit
        return
    for slug, tagger in taggers.items():
        if tagger.has_themes and tagger.relevant(doc):
            for hit in tagger.tag(doc, snippets=False):
                yield slug, hit


#: the stored evidence JSON (compact: sorted keys, no spaces), one encoder for every call
_evidence_json = evidence.encode_stored


def tag_rows(version_id: int, hits: Iterable[tuple[str, taxonomy.Hit]]) -> list[TagRow]:
    """The ``version_themes`` rows of one version's hits."""
    return [
        (
            version_id,
            slug,
            h.theme,
            h.score,
            _evidence_json(h.evidence()),
        )
        for slug, h in hits
    ]
