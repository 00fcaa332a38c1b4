"""Fetching many feeds: `monitor fetch` against lemon24/reader, the same work on both sides.

A stdlib ThreadingHTTPServer (in a thread of this process, on 127.0.0.1) serves
--feeds RSS 2.0 feeds of --entries items each: titles and summaries of a few
sentences, guids, links, pubDates, with ETag and Last-Modified, gzip when asked,
and 304 to a conditional request that matches. Both tools get the same feeds from
the same server, store every entry (monitor: no story, so nothing is filtered out)
and fetch no article pages (monitor without --full-text; reader never does).
monitor also tags every version it stores (themes, story rules): work reader does
not do, so its CPU time is printed apart too.

- monitor: every feed added to a new database (stored, not fetched, as reader's
  add_feed does), then
  `monitor --db DB fetch [--jobs J] --quiet` twice: the first run stores every
  entry, the second should be all 304s. Once with the CLI's default --jobs and
  once with --jobs 1 (--monitor-jobs).
- reader:  `make_reader(db).add_feed(url)` for every feed, then
  `update_feeds(workers=J, scheduled=False)` twice.

Each step runs in its own fresh process tree under a small launcher (a fresh
Python process that is a child subreaper, forks, execs the step and waits with
os.wait4): Linux children inherit ru_maxrss across fork and exec, so a step started
straight from this harness (which holds every feed in memory) would report the
harness's high-water mark. For each step: wall time, CPU (user + system) of the
whole tree -- the step, every descendant it reaped, and every descendant it left
behind (reparented to the launcher, which reaps them and counts them under
"left") --, entries per CPU-second, the largest single process's peak RSS
(ru_maxrss), the peak of the tree's summed RSS (sampled from /proc every 10 ms;
shared pages count once per process, so this over- rather than under-states),
and the requests the server answered (200 / 304 / other).

--load N runs N busy loops (nice 0) while the fetch steps run: wall time under
CPU load, where the default --jobs must not be slower than --jobs 1.

Run by hand (not in CI). reader needs `sgmllib3k` beside feedparser 6.0.14 and
has pins of its own, so it lives in its own virtualenv (monitor's is untouched):

    python3.11 -m venv /tmp/reader-venv
    /tmp/reader-venv/bin/pip install reader sgmllib3k
    python benchmarks/bench_fetch.py [--feeds 500] [--entries 50] [--jobs 4] \\
        [--reader-python /tmp/reader-venv/bin/python] [--load 2] [--only monitor|reader] \\
        [--base DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
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


#: Run one step in a fresh process tree and write what it cost as JSON to argv[1].
#: Started with ``python -S -I`` (small: a forked child's ru_maxrss starts at its
#: parent's RSS). A child subreaper, so whatever the step leaves behind is
#: reparented here, reaped and counted.
LAUNCHER = r"""
import ctypes, json, os, signal, sys, threading, time

ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
out, argv = sys.argv[1], sys.argv[2:]
page = os.sysconf("SC_PAGE_SIZE")
me = os.getpid()
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)

def tree():
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/" + name + "/stat", "rb") as f:
                    parents[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    members, frontier = set(), [me]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in members:
                members.add(child)
                frontier.append(child)
    return members

peak = [0, 0]  # summed RSS pages, processes at once
done = threading.Event()

def sample():
    while not done.wait(0.01):
        pages = 0
        members = tree()
        for member in members:
            try:
                with open("/proc/%d/statm" % member, "rb") as f:
                    pages += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
        peak[0] = max(peak[0], pages)
        peak[1] = max(peak[1], len(members))

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
cpu = usage.ru_utime + usage.ru_stime
maxrss = usage.ru_maxrss
left = 0
give_up = time.monotonic() + 20
while True:  # what the step left behind: reparented to us; reap and count it
    try:
        got, _, ru = os.wait4(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if got == 0:
        if time.monotonic() > give_up:
            for member in tree():
                try:
                    os.kill(member, signal.SIGKILL)
                except OSError:
                    pass
        time.sleep(0.02)
        continue
    left += 1
    cpu += ru.ru_utime + ru.ru_stime
    maxrss = max(maxrss, ru.ru_maxrss)
done.set()
sampler.join()
with open(out, "w") as f:
    json.dump(
        {
            "wall": wall,
            "cpu": cpu,
            "maxrss_kb": maxrss,
            "tree_rss_kb": peak[0] * page // 1024,
            "processes": peak[1],
            "left": left,
            "returncode": os.waitstatus_to_exitcode(status),
        },
        f,
    )
"""


#: `monitor ARGS` with the CPU time of tagging (theme tags and story rules, computed
#: for every stored version) written to argv[1]: another part of the project, counted
#: apart. thread_time: tagging runs in the main thread, downloads in others. The lean
#: import hook first, as the CLI installs it (importing monitor.derive before it would
#: load pandas and numpy through sqlite-utils: +50 MB that `monitor fetch` never has).
MONITOR_TIMING_TAGS = r"""
import sys, time
from monitor import lean
lean.install()  # as monitor.cli.main does, before anything imports sqlite-utils
from monitor import derive
from monitor.cli import main

out, sys.argv = sys.argv[1], ["monitor", *sys.argv[2:]]
spent = [0.0]

def timed(fn):
    def run(*args, **kwargs):
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.thread_time() - started
    return run

for name in ("tag_version", "record_membership"):
    if hasattr(derive, name):
        setattr(derive, name, timed(getattr(derive, name)))
try:
    main()
finally:
    with open(out, "w") as f:
        f.write(str(spent[0]))
"""


@dataclass
class Step:
    wall: float
    cpu: float
    max_rss_mb: float
    tree_rss_mb: float
    processes: int
    left: int
    returncode: int
    stderr: str
    requests: Counter[int]


def run_step(argv: list[str], site: Site, env: dict[str, str], cwd: Path) -> Step:
    """Run one step in its own process tree under the launcher (see LAUNCHER)."""
    site.take_counts()
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".json") as result,
    ):
        launcher = [sys.executable, "-S", "-I", "-c", LAUNCHER, result.name, *argv]
        subprocess.run(launcher, stdout=out, stderr=err, env=env, cwd=cwd, check=False)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        try:
            got = json.loads(Path(result.name).read_text())
        except ValueError:
            got = {"wall": 0, "cpu": 0, "maxrss_kb": 0, "tree_rss_kb": 0, "processes": 0}
            got |= {"left": 0, "returncode": -1}
    return Step(
        got["wall"],
        got["cpu"],
        got["maxrss_kb"] / 1024,
        got["tree_rss_kb"] / 1024,
        got["processes"],
        got["left"],
        got["returncode"],
        stderr,
        site.take_counts(),
    )


def child_env(root: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if root is not None:
        env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    else:
        env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.pop("MONITOR_DB", None)
    return env


def requests_label(counts: Counter[int]) -> str:
    other = sum(n for status, n in counts.items() if status not in (200, 304))
    return f"{counts[200]}/{counts[304]}/{other}"


HEADER = (
    f"{'tool':18} {'step':10} {'wall':>8} {'CPU':>8} {'entries/CPU-s':>13} {'ms/entry':>8}"
    f" {'proc RSS':>9} {'tree RSS':>9} {'procs':>5} {'left':>4}   {'200/304/other':>13}"
)


def report(tool: str, label: str, step: Step, entries: int | None) -> None:
    if entries and step.cpu > 0:
        rate, per = f"{entries / step.cpu:13,.0f}", f"{1000 * step.cpu / entries:8.3f}"
    else:
        rate, per = f"{'-':>13}", f"{'-':>8}"
    print(
        f"{tool:18} {label:10} {step.wall:6.2f} s {step.cpu:6.2f} s {rate} {per}"
        f" {step.max_rss_mb:6.1f} MB {step.tree_rss_mb:6.1f} MB {step.processes:5} {step.left:4}"
        f"   {requests_label(step.requests):>13}   exit {step.returncode}",
        flush=True,
    )
    if step.returncode != 0:
        tail = "\n".join(step.stderr.strip().splitlines()[-5:])
        print(textwrap.indent(tail, "         | "), flush=True)


def count_rows(db: Path, sql: str) -> int | None:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return None


class Load:
    """``n`` busy loops (nice 0) while the fetch steps run."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Load:
        for _ in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-S", "-c", "while 1: pass"]))
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.kill()
            proc.wait()
        self.procs.clear()


def bench_monitor(
    urls: list[str],
    site: Site,
    jobs: str,
    workdir: Path,
    served: int,
    root: Path,
    load: int,
    name: str = "monitor",
) -> None:
    env = child_env(root)
    tool = name if jobs == "default" else f"{name} --jobs {jobs}"
    probe = subprocess.run(
        [sys.executable, "-m", "monitor", "fetch", "--help"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        line = (probe.stderr.strip().splitlines() or ["?"])[-1]
        print(f"{tool:18} skipped: `monitor fetch` is not in this checkout ({line})", flush=True)
        return
    db = workdir / f"{name}-{jobs}.db"
    # the feeds are added as reader adds them: stored, not fetched (`monitor feeds add`
    # fetches each to check it, which would be the first fetch of this benchmark)
    add = textwrap.dedent(
        """
        import sys
        from monitor.store import db as dbmod, feeds as feedstore
        db = dbmod.connect(sys.argv[1])
        for url in sys.argv[2:]:
            feedstore.add_feed(db, url)
        db.close()
        """
    )
    step = run_step([sys.executable, "-c", add, str(db), *urls], site, env, root)
    report(tool, "add feeds", step, None)
    if step.returncode != 0:
        return
    tagging = workdir / f"{name}-{jobs}.tagging"
    fetch = [
        sys.executable,
        "-c",
        MONITOR_TIMING_TAGS,
        str(tagging),
        "--db",
        str(db),
        "fetch",
        "-q",
    ]
    if jobs != "default":
        fetch += ["--jobs", jobs]
    with Load(load):
        for label, count in (("first", served), ("second", 0)):
            tagging.unlink(missing_ok=True)
            step = run_step(fetch, site, env, root)
            report(tool, label, step, count)
            if count and tagging.exists() and step.cpu > 0:
                tags = float(tagging.read_text() or 0)
                rest = step.cpu - tags
                print(
                    f"{tool:18} {label:10} {'':8} {tags:6.2f} s of it tagging (themes and story"
                    f" rules); without: {count / rest:,.0f} entries/CPU-s,"
                    f" {1000 * rest / count:.3f} ms/entry",
                    flush=True,
                )
    stored = count_rows(db, "select count(*) from articles")
    print(f"{tool:18} articles stored: {stored} of {served} served", flush=True)
    versions = count_rows(db, "select count(*) from version_rows")
    if versions:
        with sqlite3.connect(db) as conn:  # (the WAL folded in: the file is the whole store)
            conn.execute("pragma wal_checkpoint(truncate)")
        print(f"{tool:18} disk: {db.stat().st_size / versions:,.0f} B a stored entry", flush=True)


def bench_reader(
    urls: list[str], site: Site, jobs: int, workdir: Path, served: int, python: str, load: int
) -> None:
    env = child_env(None)
    probe = subprocess.run(
        [python, "-c", "import reader; reader.make_reader(':memory:')"],
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        line = (probe.stderr.strip().splitlines() or ["?"])[-1]
        print(f"reader   skipped: {python} cannot run reader ({line}); see the install", flush=True)
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
    step = run_step([python, "-c", add, str(db), *urls], site, env, workdir)
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
    with Load(load):
        for label, count in (("first", served), ("second", 0)):
            step = run_step([python, "-c", update, str(db), str(jobs)], site, env, workdir)
            report("reader", label, step, count)
    stored = count_rows(db, "select count(*) from entries")
    print(f"{'reader':18} entries stored: {stored} of {served} served", flush=True)


def default_reader_python() -> str:
    venv = Path("/tmp/reader-venv/bin/python")
    return str(venv) if venv.exists() else sys.executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=4, help="reader's workers")
    parser.add_argument(
        "--monitor-jobs",
        default="default,1",
        help="comma-separated monitor --jobs values to run ('default': the CLI's own)",
    )
    parser.add_argument("--only", choices=["monitor", "reader"])
    parser.add_argument("--load", type=int, default=0, help="busy loops during the fetch steps")
    parser.add_argument(
        "--reader-python",
        default=default_reader_python(),
        help="the Python of the virtualenv reader is installed in",
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the checkout whose monitor is measured"
    )
    parser.add_argument(
        "--base",
        type=Path,
        help="another checkout (e.g. `git archive COMMIT | tar -x -C DIR`) measured in the "
        "same run, as 'base'",
    )
    args = parser.parse_args()
    if not os.path.isdir("/proc"):
        sys.exit("bench_fetch: needs Linux (/proc and a child subreaper)")

    server = Server(("127.0.0.1", 0), make_handler(Site(0, 0, "")))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.perf_counter()
    site = Site(args.feeds, args.entries, base)
    server.RequestHandlerClass = make_handler(site)
    size = sum(len(d.body) for d in site.docs.values())
    print(
        f"{args.feeds} feeds x {args.entries} entries ({size / 1e6:.1f} MB of RSS, "
        f"{size / max(args.feeds, 1) / 1e3:.0f} kB a feed) built in "
        f"{time.perf_counter() - started:.1f} s; server {base}; reader workers {args.jobs}; "
        f"load {args.load}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs",
        flush=True,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    urls = [f"{base}/feeds/{i}.xml" for i in range(args.feeds)]
    served = args.feeds * args.entries
    print(HEADER, flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
            workdir = Path(tmp)
            if args.only in (None, "monitor"):
                roots = [("monitor", args.root)] + ([("base", args.base)] if args.base else [])
                for name, root in roots:
                    for jobs in args.monitor_jobs.split(","):
                        bench_monitor(
                            urls,
                            site,
                            jobs.strip(),
                            workdir,
                            served,
                            root.resolve(),
                            args.load,
                            name,
                        )
            if args.only in (None, "reader"):
                bench_reader(urls, site, args.jobs, workdir, served, args.reader_python, args.load)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
