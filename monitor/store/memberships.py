"""The ``article_stories`` table: which stories each article belongs to (many-to-many),
and why (``filed``: named by ``--story`` or by its feed; ``rule``: the story's relevance
rule matches its current version). The one module that writes it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

FILED = "filed"
RULE = "rule"


def file(db: Database, article_id: int, story: str) -> None:
    """The article is filed under ``story`` (by ``--story`` or its feed)."""
    db.execute(
        """insert into article_stories (article_id, story, how) values (?, ?, ?)
           on conflict(article_id, story) do update set how = excluded.how""",
        [article_id, story, FILED],
    )


def set_rule_matches(db: Database, article_id: int, stories: Iterable[str]) -> None:
    """The stories whose rules match the article's current version are ``stories``:
    rule memberships are added and dropped to match; filed ones are kept."""
    wanted = set(stories)
    have = {
        row[0]
        for row in db.execute(
            "select story from article_stories where article_id = ? and how = ?",
            [article_id, RULE],
        )
    }
    for story in have - wanted:
        db.execute(
            "delete from article_stories where article_id = ? and story = ? and how = ?",
            [article_id, story, RULE],
        )
    for story in wanted - have:
        db.execute(
            "insert or ignore into article_stories (article_id, story, how) values (?, ?, ?)",
            [article_id, story, RULE],
        )


def set_story_rule(db: Database, story: str, matching: set[int]) -> tuple[int, int]:
    """After a story's rule changed: its rule members become ``matching`` (filed members
    stay). Returns (joined, left)."""
    have = {
        row[0]
        for row in db.execute(
            "select article_id from article_stories where story = ? and how = ?", [story, RULE]
        )
    }
    filed = {
        row[0]
        for row in db.execute(
            "select article_id from article_stories where story = ? and how = ?", [story, FILED]
        )
    }
    left = have - matching
    joined = matching - have - filed
    db.conn.executemany(
        "delete from article_stories where article_id = ? and story = ? and how = ?",
        [(a, story, RULE) for a in left],
    )
    db.conn.executemany(
        "insert or ignore into article_stories (article_id, story, how) values (?, ?, ?)",
        [(a, story, RULE) for a in joined],
    )
    return len(joined), len(left)


def current_texts(db: Database) -> Iterator[tuple[int, str, str]]:
    """(article id, current title, current text) of every article, in id order."""
    from monitor.store.articles import CURRENT

    yield from db.execute(f"select a.id, v.title, v.text from {CURRENT} order by a.id")
