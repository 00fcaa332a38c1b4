"""A story's theme taxonomy: parsing the ``[[themes]]`` tables, saving them, scoring text.

Each theme::

    [[themes]]
    slug = "peace-talks"                       # required: a-z, 0-9, hyphens
    label = "Peace talks and negotiations"     # default: the slug
    description = "..."
    terms = ["peace talks", "negotiation", {term = "ceasefire", weight = 2}]
    context = ["Pakistan", "Islamabad"]        # optional: one must appear
    exclude = ["cricket", "T20"]               # optional: any one vetoes the theme
    min_score = 2                              # optional, default 2

A term is a word or phrase matched as :mod:`monitor.matching` says (word
boundaries, case-insensitive, inflections, ``*`` for any ending). A term is a
string (weight 1) or an inline table ``{term = "...", weight = W}``.

Score: the sum over matched terms of ``weight × min(count, 3)`` (a term repeated
ten times is not ten times the evidence). A theme is tagged when its score is at
least ``min_score``, at least one ``context`` term appears (if any are given),
and no ``exclude`` term appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from . import matching
from .errors import InputError

if TYPE_CHECKING:
    from .stories import Story

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = {"slug", "label", "description", "terms", "context", "exclude", "min_score"}
DEFAULT_MIN_SCORE = 2.0
MAX_COUNT = 3
SNIPPET_CHARS = 80


@dataclass
class Theme:
    slug: str
    label: str
    description: str = ""
    terms: dict[str, float] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    min_score: float = DEFAULT_MIN_SCORE


@dataclass
class Hit:
    """One theme found in one text, with the evidence for it."""

    theme: str
    score: float
    terms: dict[str, int]
    snippet: str

    def evidence(self) -> dict[str, Any]:
        return {"terms": self.terms, "snippet": self.snippet}


@dataclass
class ThemeScore:
    """How one theme fared on one text, tagged or not (for near-misses and evaluation)."""

    theme: str
    score: float
    threshold: float
    terms: dict[str, int]
    snippet: str
    tagged: bool
    #: why an untagged theme was not tagged: "below threshold", "no context word",
    #: "excluded by 'cricket'"; empty when tagged
    reason: str = ""

    @property
    def short_by(self) -> float:
        """How much score the theme lacked (0 when the score was enough)."""
        return round(max(0.0, self.threshold - self.score), 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "score": self.score,
            "threshold": self.threshold,
            "short_by": self.short_by,
            "terms": self.terms,
            "snippet": self.snippet,
            "tagged": self.tagged,
            "reason": self.reason,
        }


def _term_list(value: Any, where: str, key: str, weighted: bool) -> dict[str, float]:
    if not isinstance(value, list):
        raise InputError(f"{where}: '{key}' must be a list of words or phrases")
    out: dict[str, float] = {}
    for i, item in enumerate(value, start=1):
        weight = 1.0
        if weighted and isinstance(item, dict):
            unknown = set(item) - {"term", "weight"}
            if unknown:
                raise InputError(
                    f"{where}: '{key}'[{i}] has unknown key {sorted(unknown)[0]!r}; "
                    'use {term = "...", weight = 2}'
                )
            w = item.get("weight", 1)
            if isinstance(w, bool) or not isinstance(w, int | float) or w <= 0:
                raise InputError(f"{where}: '{key}'[{i}] 'weight' must be a positive number")
            weight = float(w)
            item = item.get("term")
        if not isinstance(item, str) or not item.strip():
            shape = 'a string or {term = "...", weight = 2}' if weighted else "a non-empty string"
            raise InputError(f"{where}: '{key}'[{i}] must be {shape}")
        out[" ".join(item.split())] = weight
    return out


def parse_theme(raw: Any, where: str) -> Theme:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: must be a table")
    slug = raw.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise InputError(f"{where}: 'slug' must be lower-case letters, digits and hyphens")
    where = f"{where} ({slug})"
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise InputError(
            f"{where}: unknown key {unknown[0]!r}; expected one of {', '.join(sorted(_KEYS))}"
        )
    for key in ("label", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise InputError(f"{where}: '{key}' must be a string")
    terms = _term_list(raw.get("terms", []), where, "terms", weighted=True)
    if not terms:
        raise InputError(f"{where}: 'terms' is empty; give at least one word or phrase")
    min_score = raw.get("min_score", DEFAULT_MIN_SCORE)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float) or min_score <= 0:
        raise InputError(f"{where}: 'min_score' must be a positive number")
    return Theme(
        slug=slug,
        label=raw.get("label", slug).strip() or slug,
        description=raw.get("description", "").strip(),
        terms=terms,
        context=list(_term_list(raw.get("context", []), where, "context", weighted=False)),
        exclude=list(_term_list(raw.get("exclude", []), where, "exclude", weighted=False)),
        min_score=float(min_score),
    )


def parse_themes(story: Story) -> list[Theme]:
    """The story's themes; errors name the story file, the theme and the key."""
    themes: list[Theme] = []
    seen: set[str] = set()
    for index, raw in enumerate(story.themes, start=1):
        theme = parse_theme(raw, f"{story.origin or story.slug}: themes[{index}]")
        if theme.slug in seen:
            raise InputError(
                f"{story.origin or story.slug}: themes[{index}]: duplicate theme slug {theme.slug!r}"
            )
        seen.add(theme.slug)
        themes.append(theme)
    return themes


def save_themes(db: Database, story: Story) -> None:
    themes = parse_themes(story)
    db.execute("delete from themes where story = ?", [story.slug])
    if themes:
        db.table("themes").insert_all(
            {"story": story.slug, "slug": t.slug, "label": t.label, "description": t.description}
            for t in themes
        )


class CompiledTheme:
    """A theme with its terms compiled into one pattern each (terms, context, exclude)."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.pattern, self.ordered = matching.alternation(list(theme.terms))
        self.context = matching.alternation(theme.context)[0] if theme.context else None
        self.exclude = matching.alternation(theme.exclude)[0] if theme.exclude else None

    def score(self, text: str) -> Hit | None:
        """The theme's hit in ``text`` (title and body together), or None."""
        counts: dict[str, int] = {}
        first: re.Match[str] | None = None
        for match in self.pattern.finditer(text):
            first = first or match
            term = self.ordered[int(match.lastgroup[1:])] if match.lastgroup else match.group(0)
            counts[term] = counts.get(term, 0) + 1
        if first is None:
            return None
        return self.decide(text, counts, first.start(), first.end(), None, None)

    def explain(self, text: str) -> ThemeScore | None:
        """The theme's score on ``text`` whether or not it is tagged; None if no term occurs."""
        counts: dict[str, int] = {}
        first: re.Match[str] | None = None
        for match in self.pattern.finditer(text):
            first = first or match
            term = self.ordered[int(match.lastgroup[1:])] if match.lastgroup else match.group(0)
            counts[term] = counts.get(term, 0) + 1
        if first is None:
            return None
        total = round(sum(self.theme.terms[t] * min(n, MAX_COUNT) for t, n in counts.items()), 3)
        reason = ""
        if total < self.theme.min_score:
            reason = "below threshold"
        elif self.context is not None and self.context.search(text) is None:
            reason = "no context word"
        elif self.exclude is not None and (veto := self.exclude.search(text)) is not None:
            reason = f"excluded by {veto.group(0)!r}"
        return ThemeScore(
            self.theme.slug,
            total,
            self.theme.min_score,
            counts,
            snippet(text, first.start(), first.end()),
            tagged=not reason,
            reason=reason,
        )

    def decide(
        self,
        text: str,
        counts: dict[str, int],
        start: int,
        end: int,
        has_context: bool | None,
        has_exclude: bool | None,
    ) -> Hit | None:
        """Apply score, context and exclusion to the term counts found in ``text``."""
        total = sum(self.theme.terms[t] * min(n, MAX_COUNT) for t, n in counts.items())
        if total < self.theme.min_score:
            return None
        if self.context is not None:
            if has_context is None:
                has_context = self.context.search(text) is not None
            if not has_context:
                return None
        if self.exclude is not None:
            if has_exclude is None:
                has_exclude = self.exclude.search(text) is not None
            if has_exclude:
                return None
        return Hit(self.theme.slug, round(total, 3), counts, snippet(text, start, end))


class CompiledTaxonomy:
    """All themes of a story scanned in one pass of one pattern (for speed).

    The pattern holds every term, context and exclude word of every theme. Where
    terms overlap the longest wins at a place in the text (as within one theme);
    a match is also credited to other themes' terms found inside it ("Doha
    Agreement" counts as "Doha" for a theme that lists only "Doha"). The one
    difference from scanning theme by theme: a term that *starts inside* a
    longer match of another theme and runs past its end is not seen.
    """

    def __init__(self, themes: list[Theme]):
        self.themes = [CompiledTheme(t) for t in themes]
        words: list[str] = []
        for t in themes:
            words += [*t.terms, *t.context, *t.exclude]
        self.pattern: re.Pattern[str] | None
        self.ordered: list[str]
        self.pattern, self.ordered = matching.alternation(words) if words else (None, [])
        # for each word of the pattern: (theme index, credited term, count) and
        # the themes whose context / exclude lists it satisfies
        self.credits: list[list[tuple[int, str, int]]] = []
        self.context_of: list[list[int]] = []
        self.exclude_of: list[list[int]] = []
        for word in self.ordered:
            credit: list[tuple[int, str, int]] = []
            context: list[int] = []
            exclude: list[int] = []
            for i, ct in enumerate(self.themes):
                if word in ct.theme.terms:
                    credit.append((i, word, 1))
                else:
                    for term, n in matching.count_terms(ct.pattern, ct.ordered, word).items():
                        credit.append((i, term, n))
                if ct.context is not None and (word in ct.theme.context or ct.context.search(word)):
                    context.append(i)
                if ct.exclude is not None and (word in ct.theme.exclude or ct.exclude.search(word)):
                    exclude.append(i)
            self.credits.append(credit)
            self.context_of.append(context)
            self.exclude_of.append(exclude)

    def explain(self, text: str) -> list[ThemeScore]:
        """Every theme with at least one term in ``text``: tagged ones and near-misses."""
        return [s for ct in self.themes if (s := ct.explain(text)) is not None]

    def near_misses(self, text: str) -> list[ThemeScore]:
        """Themes that scored on ``text`` but were not tagged, closest first."""
        missed = [s for s in self.explain(text) if not s.tagged]
        return sorted(missed, key=lambda s: (s.short_by, s.theme))

    def tag(self, text: str) -> list[Hit]:
        if self.pattern is None:
            return []
        counts: list[dict[str, int]] = [{} for _ in self.themes]
        first: list[tuple[int, int] | None] = [None] * len(self.themes)
        context: set[int] = set()
        exclude: set[int] = set()
        for match in self.pattern.finditer(text):
            index = int(match.lastgroup[1:]) if match.lastgroup else 0
            for i, term, n in self.credits[index]:
                found = counts[i]
                found[term] = found.get(term, 0) + n
                if first[i] is None:
                    first[i] = (match.start(), match.end())
            context.update(self.context_of[index])
            exclude.update(self.exclude_of[index])
        hits = []
        for i, ct in enumerate(self.themes):
            place = first[i]
            if place is None:
                continue
            hit = ct.decide(text, counts[i], place[0], place[1], i in context, i in exclude)
            if hit is not None:
                hits.append(hit)
        return hits


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
