"""How long ``monitor add`` holds the database's write lock when it stores a new
version whose pair is a long diff (issue 15: "a long diff at store time never runs
inside the write transaction").

Stores a text, then an unrelated text of the same size as version 2 of the same
article, and prints the whole store time and the BEGIN IMMEDIATE .. COMMIT span
(taken from sqlite3's trace callback). Run by hand, from the repository root:

    python benchmarks/bench_store_txn.py            # 100 KB and 1 MB
    PYTHONPATH=/path/to/other/tree python benchmarks/bench_store_txn.py   # compare
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from monitor.add import AddOptions, add_source
from monitor.store import db as dbmod

WORDS = [
    "river",
    "bridge",
    "council",
    "mayor",
    "traffic",
    "repair",
    "cracks",
    "engineer",
    "town",
    "market",
    "budget",
    "school",
    "harbour",
    "station",
    "police",
    "report",
    "minister",
    "talks",
    "border",
    "army",
    "rain",
    "flood",
    "farm",
    "price",
    "fuel",
]


def text(seed: int, chars: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        p = " ".join(f"{rng.choice(WORDS)}{rng.randrange(10_000)}" for _ in range(60)) + "."
        out.append(p.capitalize())
        size += len(p) + 2
    return "\n\n".join(out)


def run(chars: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = dbmod.connect(folder / "bench.db")
        for name, seed in (("v1.txt", 1), ("v2.txt", 2)):
            (folder / name).write_text(
                f"Title: Long report\nURL: https://news.example/long\n\n{text(seed, chars)}",
                encoding="utf-8",
            )
        add_source(db, str(folder / "v1.txt"), AddOptions())
        marks: list[tuple[str, float]] = []
        db.conn.set_trace_callback(
            lambda sql: marks.append((sql.strip().split()[0].upper(), time.perf_counter()))
        )
        started = time.perf_counter()
        add_source(db, str(folder / "v2.txt"), AddOptions())
        total = time.perf_counter() - started
        db.conn.set_trace_callback(None)
        db.close()
    begin = max(t for word, t in marks if word == "BEGIN")
    commit = max(t for word, t in marks if word == "COMMIT")
    return total, commit - begin


def main() -> None:
    import monitor

    print(f"monitor from {Path(monitor.__file__).parent}")
    print(f"{'pair':>8}  {'store s':>8}  {'write lock held s':>18}")
    for chars in (100_000, 1_000_000):
        total, held = run(chars)
        print(f"{chars // 1000:>6}KB  {total:>8.2f}  {held:>18.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
