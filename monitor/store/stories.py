"""The ``stories`` and ``themes`` tables: the one module that writes them. Parsing a
story's TOML and compiling its taxonomy live in :mod:`monitor.themes`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from monitor.store.db import select
from monitor.text.timeutil import now_iso

if TYPE_CHECKING:
    from sqlite_utils import Database


def save(db: Database, row: dict[str, Any], themes: Iterable[dict[str, Any]]) -> None:
    """Insert or replace one story (``row``: slug, name, description, rule, definition,
    origin) and replace its themes (dicts of slug, label, description)."""
    now = now_iso()
    with db.atomic():
        if get(db, row["slug"]):
            db.table("stories").update(row["slug"], {**row, "updated_at": now})
        else:
            db.table("stories").insert({**row, "created_at": now, "updated_at": now})
        replace_themes(db, row["slug"], themes)


def replace_themes(db: Database, story: str, themes: Iterable[dict[str, Any]]) -> None:
    db.execute("delete from themes where story = ?", [story])
    rows = [(story, t["slug"], t["label"], t.get("description")) for t in themes]
    if rows:
        db.conn.executemany(
            "insert into themes (story, slug, label, description) values (?, ?, ?, ?)", rows
        )


def get(db: Database, slug: str) -> dict[str, Any] | None:
    rows = select(db, "select * from stories where slug = ?", [slug])
    return rows[0] if rows else None


def slugs(db: Database) -> set[str]:
    return {row[0] for row in db.execute("select slug from stories")}


def generation(db: Database) -> int | None:
    """A number that changes whenever any story is inserted, updated or deleted (by
    triggers on ``stories``, whoever writes it); None without the counter."""
    found = db.execute("select n from stories_generation where id = 1").fetchone()
    return int(found[0]) if found else None


def rows(db: Database) -> list[dict[str, Any]]:
    """Every stored story row (with its definition)."""
    return select(db, "select * from stories order by slug")


def summary(db: Database) -> list[dict[str, Any]]:
    """Each story with its article and theme counts (``stories list``)."""
    return select(
        db,
        """select s.slug, s.name, s.rule, s.origin,
                  (select count(*) from article_stories m where m.story = s.slug) as articles,
                  (select count(*) from themes t where t.story = s.slug) as themes
           from stories s order by s.slug""",
    )
