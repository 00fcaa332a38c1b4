"""Stories: a named subject to follow, with a relevance rule and a theme taxonomy.

A story is a TOML file::

    slug = "pakistan-taliban"
    name = "Pakistan – Afghan Taliban confrontation"
    description = "..."
    rule = '(Pakistan OR Islamabad) AND (Taliban OR TTP OR Kabul)'

    [[themes]]          # see monitor.taxonomy for the theme format
    slug = "peace-talks"
    ...

Built-in stories ship inside the package (``monitor/data/stories``); users add
their own with ``monitor stories add FILE``, stored in the database.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.errors import InputError, NotFoundError
from monitor.store import stories as storymod
from monitor.themes import rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Story:
    slug: str
    name: str
    rule: str = ""
    description: str = ""
    themes: list[dict[str, Any]] = field(default_factory=list)
    definition: str = ""
    origin: str = ""

    def is_relevant(self, text: str) -> bool:
        return rules.matches(self.rule, text)


def parse_story(text: str, origin: str) -> Story:
    """Parse a story TOML document; errors name ``origin`` and the offending key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{origin}: not valid TOML ({exc})") from exc
    except RecursionError as exc:  # tomllib reads nested arrays/tables recursively
        raise InputError(f"{origin}: arrays or tables nested too deep to read") from exc
    for key in ("slug", "name"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise InputError(f"{origin}: missing string key '{key}'")
    slug = data["slug"].strip()
    if not _SLUG.match(slug):
        raise InputError(f"{origin}: slug {slug!r} must be lower-case letters, digits and hyphens")
    rule = data.get("rule", "")
    if not isinstance(rule, str):
        raise InputError(f"{origin}: 'rule' must be a string")
    if rule.strip():
        try:
            rules.parse_rule(rule)
        except rules.RuleError as exc:
            raise InputError(f"{origin}: {exc}") from exc
    themes = data.get("themes", [])
    if not isinstance(themes, list):
        raise InputError(f"{origin}: 'themes' must be an array of tables ([[themes]])")
    return Story(
        slug=slug,
        name=data["name"].strip(),
        rule=rule.strip(),
        description=str(data.get("description", "")).strip(),
        themes=themes,
        definition=text,
        origin=origin,
    )


def builtin_stories() -> dict[str, Story]:
    found: dict[str, Story] = {}
    folder = resources.files("monitor") / "data" / "stories"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            story = parse_story(item.read_text(encoding="utf-8"), f"built-in {item.name}")
            story.origin = "built-in"
            found[story.slug] = story
    return found


def save_story(db: Database, story: Story) -> None:
    """Store a story and its themes (validated first: nothing is written if they are bad)."""
    from monitor.themes import taxonomy  # taxonomy builds on stories, not the other way round

    themes = taxonomy.parse_themes(story)
    row = {
        "slug": story.slug,
        "name": story.name,
        "description": story.description,
        "rule": story.rule,
        "definition": story.definition,
        "origin": story.origin,
    }
    storymod.save(
        db, row, [{"slug": t.slug, "label": t.label, "description": t.description} for t in themes]
    )


def read_story_file(path: Path) -> Story:
    """A story parsed from its .toml file; a clear error for a missing or unreadable one."""
    if not path.exists():
        raise InputError(f"{path}: no such file; give the path of a story .toml file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the path of a story .toml file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text; save the story file as UTF-8") from exc
    return parse_story(text, str(path))


def add_story_file(db: Database, path: Path) -> Story:
    story = read_story_file(path)
    from monitor.themes import taxonomy

    taxonomy.parse_themes(story)  # validate before anything is written
    story.origin = str(path)
    save_story(db, story)
    return story


def ensure_builtin(db: Database) -> None:
    """Insert built-in stories the database does not have yet."""
    have = storymod.slugs(db)
    for slug, story in builtin_stories().items():
        if slug not in have:
            save_story(db, story)


def get_story(db: Database, slug: str) -> Story:
    row = storymod.get(db, slug)
    if row is None:
        builtin = builtin_stories().get(slug)
        if builtin is None:
            known = ", ".join(s["slug"] for s in list_stories(db)) or "none"
            raise NotFoundError(
                f"story {slug!r}: not found (known: {known}); add it with 'monitor stories add FILE'"
            )
        save_story(db, builtin)
        return builtin
    story = (
        parse_story(row["definition"], row["origin"] or slug)
        if row["definition"]
        else Story(slug=row["slug"], name=row["name"], rule=row["rule"] or "")
    )
    story.origin = row["origin"] or ""
    return story


def list_stories(db: Database) -> list[dict[str, Any]]:
    return storymod.summary(db)
