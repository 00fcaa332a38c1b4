"""``monitor reextract``: stored page HTML extracted again; dry run by default,
``--apply`` stores a changed text as a version through ingest."""

from __future__ import annotations

import hashlib
import json

from test_identity import html


def _older_extraction(db) -> None:
    """Make version 1's text what a worse extractor gave: the last paragraph lost."""
    row = next(db.query("select * from versions where id = 1"))  # a view: texts are packed
    text = row["text"].split("\n\n")[0]
    digest = hashlib.sha256(f"{row['title']}\x00{text}".encode()).hexdigest()
    db["version_rows"].update(1, {"text": text, "content_hash": digest, "words": len(text.split())})


def test_reextract_reports_then_applies(invoke, httpserver, db):
    httpserver.expect_request("/news/talks").respond_with_data(html(), content_type="text/html")
    assert invoke("add", httpserver.url_for("/news/talks")).exit_code == 0
    same = invoke("reextract")
    assert same.exit_code == 0 and "article 1 v1: unchanged" in same.stdout

    _older_extraction(db)
    dry = invoke("reextract", "1")
    assert "article 1 v1: changed" in dry.stdout and "--apply" in dry.stderr
    assert db.execute("select count(*) from versions").fetchone()[0] == 1  # dry run

    applied = invoke("reextract", "1", "--apply")
    assert "stored version 2" in applied.stdout
    assert db.execute("select count(*) from versions").fetchone()[0] == 2
    assert "60 soldiers" in next(db.query("select * from versions where id = ?", [2]))["text"]
    again = json.loads(invoke("reextract", "--json").stdout)
    assert [r["outcome"] for r in again] == ["unchanged"]


def test_reextract_of_an_article_without_html_says_so(invoke, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: Plain text\n\nA plain text article with no HTML at all here.")
    assert invoke("add", str(path)).exit_code == 0
    result = invoke("reextract", "1")
    assert result.exit_code == 0 and "no-html" in result.stdout
    missing = invoke("reextract", "99")
    assert missing.exit_code != 0 and "not found" in missing.stderr
    assert "Traceback" not in missing.output
