"""Shared helpers for the themes tests: load the hand-labelled fixtures, store articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import add_article

from monitor.themes.stories import tomllib

FIXTURES = Path(__file__).parent / "fixtures" / "themes"


def labelled() -> list[dict[str, Any]]:
    with (FIXTURES / "articles.toml").open("rb") as fh:
        return tomllib.load(fh)["articles"]


def add(
    db,
    title: str,
    text: str,
    *,
    url: str,
    source: str = "Dawn",
    published: str | None = None,
    story: str | None = "pakistan-taliban",
) -> int:
    return add_article(
        db, url, title, text, source=source, story=story, published=published
    ).article_id


def tags_of(db, article_id: int) -> dict[str, dict[str, Any]]:
    return {
        r["theme"]: r
        for r in db.query(
            """select vt.* from version_themes vt join versions v on v.id = vt.version_id
               join articles a on a.id = v.article_id and a.current_version = v.number
               where a.id = ?""",
            [article_id],
        )
    }
