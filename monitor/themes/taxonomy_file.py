"""A story's ``[[themes]]`` tables read and validated into :class:`Theme` records (the
file format is described in :mod:`monitor.themes.taxonomy`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError

if TYPE_CHECKING:
    from monitor.themes.stories import Story

DEFAULT_MIN_SCORE = 2.0
#: limits that keep a taxonomy's numbers meaningful (NaN and infinity are refused)
MAX_WEIGHT = 100.0
MAX_MIN_SCORE = 1000.0
DEFAULT_WITHIN = 10
MAX_WITHIN = 100


_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


_KEYS = {"slug", "label", "description", "terms", "context", "exclude", "min_score"}


@dataclass
class Theme:
    slug: str
    label: str
    description: str = ""
    terms: dict[str, float] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)
    #: the context words in groups: one word of every group must appear
    context_groups: list[list[str]] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    min_score: float = DEFAULT_MIN_SCORE
    #: term -> (sense words, within N words): the term counts only near one of them
    near: dict[str, tuple[list[str], int]] = field(default_factory=dict)
    #: term -> groups of sense words: a word of every group must be near (``near`` holds
    #: them all, flat); absent when ``near`` is one group
    near_groups: dict[str, list[list[str]]] = field(default_factory=dict)
    #: term -> (words, within N words): an occurrence near one of them does not count
    not_near: dict[str, tuple[list[str], int]] = field(default_factory=dict)


def _number(value: Any, low: float, high: float) -> float | None:
    """``value`` as a finite float in (low, high], else None (booleans are no numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not low < value <= high:
        return None
    return float(value)


def _term_list(
    value: Any,
    where: str,
    key: str,
    weighted: bool,
    near: dict[str, tuple[list[str], int]] | None = None,
    groups: dict[str, list[list[str]]] | None = None,
    not_near: dict[str, tuple[list[str], int]] | None = None,
) -> dict[str, float]:
    if not isinstance(value, list):
        raise InputError(f"{where}: '{key}' must be a list of words or phrases")
    out: dict[str, float] = {}
    for i, item in enumerate(value, start=1):
        weight = 1.0
        sense: tuple[list[str], int] | None = None
        sense_groups: list[list[str]] = []
        veto: list[str] = []
        if weighted and isinstance(item, dict):
            unknown = set(item) - {"term", "weight", "near", "within", "not_near"}
            if unknown:
                raise InputError(
                    f"{where}: '{key}'[{i}] has unknown key {sorted(unknown)[0]!r}; "
                    'use {term = "...", weight = 2, near = ["..."], within = 10, '
                    'not_near = ["..."]}'
                )
            w = _number(item.get("weight", 1), 0.0, MAX_WEIGHT)
            if w is None:
                raise InputError(
                    f"{where}: '{key}'[{i}] 'weight' must be a positive number up to {MAX_WEIGHT:g}"
                )
            weight = w
            if "near" in item or "not_near" in item:
                here = f"{where}: '{key}'[{i}]"
                if "near" in item:
                    sense_groups = _context_groups(item["near"], here, "near")
                    if not sense_groups:
                        raise InputError(f"{here} 'near' is empty")
                if "not_near" in item:
                    veto = list(_term_list(item["not_near"], here, "not_near", False))
                    if not veto:
                        raise InputError(f"{here} 'not_near' is empty")
                within = item.get("within", DEFAULT_WITHIN)
                if (
                    isinstance(within, bool)
                    or not isinstance(within, int)
                    or not (1 <= within <= MAX_WITHIN)
                ):
                    raise InputError(
                        f"{where}: '{key}'[{i}] 'within' must be a whole number of words "
                        f"from 1 to {MAX_WITHIN}"
                    )
                sense = ([w for g in sense_groups for w in g], within)
            elif "within" in item:
                raise InputError(f"{where}: '{key}'[{i}] 'within' needs 'near' or 'not_near'")
            item = item.get("term")
        if not isinstance(item, str) or not item.strip():
            shape = 'a string or {term = "...", weight = 2}' if weighted else "a non-empty string"
            raise InputError(f"{where}: '{key}'[{i}] must be {shape}")
        term = " ".join(item.split())
        out[term] = weight
        if sense is not None and sense_groups and near is not None:
            near[term] = sense
            if len(sense_groups) > 1 and groups is not None:
                groups[term] = sense_groups
        if sense is not None and veto and not_near is not None:
            not_near[term] = (veto, sense[1])
    return out


def _context_groups(value: Any, where: str, key: str = "context") -> list[list[str]]:
    """``context`` (or ``near``): a list of words (one group) or a list of lists (groups)."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        groups = []
        for i, group in enumerate(value, start=1):
            words = list(_term_list(group, where, f"{key}[{i}]", weighted=False))
            if not words:
                raise InputError(f"{where}: '{key}[{i}]' is empty")
            groups.append(words)
        return groups
    words = list(_term_list(value, where, key, weighted=False))
    return [words] if words else []


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
    groups = _context_groups(raw.get("context", []), where)
    near: dict[str, tuple[list[str], int]] = {}
    near_groups: dict[str, list[list[str]]] = {}
    not_near: dict[str, tuple[list[str], int]] = {}
    terms = _term_list(raw.get("terms", []), where, "terms", True, near, near_groups, not_near)
    if not terms:
        raise InputError(f"{where}: 'terms' is empty; give at least one word or phrase")
    min_score = _number(raw.get("min_score", DEFAULT_MIN_SCORE), 0.0, MAX_MIN_SCORE)
    if min_score is None:
        raise InputError(f"{where}: 'min_score' must be a positive number up to {MAX_MIN_SCORE:g}")
    return Theme(
        slug=slug,
        label=raw.get("label", slug).strip() or slug,
        description=raw.get("description", "").strip(),
        terms=terms,
        context=[w for group in groups for w in group],
        context_groups=groups,
        exclude=list(_term_list(raw.get("exclude", []), where, "exclude", weighted=False)),
        min_score=min_score,
        near=near,
        near_groups=near_groups,
        not_near=not_near,
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
