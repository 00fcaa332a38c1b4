"""A story's theme taxonomy: parsing the ``[[themes]]`` tables and saving them.

Each theme::

    [[themes]]
    slug = "peace-talks"
    label = "Peace talks and negotiations"
    description = "..."
    terms = ["peace talks", "negotiation", "mediator"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlite_utils import Database

from .errors import InputError

if TYPE_CHECKING:
    from .stories import Story

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Theme:
    slug: str
    label: str
    description: str = ""
    terms: dict[str, float] = field(default_factory=dict)


def parse_themes(story: Story) -> list[Theme]:
    themes: list[Theme] = []
    seen: set[str] = set()
    for index, raw in enumerate(story.themes, start=1):
        where = f"{story.origin or story.slug}: themes[{index}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: must be a table")
        slug = raw.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise InputError(f"{where}: 'slug' must be lower-case letters, digits and hyphens")
        if slug in seen:
            raise InputError(f"{where}: duplicate theme slug {slug!r}")
        seen.add(slug)
        label = raw.get("label", slug)
        terms_raw = raw.get("terms", [])
        if not isinstance(terms_raw, list) or not all(
            isinstance(t, str) and t.strip() for t in terms_raw
        ):
            raise InputError(f"{where} ({slug}): 'terms' must be a list of non-empty strings")
        themes.append(
            Theme(
                slug=slug,
                label=str(label),
                description=str(raw.get("description", "")),
                terms={t.strip(): 1.0 for t in terms_raw},
            )
        )
    return themes


def save_themes(db: Database, story: Story) -> None:
    themes = parse_themes(story)
    db.execute("delete from themes where story = ?", [story.slug])
    if themes:
        db["themes"].insert_all(
            {"story": story.slug, "slug": t.slug, "label": t.label, "description": t.description}
            for t in themes
        )
