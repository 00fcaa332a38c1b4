"""The ``term_counts`` and ``term_stats`` tables (how often each content word occurs
in all stored versions, and how many words they hold): the one module that writes them.

They are counted incrementally: :func:`refresh` reads only the versions stored
since it last ran (a daily ``changes`` reads one day's versions), so the
background of distinctive terms never needs a pass over the whole archive. The
first refresh of an older database counts every version once.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

#: versions read per transaction while counting
BATCH = 2000

_UPSERT = (
    "insert into term_counts (term, n) values (?, ?) "
    "on conflict (term) do update set n = n + excluded.n"
)


def refresh(
    db: Database, count: Callable[[Iterable[str]], Mapping[str, int]], limit: int | None = None
) -> int:
    """Count the versions stored since the last refresh, at most ``limit`` of them (the
    oldest first; the next refresh goes on from there); returns how many it counted.

    ``count`` gives the occurrences of the words of texts (each a version's
    ``title + "\\n" + text``; every occurrence counts, as the FTS index's
    ``fts5vocab`` ``cnt`` does). Each batch is its own transaction, so a
    writer waits at most one batch.
    """
    counted = 0
    while limit is None or counted < limit:
        with db.atomic():
            upto = db.execute("select upto from term_stats where id = 1").fetchone()[0]
            batch = BATCH if limit is None else min(BATCH, limit - counted)
            rows = db.execute(
                "select id, title, text, words from versions where id > ? order by id limit ?",
                [upto, batch],
            ).fetchall()
            if not rows:
                return counted
            counts = count(f"{title}\n{text}" for _id, title, text, _n in rows)
            words = sum(row[3] for row in rows)
            db.conn.executemany(_UPSERT, counts.items())
            db.execute(
                "update term_stats set upto = ?, words = words + ? where id = 1",
                [rows[-1][0], words],
            )
            counted += len(rows)
    return counted


def pending(db: Database) -> int:
    """How many stored versions the background counts have not read yet."""
    upto = db.execute("select upto from term_stats where id = 1").fetchone()[0]
    row = db.execute("select count(*) from versions where id > ?", [upto]).fetchone()
    return int(row[0])


def background(db: Database, terms: list[str]) -> tuple[dict[str, int], int]:
    """Occurrences of each of ``terms`` in all versions (those that occur), and all words."""
    counts: dict[str, int] = {}
    for i in range(0, len(terms), 500):
        chunk = terms[i : i + 500]
        marks = ",".join("?" * len(chunk))
        counts.update(db.execute(f"select term, n from term_counts where term in ({marks})", chunk))
    total = db.execute("select words from term_stats where id = 1").fetchone()[0]
    return counts, int(total)


def day_counts(db: Database, day: str, story: str, fingerprint: str) -> Counter[str] | None:
    """The cached counts of ``day`` (``YYYY-MM-DD``) and ``story`` ('' for all), if they
    were made from rows with this ``fingerprint``; else ``None``."""
    row = db.execute(
        "select fingerprint, counts from term_days where day = ? and story = ?", [day, story]
    ).fetchone()
    if row is None or row[0] != fingerprint:
        return None
    return Counter(json.loads(zlib.decompress(row[1])))


def save_day(
    db: Database, day: str, story: str, fingerprint: str, counts: Mapping[str, int]
) -> None:
    """Cache the counts of ``day`` and ``story`` made from rows with ``fingerprint``."""
    blob = zlib.compress(json.dumps(dict(counts), ensure_ascii=False).encode("utf-8"), 1)
    try:
        with db.atomic():
            db.execute(
                "insert or replace into term_days (day, story, fingerprint, counts)"
                " values (?, ?, ?, ?)",
                [day, story, fingerprint, blob],
            )
    except sqlite3.OperationalError:  # a read-only file: the report goes on uncached
        pass
