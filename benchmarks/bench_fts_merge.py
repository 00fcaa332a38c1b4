"""What FTS5's ``automerge`` does to the disk of a growing full-text index (run by hand).

    python benchmarks/bench_fts_merge.py                 # 30,000 texts, automerge 4 and 2
    python benchmarks/bench_fts_merge.py --texts 10000 --automerge 4,2,8

Indexes bench_scale's ~600-word texts into a bare FTS5 table (the tokenizer and the
columns of ``versions_fts``, no content), 20 a transaction and a savepoint each, as
``monitor.ingest.store`` indexes a fetch's versions (FTS5 writes its pending terms out at
every savepoint: one new segment a version). Every 2,500 texts it reads the file's size
and the pages in use (the file less its free pages); prints their means over the run
(a database is measured at any moment of its growth) and the indexing CPU.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def run(texts: list[tuple[str, str]], automerge: int, folder: Path) -> None:
    path = folder / f"fts-{automerge}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma page_size = 8192")
    conn.execute("pragma journal_mode = wal")
    conn.execute(
        "create virtual table f using fts5(text, title, "
        "tokenize='unicode61 remove_diacritics 2', content='')"
    )
    conn.execute(f"insert into f(f, rank) values ('automerge', {automerge})")
    sizes: list[tuple[float, float]] = []
    started = time.process_time()
    for i in range(0, len(texts), 20):
        conn.execute("begin")
        for j, (title, text) in enumerate(texts[i : i + 20], start=i + 1):
            conn.execute("savepoint s")
            conn.execute("insert into f(rowid, text, title) values (?, ?, ?)", [j, text, title])
            conn.execute("release s")
        conn.execute("commit")
        done = i + 20
        if done % 2500 == 0:
            (pages,) = conn.execute("pragma page_count").fetchone()
            (free,) = conn.execute("pragma freelist_count").fetchone()
            sizes.append((pages * 8192 / done, (pages - free) * 8192 / done))
    cpu = time.process_time() - started
    conn.close()
    file_mean = statistics.mean(s[0] for s in sizes)
    used_mean = statistics.mean(s[1] for s in sizes)
    print(
        f"automerge {automerge}: file {file_mean:,.0f} B/text, in use {used_mean:,.0f} B/text "
        f"(means over the run; at the end {sizes[-1][0]:,.0f} / {sizes[-1][1]:,.0f}), "
        f"indexing {cpu:.1f} CPU-s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=30_000)
    parser.add_argument("--automerge", default="4,2")
    args = parser.parse_args()
    import bench_scale

    maker = bench_scale.Texts()
    texts = [maker.article() for _ in range(args.texts)]
    with tempfile.TemporaryDirectory() as folder:
        for automerge in (int(a) for a in args.automerge.split(",")):
            run(texts, automerge, Path(folder))


if __name__ == "__main__":
    main()
