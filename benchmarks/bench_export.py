"""Export memory and speed: 100 rows vs --rows (default 1,000,000).

Builds a temporary database with executemany (FTS triggers dropped: export does
not use the index), then exports ``articles`` (a join of articles and their
current versions, with text) in each format, each run in a fresh subprocess so
its peak RSS (ru_maxrss) is its own. Flat memory: the peak for 1,000,000 rows
should be within a few MB of the peak for 100.

    /work/venv/bin/python benchmarks/bench_export.py [--rows 1000000] [--formats csv,nl,json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT = (
    "طالبان اور پاکستان کے درمیان مذاکرات. Officials said talks would resume, "
    '"we are hopeful", one envoy said.\n\nA second paragraph.'
)


def build(path: Path, rows: int) -> None:
    from monitor.store import db as dbmod

    db = dbmod.connect(path)
    for (name,) in db.execute(
        "select name from sqlite_master where type = 'trigger' and tbl_name = 'versions'"
    ).fetchall():
        db.execute(f"drop trigger [{name}]")
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    batch = 50_000
    with conn:
        for start in range(1, rows + 1, batch):
            ids = range(start, min(start + batch, rows + 1))
            conn.executemany(
                """insert into articles (id, key, url, source, story, published_at, dated_at,
                   first_seen_at, last_seen_at, current_version, version_count)
                   values (?, ?, ?, ?, 'pakistan-taliban', ?, ?, ?, ?, 1, 1)""",
                (
                    (
                        i,
                        f"url:{i}",
                        f"https://example.com/{i}",
                        "Dawn" if i % 2 else "=Geo",
                        "2026-11-20T08:00:00Z",
                        "2026-11-20T08:00:00Z",
                        "2026-11-20T08:00:00Z",
                        "2026-11-20T08:00:00Z",
                    )
                    for i in ids
                ),
            )
            conn.executemany(
                """insert into versions (id, article_id, number, observed_at, title, text,
                   text_hash, content_hash, words, origin)
                   values (?, ?, 1, '2026-11-20T08:00:00Z', ?, ?, 'h', 'h', 20, 'feed')""",
                ((i, i, f"Headline number {i}", TEXT) for i in ids),
            )
    db.close()


def measure(path: Path, fmt: str) -> dict[str, float]:
    """Run one export in a fresh interpreter; return its rows, seconds and peak RSS."""
    code = f"""
import json, os, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from monitor.store import db as dbmod
from monitor.analysis.export import ExportOptions, export
from monitor.store.queries import ArticleFilter
db = dbmod.connect({str(path)!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
with open(os.devnull, "w", encoding="utf-8", newline="") as out:
    n = export(db, ExportOptions("articles", ArticleFilter()), {fmt!r}, out=out)
s = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"rows": n, "seconds": s, "rss_before_kb": before, "peak_kb": peak}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--formats", default="csv,nl,json")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus; export of 'articles'")
    print(
        f"{'rows':>10} {'format':>6} {'seconds':>8} {'rows/s':>10} {'RSS before':>11} {'peak RSS':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (args.small, args.rows):
            path = Path(tmp) / f"bench-{rows}.db"
            t = time.perf_counter()
            build(path, rows)
            built = time.perf_counter() - t
            size = path.stat().st_size / 1e6
            print(f"  (built {rows:,} rows in {built:.1f} s, {size:.0f} MB)")
            for fmt in args.formats.split(","):
                m = measure(path, fmt)
                assert m["rows"] == rows, m
                rate = rows / m["seconds"] if m["seconds"] else float("inf")
                print(
                    f"{rows:>10,} {fmt:>6} {m['seconds']:>8.2f} {rate:>10,.0f} "
                    f"{m['rss_before_kb'] / 1024:>9.1f}MB {m['peak_kb'] / 1024:>7.1f}MB"
                )
            path.unlink()


if __name__ == "__main__":
    main()
