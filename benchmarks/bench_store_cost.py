"""CPU per stored version through :func:`monitor.ingest.store`: a new article against
an edit (a new version of a stored article), and where an edit's time goes.

Stores ``--articles`` ~600-word articles, each edited again with probability 0.25
(about 1.25 versions an article), with the texts and the small edits of
``bench_scale.py`` (:class:`bench_scale.Texts`). Each ``store`` call runs in its own
transaction, the way ``monitor add`` stores (so an edit's pair is compared before the
write transaction starts), and what the analysis cached about earlier texts is
forgotten before each edit (a ``fetch`` process reads the stored version afresh). Prints the CPU time (``time.process_time``) per new article
and per edit, median and p95, the edit analysis alone (``derive.pair_row`` on the
stored pairs), then the edits' ``store`` calls again under cProfile. Run by hand, from the repository root:

    python benchmarks/bench_store_cost.py                 # 400 articles
    python benchmarks/bench_store_cost.py --articles 1000 --top 25
    PYTHONPATH=/path/to/other/tree python benchmarks/bench_store_cost.py   # compare
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import Texts, observation  # noqa: E402


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<14} n={len(ms):>5}  median {statistics.median(ms):7.2f} ms"
        f"  p95 {_p95(ms):7.2f} ms  max {max(ms):7.2f} ms  mean {statistics.fmean(ms):7.2f} ms"
    )


def cold() -> None:
    """Forget what the edit analysis cached about texts it read (a ``fetch`` process
    meets the stored version for the first time), not what it knows of words."""
    from monitor.analysis import figure_reading

    for name in ("_figures", "_line_tokens"):
        cached = getattr(figure_reading, name, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


def run(
    articles: int, seed: int, profiler: cProfile.Profile | None = None
) -> tuple[list[float], list[float], list[tuple[dict, dict]]]:
    """Store the articles and their edits: (CPU per new article, CPU per edit, the
    edited pairs as version rows). ``profiler``: enabled around each edit's store."""
    from monitor.ingest import store
    from monitor.store import db as dbmod
    from monitor.store import diffs
    from monitor.text.timeutil import iso
    from monitor.themes import stories

    texts = Texts(seed)
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    new_cpu: list[float] = []
    edit_cpu: list[float] = []
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        stories.ensure_builtin(db)
        live: list[tuple[Any, datetime]] = []
        made = 0
        while made < articles or len(edit_cpu) < articles // 4:
            if live and (made >= articles or rng.random() < 0.2):
                obs, when = live[rng.randrange(len(live))]
                obs.text = texts.edit(obs.text)
                obs.observed_at = iso(when + timedelta(hours=rng.randint(1, 48)))
                cold()
                if profiler is not None:
                    profiler.enable()
                started = time.process_time()
                result = store(db, obs)
                edit_cpu.append(time.process_time() - started)
                if profiler is not None:
                    profiler.disable()
                assert result.status == "updated", result
                ids = [
                    r[0]
                    for r in db.execute(
                        "select id from versions where article_id = ? and number in (?, ?)"
                        " order by number",
                        [result.article_id, result.version - 1, result.version],
                    ).fetchall()
                ]
                pairs.append((diffs.version(db, ids[0]), diffs.version(db, ids[1])))
            else:
                made += 1
                title, text = texts.article()
                when = now - timedelta(days=made / 10)
                obs = observation(made, title, text, when)
                started = time.process_time()
                result = store(db, obs, surely_new=True)
                new_cpu.append(time.process_time() - started)
                assert result.status == "new", result
                live.append((obs, when))
                live = live[-200:]
        db.close()
    return new_cpu, edit_cpu, pairs


def pair_cpu(pairs: list[tuple[dict, dict]]) -> list[float]:
    """CPU of the edit analysis alone (``derive.pair_row``) per stored pair."""
    from monitor import derive

    cpu: list[float] = []
    for old, new in pairs:
        cold()
        started = time.process_time()
        derive.pair_row(1, old, new)
        cpu.append(time.process_time() - started)
    return cpu


def profile(articles: int, seed: int, top: int) -> str:
    """The same stores again, with cProfile on each edit's ``store`` call."""
    profiler = cProfile.Profile()
    run(articles, seed, profiler)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=20, help="profile rows to print")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    import monitor

    print(f"monitor from {Path(monitor.__file__).parent}")
    new_cpu, edit_cpu, pairs = run(args.articles, args.seed)
    print(_line("new article", new_cpu))
    print(_line("edit (store)", edit_cpu))
    print(
        f"edit / new (median CPU): {statistics.median(edit_cpu) / statistics.median(new_cpu):.2f}"
    )
    print(_line("pair_row only", pair_cpu(pairs)))
    if not args.no_profile:
        print(f"\ncProfile of the edits' store calls (top {args.top}):")
        print(profile(args.articles, args.seed, args.top))


if __name__ == "__main__":
    main()
