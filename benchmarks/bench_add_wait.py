"""How long `monitor add` waits behind a long `monitor fetch` on the same database.

A loopback server serves FEEDS feeds of ENTRIES entries each, every answer delayed;
`monitor fetch --jobs 1` stores them one transaction per feed while `monitor add`
runs ADDS times. Every add must succeed (writers take the write lock first, so the
busy timeout applies) and wait at most about one feed's transaction, not the run.

    python benchmarks/bench_add_wait.py [--feeds 12] [--entries 300] [--adds 10]

Prints each add's wall time, the median and the maximum, the fetch's own time, and the
median of the same add with nothing else running (its own cost).
"""

from __future__ import annotations

import argparse
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss(feed: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Pakistan and Taliban talks, feed {feed} item {i}</title>"
        f"<link>https://news.example/{feed}/{i}</link><guid>f{feed}-{i}</guid>"
        f"<description>Officials in Islamabad and Kabul discussed the TTP, the Torkham "
        f"crossing and trade, round {i} of feed {feed}.</description></item>"
        for i in range(entries)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>f{feed}</title>{items}</channel></rss>".encode()


def serve(entries: int, delay: float) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            time.sleep(delay)
            body = rss(int(self.path.strip("/").removeprefix("feed")), entries)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def monitor(db: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        **kw,  # type: ignore[call-overload]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=12)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--adds", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.3)
    args = parser.parse_args()
    server = serve(args.entries, args.delay)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        urls = [f"http://127.0.0.1:{port}/feed{n}" for n in range(args.feeds)]
        assert monitor(db, "feeds", "add", "--no-check", *urls).returncode == 0
        started = time.monotonic()
        fetch = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--db", str(db), "fetch", "--jobs", "1", "--quiet"],
            cwd=ROOT,
        )
        time.sleep(1.0)
        waits, failures = [], 0
        for n in range(args.adds):
            article = Path(tmp) / f"a{n}.txt"
            article.write_text(
                f"Title: Hand-added {n}\nURL: https://hand.example/{n}\n\nText {n}.\n"
            )
            t0 = time.monotonic()
            done = monitor(db, "add", str(article))
            waits.append(time.monotonic() - t0)
            failures += done.returncode != 0
            if fetch.poll() is not None:
                break
        fetch.wait()
        took = time.monotonic() - started
        alone = []  # the same add with nothing else running: its own cost
        for n in range(5):
            article = Path(tmp) / f"b{n}.txt"
            article.write_text(f"Title: Alone {n}\nURL: https://hand.example/b{n}\n\nText {n}.\n")
            t0 = time.monotonic()
            monitor(db, "add", str(article))
            alone.append(time.monotonic() - t0)
    server.shutdown()
    print(f"fetch: {args.feeds} feeds x {args.entries} entries in {took:.1f} s (wall)")
    print("add waits (s): " + ", ".join(f"{w:.2f}" for w in waits))
    print(
        f"adds during the fetch: {len(waits)}, failed: {failures}; "
        f"median {statistics.median(waits):.2f} s, max {max(waits):.2f} s"
    )
    print(f"the same add alone: median {statistics.median(alone):.2f} s")


if __name__ == "__main__":
    main()
