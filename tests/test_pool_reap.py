"""The worker pool leaves no process behind: its workers, the forkserver that forks
them and the resource tracker are all reaped by the run that started them (an
orphan outlives the run, and its CPU is never counted in the run's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from feed_helpers import Item, rss

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux: /proc and a child subreaper"
)

ROOT = Path(__file__).resolve().parents[1]

#: children of this process now, from /proc (zombies included)
CHILDREN = """
import os


def children():
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append((int(name), fields[0].decode()))
    return found
"""


def run_python(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MONITOR_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_shutdown_reaps_workers_forkserver_and_tracker():
    code = CHILDREN + textwrap.dedent(
        """
        import json, os
        from monitor.pool import make_executor

        pool = make_executor(2)
        workers = {pool.submit(os.getpid).result() for _ in range(6)}
        during = children()
        pool.shutdown()
        print(json.dumps({
            "workers": sorted(workers),
            "during": during,
            "after": children(),
            "workers_left": [p for p in workers if os.path.exists(f"/proc/{p}")],
        }))
        """
    )
    got = run_python(code)
    assert got["workers"] and os.getpid() not in got["workers"]
    assert got["during"], "the pool started no helper process: the test proves nothing"
    assert got["after"] == []
    assert got["workers_left"] == []


def test_a_fetch_with_page_workers_leaves_no_orphan(httpserver, tmp_path):
    """The CLI fetch (pages extracted in worker processes) runs under a child
    subreaper: whatever it leaves running or unreaped is reparented to it."""
    link = httpserver.url_for("/article/1")
    text = "".join(
        f"<p>Paragraph {i}: officials in Islamabad said talks with Kabul would resume "
        f"after the border crossing at Torkham reopened for trade on Thursday.</p>"
        for i in range(6)
    )
    httpserver.expect_request("/article/1").respond_with_data(
        f"<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
        f"{text}</article></body></html>",
        content_type="text/html",
    )
    for name in ("a", "b"):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(
            rss([Item(guid=f"{name}-1", title="Talks resume", link=link)]),
            content_type="application/rss+xml",
        )
    db = tmp_path / "reap.db"
    code = textwrap.dedent(
        """
        import ctypes, json, os, subprocess, sys, time
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        db, feeds = sys.argv[1], sys.argv[2:]
        monitor = [sys.executable, "-m", "monitor", "--db", db]
        for url in feeds:
            subprocess.run(monitor + ["feeds", "add", url], check=True, capture_output=True)
        fetch = subprocess.run(
            monitor + ["fetch", "--full-text", "--allow-private", "--jobs", "2", "-q"],
            capture_output=True, text=True,
        )
        left = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # orphans are reparented here: reap them
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                left.append(pid)
            else:
                time.sleep(0.05)
        print(json.dumps({"exit": fetch.returncode, "stderr": fetch.stderr, "left": left}))
        """
    )
    got = run_python(code, str(db), httpserver.url_for("/a.xml"), httpserver.url_for("/b.xml"))
    assert got["exit"] == 0, got["stderr"]
    assert got["left"] == []
    import sqlite3

    with sqlite3.connect(db) as conn:
        origins = [row[0] for row in conn.execute("select origin from version_rows")]
    assert origins == ["page"]  # the page really went through a worker
