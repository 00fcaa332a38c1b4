"""Speed of ``monitor changes`` and ``monitor search`` on a synthetic archive.

Builds --articles articles (default 20,000) spread over 60 days with Zipf-like
word frequencies, the FTS index kept by its triggers, theme tags on each, then
times the 7-day changes report and a few searches.

    /work/venv/bin/python benchmarks/bench_changes.py [--articles 20000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.analysis import changes as report  # noqa: E402
from monitor.analysis.search import SearchOptions, search  # noqa: E402
from monitor.store import db as dbmod  # noqa: E402
from monitor.text.timeutil import iso  # noqa: E402


def build(path: Path, n: int, seed: int = 1) -> datetime:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(20_000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    end = datetime(2026, 11, 24, tzinfo=timezone.utc)
    db = dbmod.connect(path)
    conn = db.conn
    themes = ["talks", "attacks", "refugees", "economy", "courts"]
    db["themes"].insert_all([{"story": "s", "slug": t, "label": t.title()} for t in themes])
    with conn:
        for i in range(1, n + 1):
            when = iso(end - timedelta(minutes=rng.randrange(60 * 24 * 60)))
            words = rng.choices(vocab, weights, k=150)
            text = " ".join(words)
            conn.execute(
                """insert into articles (id, key, source, story, dated_at, first_seen_at,
                   last_seen_at, current_version, version_count) values (?, ?, ?, 's', ?, ?, ?, 1, 1)""",
                (i, f"k{i}", rng.choice(["Dawn", "Geo", "Jang"]), when, when, when),
            )
            conn.execute(
                """insert into versions (id, article_id, number, observed_at, title, text,
                   text_hash, content_hash, words, origin) values (?, ?, 1, ?, ?, ?, 'h', 'h', 150, 'feed')""",
                (i, i, when, " ".join(words[:8]), text),
            )
            conn.execute(
                "insert into version_themes (version_id, story, theme, score) values (?, 's', ?, 1)",
                (i, rng.choice(themes)),
            )
    db.close()
    return end


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t = time.perf_counter()
        end = build(path, args.articles)
        print(f"built {args.articles:,} articles with FTS in {time.perf_counter() - t:.1f} s")
        db = dbmod.connect(path)
        since = iso(end - timedelta(days=7))
        t = time.perf_counter()
        data = report.build(db, since, iso(end))
        print(
            f"changes --since 7d: {time.perf_counter() - t:.2f} s "
            f"({data['new_articles']['count']} new articles, {len(data['terms'])} terms)"
        )
        for q in ("w5", "w5 w17", '"w1 w2"', "w12*", "w3 NOT w4"):
            for all_versions in (False, True):
                t = time.perf_counter()
                rows = list(search(db, q, SearchOptions(all_versions=all_versions, limit=20)))
                print(
                    f"search {q!r:12} all_versions={all_versions!s:5}: "
                    f"{(time.perf_counter() - t) * 1000:7.1f} ms ({len(rows)} rows)"
                )


if __name__ == "__main__":
    main()
