"""What is derived from a version once it is stored: edit statistics of the pair it
ends, and its theme tags; and the backfill of derived data for old databases.

Every path that stores a version (files, feeds, re-checks) calls
:func:`version_stored` inside the same transaction, so every version gets the
same derived data. The pair's edits (a diff, which can be long) may be computed
by the caller before its write transaction (:func:`pair_row`) and handed in, so
the transaction only writes them; a pair stored without its row (a crash between)
is found and filled by :func:`backfill` (``diffs.missing_pairs``). The computing is done by :mod:`monitor.analysis.edits` and
:mod:`monitor.themes.tagger`; the writing by :mod:`monitor.store`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from monitor.analysis import edits
from monitor.errors import NotFoundError
from monitor.store import diffs, schema
from monitor.store import stories as storymod
from monitor.store import tags as tagstore
from monitor.themes import tagger

#: versions re-tagged per query batch
BATCH = 2000


def version_stored(
    db: Database,
    article_id: int,
    version_id: int,
    previous_id: int | None,
    document: tuple[str | None, str, str] | None = None,
    *,
    pair: dict[str, Any] | None = None,
) -> None:
    """Called by :func:`monitor.ingest.store` after inserting a version.

    ``document`` is the article's (story, title, text) when the caller has it
    at hand, which saves reading the version back. ``pair``: the pair's
    ``diffs`` row when the caller computed it already (before its transaction).
    """
    if previous_id is not None:
        record_pair(db, article_id, previous_id, version_id, row=pair)
    tag_version(db, version_id, document)


def pair_row(article_id: int, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The ``diffs`` row of (old -> new) version rows (``new`` need not be stored yet)."""
    return edits.pair_row(article_id, old, new)


def record_pair(
    db: Database, article_id: int, old_id: int, new_id: int, row: dict[str, Any] | None = None
) -> None:
    """Store the edit counts of (old version -> new version) in ``diffs`` (``row``: the
    pair's row computed already; else the pair is compared here)."""
    if row is None:
        old, new = diffs.version(db, old_id), diffs.version(db, new_id)
        row = edits.pair_row(article_id, old, new)
    diffs.write_pair(db, row)


def tag_version(
    db: Database, version_id: int, document: tuple[str | None, str, str] | None = None
) -> int:
    """Tag one stored version; returns the number of tags written.

    ``document``: the article's (story, title, text), if the caller has them.
    """
    story, title, text = document or tagstore.version_document(db, version_id)
    rows = tagger.tag_rows(version_id, tagger.tags_for(tagger.load_taggers(db), story, title, text))
    tagstore.replace_version(db, version_id, rows)
    return len(rows)


@dataclass
class RetagResult:
    versions: int
    tags: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.versions / self.seconds if self.seconds > 0 else float("inf")


def retag(db: Database, story: str | None = None) -> RetagResult:
    """Re-apply the current taxonomies to every stored version, in one transaction.

    With ``story``, only that story's tags are replaced (its own articles and
    unfiled articles its rule matches); other stories' tags are kept.
    """
    started = time.perf_counter()
    taggers = tagger.load_taggers(db)
    if story is not None:
        if story not in taggers:
            known = ", ".join(sorted(taggers)) or "none"
            raise NotFoundError(f"story {story!r}: not found (known: {known})")
        taggers = {story: taggers[story]}
    versions = tags = 0
    with db.atomic():
        if story is None:  # also drops tags of stories that no longer exist
            tagstore.delete_story(db, None)
        for slug, one in taggers.items():
            tagstore.delete_story(db, slug)
            storymod.replace_themes(
                db,
                slug,
                [
                    {
                        "slug": t.theme.slug,
                        "label": t.theme.label,
                        "description": t.theme.description,
                    }
                    for t in one.themes
                ],
            )
        last = 0
        while True:
            batch = tagstore.versions_to_tag(db, last, story, BATCH)
            if not batch:
                break
            rows: list[tagstore.TagRow] = []
            for version_id, article_story, title, text in batch:
                rows += tagger.tag_rows(
                    version_id, tagger.tags_for(taggers, article_story, title, text)
                )
            tagstore.insert(db, rows)
            versions += len(batch)
            tags += len(rows)
            last = batch[-1][0]
    return RetagResult(versions, tags, time.perf_counter() - started)


def backfill(db: Database) -> dict[str, int]:
    """Fill the derived data that migrations asked for (edit stats of version pairs
    stored before they were recorded); run after migrating. Returns what was filled."""
    done: dict[str, int] = {}
    for name in schema.pending_backfills(db):
        if name in ("edit_stats", "new_pairs"):  # new_pairs: a fetch died before its pairs
            with db.atomic():
                missing = diffs.missing_pairs(db)
                for row in missing:
                    record_pair(db, row["article_id"], row["old_id"], row["new_id"])
                schema.backfill_done(db, name)
            done[name] = len(missing)
    return done
