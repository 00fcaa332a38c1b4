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
from monitor.store import texts

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
    texts.register(conn)  # monitor_text(): the versions view
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
    texts.register(conn)  # monitor_text(): the versions view
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
            texts.register(conn)  # monitor_text(): the versions view
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
    texts.register(conn)  # monitor_text(): the versions view
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


def _processes_using(db_path) -> list[int]:
    """Processes (other than this one) whose environment or command line name this database."""
    found = []
    marker = str(db_path).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{entry}/environ", "rb") as fh:
                environ = fh.read()
        except OSError:
            continue
        if marker in cmdline or marker in environ:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_fetch_leaves_no_worker_behind(db_path, httpserver):
    """Regression: after kill -9 of a fetch its worker processes stayed alive.
    (Feeds are parsed in the fetch process; pages are extracted in workers.)"""
    page = (
        "<html><head><title>Talks</title></head><body><article><h1>Talks</h1>"
        + "<p>Officials in Islamabad said talks with Kabul would resume soon.</p>" * 6
        + "</article></body></html>"
    ).encode()
    db = dbmod.connect(db_path)
    for n in range(6):
        entries = items(40, prefix=f"f{n}")
        for entry in entries:
            entry.link = httpserver.url_for(f"/page/{entry.guid}")
        slow_feed(httpserver, f"/feed{n}", rss(entries), delay=0.1)
        feedstore.add_feed(db, httpserver.url_for(f"/feed{n}"))
    for n in range(6):
        for i in range(40):

            def handler(request, body=page):
                time.sleep(0.2)
                return Response(body, content_type="text/html")

            httpserver.expect_request(f"/page/f{n}-{i}").respond_with_handler(handler)
    db.close()
    env = {**os.environ, "MONITOR_DB": str(db_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "fetch", "--jobs", "2", "--full-text", "--allow-private"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(_processes_using(db_path)) < 2:
        time.sleep(0.05)  # the forkserver and its workers started
    assert len(_processes_using(db_path)) >= 2, "no worker process started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _processes_using(db_path):
        time.sleep(0.1)
    assert _processes_using(db_path) == []


def test_crash_consistency_kill_9_at_random_points(db_path, httpserver):
    """kill -9 at random points of a fetch, 20 times: the database stays whole (integrity,
    FTS), no article or version is doubled, and the next run completes the work."""
    import random

    feeds, per_feed = 6, 15
    db = dbmod.connect(db_path)
    for n in range(feeds):
        slow_feed(httpserver, f"/feed{n}", rss(items(per_feed, prefix=f"f{n}")), delay=0.05)
        feedstore.add_feed(db, httpserver.url_for(f"/feed{n}"))
    db.close()
    rng = random.Random(20261125)
    for _ in range(20):
        proc = monitor(db_path, "fetch", "--jobs", "1")
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        conn = sqlite3.connect(db_path)
        texts.register(conn)  # monitor_text(): the versions view
        # every feed fetched since is due again at once
        conn.execute("update feeds set next_fetch_at = null, etag = null, last_modified = null")
        conn.commit()
        conn.close()
    again = monitor(db_path, "fetch", "--jobs", "1")
    assert again.wait(timeout=60) == 0, again.stderr.read()
    check_database(db_path, feeds * per_feed)
    conn = sqlite3.connect(db_path)
    texts.register(conn)  # monitor_text(): the versions view
    conn.execute("insert into versions_fts(versions_fts) values('integrity-check')")
    assert (
        conn.execute(
            "select count(*) from (select article_id, number from versions group by 1, 2 having count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    conn.close()


def test_the_run_budget_stops_a_slow_run_and_leaves_the_rest_due(db_path, httpserver):
    db = dbmod.connect(db_path)
    for n in range(4):
        slow_feed(httpserver, f"/feed{n}", rss(items(3, prefix=f"f{n}")), delay=0.8)
        feedstore.add_feed(db, httpserver.url_for(f"/feed{n}"))
    db.close()
    proc = monitor(db_path, "fetch", "--jobs", "1", "--timeout", "1")
    code = proc.wait(timeout=60)
    err = proc.stderr.read()
    assert code == 3, err
    assert "run budget was spent" in err and "left for the next run" in err
    conn = sqlite3.connect(db_path)
    texts.register(conn)  # monitor_text(): the versions view
    due = conn.execute("select count(*) from feeds where last_fetched_at is null").fetchone()[0]
    conn.close()
    assert due >= 1
