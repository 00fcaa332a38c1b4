"""Fetching many feeds: `monitor fetch` against lemon24/reader on a loopback server.

A stdlib ThreadingHTTPServer (in a thread of this process, on 127.0.0.1) serves
--feeds RSS 2.0 feeds of --entries items each: titles and summaries of a few
sentences, guids, links, pubDates, with ETag and Last-Modified, gzip when asked,
and 304 to a conditional request that matches. Then, for each tool, in fresh
subprocesses (so each peak RSS is that child's own, from os.wait4):

- monitor: `feeds add URL` for every feed (the CLI, called in one process), then
  `monitor --db DB fetch --jobs J --quiet` twice: the first run stores every
  entry, the second should be all 304s;
- reader:  `make_reader(db).add_feed(url)` for every feed, then
  `update_feeds(workers=J, scheduled=False)` twice.

For each run: wall time, entries/s (entries served / wall time), peak RSS of the
child, and the requests the server answered (200 / 304 / other).

Run by hand (not in CI); reader is needed only for its half:

    /work/venv/bin/pip install 'reader[cli]'
    /work/venv/bin/python benchmarks/bench_fetch.py [--feeds 500] [--entries 50] [--jobs 4] \\
        [--only monitor|reader]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "government",
    "officials",
    "said",
    "talks",
    "border",
    "security",
    "province",
    "minister",
    "army",
    "operation",
    "militants",
    "ceasefire",
    "agreement",
    "district",
    "police",
    "attack",
    "report",
    "statement",
    "negotiations",
    "refugees",
    "trade",
    "crossing",
    "closed",
    "reopened",
    "spokesman",
    "commission",
    "parliament",
    "court",
    "election",
    "economy",
    "inflation",
    "prices",
    "fuel",
    "wheat",
    "exports",
    "water",
    "dam",
    "river",
    "flood",
    "relief",
    "committee",
    "delegation",
    "visit",
    "summit",
    "envoy",
    "sanctions",
    "diplomatic",
    "council",
    "tribal",
    "elders",
    "schools",
    "hospitals",
    "roads",
    "highway",
    "convoy",
    "checkpoint",
    "curfew",
    "protest",
    "rally",
    "strike",
    "union",
    "budget",
    "loan",
    "fund",
    "energy",
    "gas",
    "electricity",
    "shortage",
    "weather",
    "heat",
    "monsoon",
    "harvest",
    "farmers",
]
NEWEST = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
LAST_MODIFIED = format_datetime(NEWEST, usegmt=True)


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 20))
    return " ".join(words).capitalize() + "."


def make_feed(i: int, entries: int, base: str) -> bytes:
    rng = random.Random(i)
    items = []
    for j in range(entries):
        title = " ".join(rng.choices(WORDS, k=rng.randint(6, 12))).capitalize()
        summary = "".join(
            f"<p>{sentence(rng)} {sentence(rng)}</p>" for _ in range(rng.randint(2, 3))
        )
        published = format_datetime(NEWEST - timedelta(hours=j * 3, minutes=i % 60), usegmt=True)
        items.append(
            f"""  <item>
    <title>{escape(title)}</title>
    <link>{base}/articles/{i}/{j}.html</link>
    <guid isPermaLink="false">bench-{i}-{j}</guid>
    <pubDate>{published}</pubDate>
    <category>{rng.choice(WORDS)}</category>
    <description>{escape(summary)}</description>
  </item>
"""
        )
    return (
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Bench feed {i}</title>
  <link>{base}/</link>
  <description>Feed {i} of the fetch benchmark</description>
  <language>en</language>
  <lastBuildDate>{LAST_MODIFIED}</lastBuildDate>
{"".join(items)}</channel>
</rss>
"""
    ).encode()


@dataclass
class Doc:
    body: bytes
    gzipped: bytes
    etag: str
    content_type: str


class Site:
    """What the loopback server serves, and a count of what it answered."""

    def __init__(self, feeds: int, entries: int, base: str) -> None:
        self.docs: dict[str, Doc] = {}
        for i in range(feeds):
            body = make_feed(i, entries, base)
            self.docs[f"/feeds/{i}.xml"] = Doc(
                body,
                gzip.compress(body, 6),
                '"' + hashlib.sha1(body).hexdigest()[:16] + '"',
                "application/rss+xml; charset=utf-8",
            )
        self.counts: Counter[int] = Counter()
        self.lock = threading.Lock()

    def page(self, path: str) -> Doc | None:
        """Article pages exist too, in case a tool fetches them (monitor --full-text)."""
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "articles":
            return None
        rng = random.Random(path)
        text = "".join(f"<p>{sentence(rng)} {sentence(rng)} {sentence(rng)}</p>" for _ in range(6))
        body = (
            f"<html><head><title>Article {path}</title></head><body><article>"
            f"<h1>Article {escape(path)}</h1>{text}</article></body></html>"
        ).encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        return Doc(body, gzip.compress(body, 6), etag, "text/html; charset=utf-8")

    def count(self, status: int) -> None:
        with self.lock:
            self.counts[status] += 1

    def take_counts(self) -> Counter[int]:
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers
        # headers and body go out in one write with Nagle off: otherwise the body waits
        # for the client's delayed ACK of the headers, 40 ms of made-up latency a response
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            doc = site.docs.get(path) or site.page(path)
            if doc is None:
                self.answer(404, b"not found\n", {"Content-Type": "text/plain"})
                return
            validators = {"ETag": doc.etag, "Last-Modified": LAST_MODIFIED}
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm and doc.etag in [t.strip() for t in inm.split(",")]) or (
                not inm and ims and _not_after(LAST_MODIFIED, ims)
            ):
                self.answer(304, b"", validators)
                return
            body, headers = doc.body, {"Content-Type": doc.content_type, **validators}
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body, headers["Content-Encoding"] = doc.gzipped, "gzip"
            headers["Vary"] = "Accept-Encoding"
            self.answer(200, body, headers)

        def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            site.count(status)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
            self.flush_headers()

    return Handler


def _not_after(last_modified: str, since: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


@dataclass
class Step:
    wall: float
    max_rss_mb: float
    tree_rss_mb: float
    returncode: int
    stderr: str
    requests: Counter[int]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants now, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    pages = 0
    for member in tree:
        try:
            with open(f"/proc/{member}/statm", "rb") as f:
                pages += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_step(argv: list[str], site: Site, env: dict[str, str], cwd: Path) -> Step:
    """Run one child: wall time, its peak RSS (os.wait4: the largest single process of
    its tree) and the peak of its whole tree's RSS summed (sampled every 50 ms)."""
    site.take_counts()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        peak_tree = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.05):
                peak_tree = max(peak_tree, tree_rss_mb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if os.path.isdir("/proc"):
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        if sampler.is_alive():
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Step(
        wall, usage.ru_maxrss / 1024, peak_tree, child.returncode, stderr, site.take_counts()
    )


def child_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.pop("MONITOR_DB", None)
    return env


def requests_label(counts: Counter[int]) -> str:
    other = sum(n for status, n in counts.items() if status not in (200, 304))
    return f"{counts[200]}/{counts[304]}/{other}"


def report(tool: str, label: str, step: Step, entries: int | None) -> None:
    rate = f"{entries / step.wall:10,.0f}" if entries else f"{'-':>10}"
    print(
        f"{tool:8} {label:15} {step.wall:8.2f} s {rate} {step.max_rss_mb:9.1f} MB"
        f" {step.tree_rss_mb:9.1f} MB"
        f"   {requests_label(step.requests):>13}   exit {step.returncode}",
        flush=True,
    )
    if step.returncode not in (0,):
        tail = "\n".join(step.stderr.strip().splitlines()[-5:])
        print(textwrap.indent(tail, "         | "), flush=True)


def count_rows(db: Path, sql: str) -> int | None:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return None


def bench_monitor(
    urls: list[str], site: Site, jobs: int, workdir: Path, served: int, root: Path
) -> None:
    env = child_env(root)
    probe = subprocess.run(
        [sys.executable, "-m", "monitor", "fetch", "--help"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        line = (probe.stderr.strip().splitlines() or ["?"])[-1]
        print(f"monitor  skipped: `monitor fetch` is not in this checkout ({line})", flush=True)
        return
    db = workdir / "monitor.db"
    add = textwrap.dedent(
        """
        import sys
        from monitor.cli import cli
        db, urls = sys.argv[1], sys.argv[2:]
        for url in urls:
            cli.main(["--db", db, "feeds", "add", url], standalone_mode=False)
        """
    )
    step = run_step([sys.executable, "-c", add, str(db), *urls], site, env, root)
    report("monitor", "add feeds", step, None)
    if step.returncode != 0:
        return
    fetch = [sys.executable, "-m", "monitor", "--db", str(db), "fetch", "--jobs", str(jobs), "-q"]
    for label, count in (("fetch (first)", served), ("fetch (second)", served)):
        step = run_step(fetch, site, env, root)
        report("monitor", label, step, count)
    stored = count_rows(db, "select count(*) from articles")
    print(f"monitor  articles stored: {stored}", flush=True)


def bench_reader(urls: list[str], site: Site, jobs: int, workdir: Path, served: int) -> None:
    env = child_env(ROOT)
    probe = subprocess.run(
        [sys.executable, "-c", "import reader"], env=env, capture_output=True, text=True
    )
    if probe.returncode != 0:
        print("reader   skipped: not installed (pip install 'reader[cli]')", flush=True)
        return
    db = workdir / "reader.sqlite"
    add = textwrap.dedent(
        """
        import sys
        from reader import make_reader
        reader = make_reader(sys.argv[1])
        for url in sys.argv[2:]:
            reader.add_feed(url)
        reader.close()
        """
    )
    step = run_step([sys.executable, "-c", add, str(db), *urls], site, env, workdir)
    report("reader", "add feeds", step, None)
    if step.returncode != 0:
        return
    update = textwrap.dedent(
        """
        import sys
        from reader import make_reader
        reader = make_reader(sys.argv[1])
        reader.update_feeds(workers=int(sys.argv[2]), scheduled=False)
        reader.close()
        """
    )
    for label in ("update (first)", "update (second)"):
        step = run_step([sys.executable, "-c", update, str(db), str(jobs)], site, env, workdir)
        report("reader", label, step, served)
    stored = count_rows(db, "select count(*) from entries")
    print(f"reader   entries stored: {stored}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=4, help="monitor --jobs / reader workers")
    parser.add_argument("--only", choices=["monitor", "reader"])
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout whose monitor is measured"
    )
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), make_handler(Site(0, 0, "")))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.perf_counter()
    site = Site(args.feeds, args.entries, base)
    server.RequestHandlerClass = make_handler(site)
    size = sum(len(d.body) for d in site.docs.values())
    print(
        f"{args.feeds} feeds x {args.entries} entries ({size / 1e6:.1f} MB of RSS, "
        f"{size / max(args.feeds, 1) / 1e3:.0f} kB a feed) built in "
        f"{time.perf_counter() - started:.1f} s; server {base}; jobs {args.jobs}; "
        f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs",
        flush=True,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    urls = [f"{base}/feeds/{i}.xml" for i in range(args.feeds)]
    served = args.feeds * args.entries
    print(
        f"{'tool':8} {'step':15} {'wall':>10} {'entries/s':>10} {'peak RSS':>12}"
        f" {'tree RSS':>12}"
        f"   {'200/304/other':>13}",
        flush=True,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
            workdir = Path(tmp)
            if args.only in (None, "monitor"):
                bench_monitor(urls, site, args.jobs, workdir, served, args.root.resolve())
            if args.only in (None, "reader"):
                bench_reader(urls, site, args.jobs, workdir, served)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
