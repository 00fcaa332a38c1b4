"""What happens after a version is stored, inside the same transaction.

Each capability that derives data from versions (per-pair edit stats, theme
tags) is called from here, so ingest stays one small function and every path
that stores a version (files, feeds, re-checks) derives the same data.
"""

from __future__ import annotations

from sqlite_utils import Database


def version_stored(
    db: Database,
    article_id: int,
    version_id: int,
    previous_id: int | None,
    document: tuple[str | None, str, str] | None = None,
) -> None:
    """Called by :func:`monitor.ingest.store` after inserting a version.

    ``document`` is the article's (story, title, text) when the caller has it
    at hand, which saves reading the version back.
    """
    from monitor.analysis import edits
    from monitor.themes import tagger as tagging

    if previous_id is not None:
        edits.record_pair(db, article_id, previous_id, version_id)
    tagging.tag_version(db, article_id, version_id, document)
