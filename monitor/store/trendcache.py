"""The ``theme_months`` table: per story and month, the aggregates ``themes`` draws
(theme, day, articles, first and last date, sources), cached with a fingerprint of what
they were made from. The one module that writes it.

A month's fingerprint covers its articles (how many, their ids, current versions and
sources: a new article, a new version, a deletion or a source change shows) and the
story's tagging (the taxonomy its tags were last re-applied with, and any ``retag`` in
progress), so a cached month is used only while a fresh count would give the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

#: part of every fingerprint: change it when the cached rows are made differently
VERSION = "1"


def fingerprints(db: Database, story: str) -> dict[str, str]:
    """month (``YYYY-MM``) -> fingerprint, for every month that has articles: one scan
    of the index on (dated_at, current_version, source), reading no table row."""
    tagging = db.execute(
        "select taxonomy || '@' || retagged_at from story_tagging where story = ?", [story]
    ).fetchone()
    running = db.execute(
        "select group_concat(scope || ':' || taxonomy || ':' || last_id, ';') from retag_progress"
    ).fetchone()
    suffix = f"{VERSION}|{tagging[0] if tagging else ''}|{running[0] or ''}"
    rows = db.execute(
        """select substr(dated_at, 1, 7), count(*), total(id), total(current_version),
                  total(length(source)) + total(unicode(source))
           from articles indexed by articles_dated_current group by 1"""
    )
    return {
        month: f"{n}:{int(ids)}:{int(current)}:{int(sources)}|{suffix}"
        for month, n, ids, current, sources in rows
    }


def cached(db: Database, story: str, month: str, fingerprint: str) -> list[Any] | None:
    """The cached rows of ``story`` and ``month`` if made with ``fingerprint``, else None."""
    row = db.execute(
        "select fingerprint, rows from theme_months where story = ? and month = ?",
        [story, month],
    ).fetchone()
    if row is None or row[0] != fingerprint:
        return None
    rows: list[Any] = json.loads(row[1])
    return rows


def save(db: Database, story: str, month: str, fingerprint: str, rows: list[Any]) -> None:
    try:
        with db.atomic():
            db.execute(
                """insert or replace into theme_months (story, month, fingerprint, rows)
                   values (?, ?, ?, ?)""",
                [story, month, fingerprint, json.dumps(rows, ensure_ascii=False)],
            )
    except sqlite3.OperationalError:  # a read-only file: the trends go on uncached
        pass
