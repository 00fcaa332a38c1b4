"""Robustness: every file of the shared feed corpus goes through parse and ingest.

Each file, added as a local feed, must end as stored entries, a recorded
one-line error, or a valid feed with no entries; never a traceback.
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from monitor.store import feeds as feedstore
from monitor.update import FetchOptions, run_fetch

CORPUS = [SHARED / "corpus" / "feeds", SHARED / "corpus" / "feedparser_suite"]


def corpus_files():
    return sorted(p for folder in CORPUS for p in folder.rglob("*") if p.is_file())


@pytest.mark.skipif(
    not all(folder.is_dir() for folder in CORPUS),
    reason=f"the shared corpus is absent ({CORPUS[0].parent} not found next to the repository)",
)
@pytest.mark.slow
def test_every_corpus_file_is_stored_or_a_readable_error(db):
    files = corpus_files()
    assert len(files) > 200
    for path in files:
        feedstore.add_feed(db, str(path))
    report = run_fetch(db, FetchOptions(jobs=2))
    assert len(report.feeds) == len(files)
    outcomes = {"stored": 0, "error": 0, "empty": 0}
    for feed in report.feeds:
        row = db["feeds"].get(feed.feed_id)
        if feed.error:
            assert row["last_error"] == feed.error and row["error_count"] == 1
            assert "\n" not in feed.error and 10 < len(feed.error) <= 300, feed
            assert "Traceback" not in feed.error and "internal error" not in feed.error, feed
            outcomes["error"] += 1
        elif feed.entries:
            assert feed.kept == feed.entries  # no story: every entry is kept
            assert feed.new_articles + feed.new_versions + feed.seen == feed.kept, feed
            outcomes["stored"] += 1
        else:  # a well-formed feed with no items (many feedparser tests are channel-only)
            assert row["entries_seen"] == 0 and row["error_count"] == 0, feed
            outcomes["empty"] += 1
    assert outcomes["stored"] >= 100 and outcomes["error"] >= 30, outcomes
    # the known failures of the corpus are named for what they are
    by_name = {f.url.rsplit("/", 1)[-1]: f for f in report.feeds}
    assert by_name["latimes_403_cloudfront_error_page.xml"].error == (
        "not a feed: looks like an HTML page"
    )
    assert by_name["bbc_empty_response.xml"].error == "empty response: no feed"
    assert by_name["compressed.xml"].entries == 10  # gzip bytes despite the .xml name
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
