"""Cron guarantees with real processes: overlapping runs, and a run killed with -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from feed_helpers import items, rss
from werkzeug import Response

from monitor.store import db as dbmod
from monitor.store import feeds as feedstore

pytestmark = pytest.mark.slow

XML = "application/rss+xml"


def slow_feed(httpserver, path, body, delay):
    def handler(request):
        time.sleep(delay)
        return Response(body, content_type=XML)

    httpserver.expect_request(path).respond_with_handler(handler)


def monitor(db_path, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", str(db_path), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def check_database(db_path, expected_articles):
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from articles").fetchone()[0] == expected_articles
        assert conn.execute("select count(distinct key) from articles").fetchone()[0] == (
            expected_articles
        )
        assert conn.execute("select count(*) from versions").fetchone()[0] == expected_articles
    finally:
        conn.close()


def test_two_fetches_at_once_second_exits_with_the_lock_code(db_path, httpserver):
    slow_feed(httpserver, "/feed", rss(items(30)), delay=3.0)
    db = dbmod.connect(db_path)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    db.close()
    procs = [monitor(db_path, "fetch", "--jobs", "1", "--wait", "0") for _ in range(2)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 5], results
    locked = next(err for code, err in results if code == 5)
    assert "another 'monitor fetch'" in locked and "Traceback" not in locked
    check_database(db_path, 30)


def test_two_fetches_at_once_second_waits_then_runs(db_path, httpserver):
    slow_feed(httpserver, "/feed", rss(items(30)), delay=1.0)
    db = dbmod.connect(db_path)
    feedstore.add_feed(db, httpserver.url_for("/feed"))
    db.close()
    procs = [monitor(db_path, "fetch", "--jobs", "1", "--wait", "30") for _ in range(2)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    check_database(db_path, 30)
    conn = sqlite3.connect(db_path)
    runs = conn.execute("select status, new_articles from runs order by id").fetchall()
    conn.close()
    assert sorted(runs) == [("ok", 0), ("ok", 30)]  # one stored everything, one found it stored


def test_kill_9_mid_run_leaves_a_consistent_database(db_path, httpserver):
    feeds = 8
    db = dbmod.connect(db_path)
    for n in range(feeds):
        slow_feed(httpserver, f"/feed{n}", rss(items(5, prefix=f"f{n}")), delay=0.3)
        feedstore.add_feed(db, httpserver.url_for(f"/feed{n}"))
    db.close()
    proc = monitor(db_path, "fetch", "--jobs", "1")
    deadline = time.monotonic() + 30
    fetched = 0
    while time.monotonic() < deadline and fetched < 2:
        time.sleep(0.05)
        try:
            conn = sqlite3.connect(db_path, timeout=5)
            fetched = conn.execute(
                "select count(*) from feeds where last_fetched_at is not null"
            ).fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:
            continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert 2 <= fetched < feeds, "the run was not caught half way"

    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    per_feed = dict(
        conn.execute(
            """select f.id, (select count(*) from articles a where a.feed_id = f.id)
               from feeds f where f.last_fetched_at is not null"""
        ).fetchall()
    )
    conn.close()
    assert set(per_feed.values()) == {5}  # each fetched feed was stored whole

    again = monitor(db_path, "fetch", "--jobs", "2")
    assert again.wait(timeout=60) == 0, again.stderr.read()
    check_database(db_path, feeds * 5)
    status = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", str(db_path), "status", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    import json

    statuses = [r["status"] for r in json.loads(status.stdout)["runs"]]
    assert statuses == ["ok", "interrupted"]
