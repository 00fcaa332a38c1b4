"""Where the bytes of a database go, and what migrating an older one costs (run by hand).

    python benchmarks/bench_storage.py DB              # split of DB (read only)
    python benchmarks/bench_storage.py DB --migrate    # on a copy: open (migrate and
                                                       # backfill), VACUUM into 8 KB pages
    python benchmarks/bench_storage.py DB --build 10000 --per-txn 20
                                    # build DB fresh through ingest (bench_scale's texts),
                                    # 20 versions a transaction (as fetch commits a feed)
    python benchmarks/bench_storage.py DB --detail     # every table and index

DB is never changed: ``--migrate`` works on a copy next to it (``*.bench-copy``, removed
after). Prints bytes per version of the file and of each part (``dbstat``): the
versions' rows, the full-text index, theme tags, articles, the rest. For a database made
by ``benchmarks/bench_scale.py`` with an older release, ``--migrate`` gives the time of
the upgrade (CPU and wall) and the size after it.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (label, name prefixes), taken in order (the index before the rows it shares a prefix with)
PARTS = [
    ("full-text index", ("versions_fts",)),
    ("version rows and their indexes", ("version_rows", "versions", "sqlite_autoindex_version")),
    ("theme tags", ("version_themes",)),
    ("articles", ("articles", "sqlite_autoindex_articles", "article_")),
]


def split(path: Path, detail: bool = False) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    table = "version_rows" if _has(conn, "version_rows") else "versions"
    (n,) = conn.execute(f"select count(*) from {table}").fetchone()
    (page_size,) = conn.execute("pragma page_size").fetchone()
    (free,) = conn.execute("pragma freelist_count").fetchone()
    sizes = dict(conn.execute("select name, sum(pgsize) from dbstat group by name").fetchall())
    total = sum(sizes.values())
    print(
        f"{path.name}: {n:,} versions, {page_size} B pages, {total / n:,.0f} B/version "
        f"in use, {free * page_size / n:,.0f} B/version free pages"
    )
    left = dict(sizes)
    for label, prefixes in PARTS:
        names = [k for k in left if k.startswith(prefixes)]
        part = sum(left.pop(k) for k in names)
        print(f"  {label:<30} {part / n:8,.0f} B/version")
    print(f"  {'the rest':<30} {sum(left.values()) / n:8,.0f} B/version")
    if detail:
        rows = conn.execute(
            "select name, sum(pgsize), sum(unused) from dbstat group by name order by 2 desc"
        ).fetchall()
        for name, size, unused in rows:
            if size / n >= 1:
                print(f"    {name:<38} {size / n:8,.1f} B/version ({unused / n:,.1f} unused)")
    conn.close()


def build(path: Path, versions: int, per_txn: int) -> None:
    """A fresh database of ``versions`` versions, built as ``bench_scale.py`` builds its
    own, ``per_txn`` versions a transaction; prints the CPU it took."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from datetime import datetime, timezone

    import bench_scale

    if path.exists():
        raise SystemExit(f"{path}: exists; --build makes a new database")
    started = time.process_time()
    bench_scale.build(path, versions, datetime.now(timezone.utc), per_txn=per_txn)
    cpu = time.process_time() - started
    print(f"built {versions:,} versions, {per_txn} a transaction: {cpu:.0f} CPU-s")


def _has(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("select 1 from sqlite_master where name = ?", [name]).fetchone()
    return row is not None


def migrate(path: Path) -> Path:
    import monitor

    copy = path.with_suffix(".bench-copy")
    shutil.copy(path, copy)
    wall, cpu = time.perf_counter(), time.process_time()
    m = monitor.open(copy)
    m.db  # noqa: B018  (opening migrates and runs the backfills)
    print(
        f"open (migrate + backfill): {time.perf_counter() - wall:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} CPU-s"
    )
    m.close()
    conn = sqlite3.connect(copy)
    wall = time.perf_counter()
    conn.execute("pragma journal_mode = delete")
    conn.execute("pragma page_size = 8192")
    conn.execute("vacuum")
    conn.execute("pragma journal_mode = wal")
    conn.close()
    print(f"VACUUM into 8 KB pages: {time.perf_counter() - wall:.1f} s wall")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--build", type=int, metavar="N", help="build DB: N versions")
    parser.add_argument("--per-txn", type=int, default=20, help="versions a transaction")
    parser.add_argument("--detail", action="store_true", help="every table and index")
    args = parser.parse_args()
    if args.build:
        build(args.db, args.build, args.per_txn)
    split(args.db, args.detail)
    if args.migrate:
        copy = migrate(args.db)
        try:
            split(copy)
        finally:
            for p in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
                p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
