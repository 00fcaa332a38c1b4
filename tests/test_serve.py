"""``monitor serve``: Datasette on the sample database, pages fetched over loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from conftest import ROOT, SAMPLES

pytest.importorskip("datasette", reason="Datasette is the serve extra (also in test)")

URDU_TITLE = "پاکستان اور افغان طالبان کے درمیان مذاکرات"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(invoke, db_path):
    files = sorted(str(p) for p in (SAMPLES / "articles").glob("*.txt"))
    assert invoke("add", *files).exit_code == 0
    assert (
        invoke("add", str(SAMPLES / "articles" / "revised" / "00-seed-article-v2.txt")).exit_code
        == 0
    )
    urdu = invoke(
        "add",
        "-",
        "--title",
        URDU_TITLE,
        "--url",
        "https://urdu.example/1",
        input="مذاکرات دوحہ میں۔".encode(),
    )
    assert urdu.exit_code == 0, urdu.stderr
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", str(db_path), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {proc.stderr.read()}") from None
                time.sleep(0.2)
        yield base, db_path.stem
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _rows(url: str, **params) -> list[dict]:
    response = httpx.get(url, params={**params, "_shape": "array"}, timeout=10)
    assert response.status_code == 200, response.text[:300]
    return response.json()


@pytest.mark.slow
def test_datasette_pages_over_the_sample_database(served):
    base, name = served
    home = httpx.get(base + "/", timeout=10)
    assert home.status_code == 200
    database = httpx.get(f"{base}/{name}", timeout=10).text
    for label in ("articles_latest", "edits", "Latest edits", "Headline rewrites", "Search"):
        assert label in database
    table = httpx.get(f"{base}/{name}/articles_latest", timeout=10)
    assert table.status_code == 200 and "Taliban reject Pakistan" in table.text
    assert "Articles (current version)" in table.text  # the metadata's title

    latest = _rows(f"{base}/{name}/articles_latest.json")
    assert len(latest) == len({r["id"] for r in latest}) == 9  # each article once
    seed = next(r for r in latest if r["id"] == 1)
    assert seed["versions"] == 2 and seed["title"].startswith("Taliban reject")

    edits = _rows(f"{base}/{name}/latest_edits.json")
    assert [e["article_id"] for e in edits] == [1]
    rewrites = _rows(f"{base}/{name}/headline_rewrites.json")
    assert rewrites[0]["title_old"].startswith("Pakistan's defence minister")
    assert rewrites[0]["title_new"].startswith("Taliban reject")

    trends = _rows(f"{base}/{name}/theme_trends.json")
    assert trends and {"period", "theme", "label", "articles"} <= set(trends[0])
    assert all(len(t["period"]) == 7 for t in trends)  # 2025-10: the months of 'themes'


@pytest.mark.slow
def test_search_finds_current_versions_once(served):
    base, name = served
    hits = _rows(f"{base}/{name}/search.json", q="obliterate")
    ids = [h["id"] for h in hits]
    assert 1 in ids and len(ids) == len(set(ids))  # both seed versions say it: listed once
    # a paragraph only the first version of the seed had: not current, not found
    assert 1 not in [h["id"] for h in _rows(f"{base}/{name}/search.json", q='"Expert analysts"')]
    # the view's own search box also searches current versions only
    found = _rows(f"{base}/{name}/articles_latest.json", _search="Mujahid")
    assert 1 in [r["id"] for r in found]
    urdu = _rows(f"{base}/{name}/search.json", q="مذاکرات")
    assert [h["title"] for h in urdu] == [URDU_TITLE]


def test_serve_metadata_names_tables_and_queries(invoke, db_path):
    assert invoke("init").exit_code == 0
    result = invoke("serve", "--metadata")
    assert result.exit_code == 0, result.stderr
    meta = json.loads(result.stdout)
    database = meta["databases"][db_path.stem]
    assert set(database["queries"]) == {
        "latest_edits",
        "headline_rewrites",
        "theme_trends",
        "search",
    }
    assert database["tables"]["articles_latest"]["fts_table"] == "versions_fts"
