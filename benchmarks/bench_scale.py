"""How the read paths grow with the database: 10k, 100k, 1M versions (run by hand).

    python benchmarks/bench_scale.py                       # 10k, 100k, 1M
    python benchmarks/bench_scale.py --sizes 10000,100000  # quicker
    python benchmarks/bench_scale.py --only search         # one operation

Databases are built with the project's own code (``monitor.ingest.store``: the
FTS triggers, diff statistics and theme tags of every version), from ~600-word
texts drawn from a Zipf-distributed vocabulary (a real English head, then
synthetic words) with story sentences mixed in, over 20 sources, two years, and
about 1.25 versions per article (small edits). Sizes above 100k are the database
a tenth their size replicated (:func:`replicate`: storing a version now runs the
full edit analysis, and 1M versions through ingest took CPU-hours). They are cached under
``/tmp/monitor-bench-scale/``, or ``$BENCH_SCALE_DIR`` (delete it to rebuild; a cached
database is migrated by the code under test when opened).

Each operation runs in its own Python process (so its peak RSS is its own:
``VmHWM`` of that process, the interpreter included) and reports CPU time
(``time.process_time``), with the command line's imports (``monitor.lean``: no pandas
or numpy through sqlite-utils); ``search-cli`` runs each query as its own ``monitor
search`` process and reports the highest peak RSS. For each operation the fitted growth exponent
``b`` of ``cost ~ versions^b`` over the sizes measured is printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.ingest import Observation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = Path(os.environ.get("BENCH_SCALE_DIR", "/tmp/monitor-bench-scale"))
SOURCES = [f"Source {i:02d}" for i in range(20)]
_HEAD_TEXT = """the of and to a in that is was he for it with as his on be at by i had not are but from
or have an they which one you were her all she there would their we him been has when who will
more no if out so said what up its about into than them can only other new some could time these
two may then do first any my now such like our over man me even most made after also did many
before must through back years where much your way well down should because each just those people
mr how too little state good very make world still own see men work long get here between both life
being under never day same another know while last might us great old year off come since against
go came right used take three"""
HEAD = _HEAD_TEXT.split()
STORY = [
    "Pakistan and the Taliban government held peace talks in Doha mediated by Qatar.",
    "A suicide bombing by TTP militants from Afghanistan killed soldiers in Bannu.",
    "The Torkham border crossing was closed after clashes along the Durand Line.",
    "Pakistani airstrikes hit hideouts in Paktika, the Taliban spokesman said.",
    "Thousands of Afghan refugees were deported as the expulsion drive continued.",
    "Traders said trucks carrying goods were stranded and exports halted at the border.",
    "Civilians including women and children were killed, residents said.",
    "The Foreign Office summoned the Afghan envoy over the ceasefire violations.",
    "China and Iran called for restraint to protect regional security.",
    "Humanitarian agencies warned of food insecurity and malnutrition in Kabul.",
    "Islamabad demanded a verifiable mechanism against terrorists operating from Afghan soil.",
    "The central bank raised interest rates as inflation stayed high.",
    "The court adjourned the hearing of the election petition until next month.",
]
#: the 50 queries: (query, options)
QUERIES: list[tuple[str, dict[str, object]]] = []


def _vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    syll = ["ka", "ri", "to", "ma", "ne", "lo", "su", "pa", "de", "vi", "ga", "ho", "zu", "bel"]
    words = list(dict.fromkeys(HEAD))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class Texts:
    """Realistic-length article texts with a Zipf (s = 1.05) word distribution."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.vocab = _vocabulary(self.rng)
        weights = [1 / (r + 1) ** 1.05 for r in range(len(self.vocab))]
        total, acc, self.cum = sum(weights), 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def words(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=k)

    def article(self, words: int = 600) -> tuple[str, str]:
        paragraphs = []
        left = words
        while left > 0:
            n = min(left, self.rng.randint(40, 90))
            sentence = self.words(n)
            sentence[0] = sentence[0].capitalize()
            para = " ".join(sentence) + "."
            if self.rng.random() < 0.35:
                para = self.rng.choice(STORY) + " " + para
            paragraphs.append(para)
            left -= n
        title = " ".join(self.words(8)).capitalize()
        if self.rng.random() < 0.3:
            title = self.rng.choice(STORY)[:-1]
        return title, "\n\n".join(paragraphs)

    def edit(self, text: str) -> str:
        paragraphs = text.split("\n\n")
        i = self.rng.randrange(len(paragraphs))
        words = paragraphs[i].split()
        j = self.rng.randrange(len(words))
        words[j : j + 3] = self.words(4)
        paragraphs[i] = " ".join(words)
        if self.rng.random() < 0.3:
            paragraphs.append(" ".join(self.words(50)).capitalize() + ".")
        return "\n\n".join(paragraphs)


def observation(i: int, title: str, text: str, when: datetime) -> Observation:
    """The ``i``-th new article of a built database, seen at ``when`` (one of 20
    sources; a third of them filed under the built-in story)."""
    from monitor.ingest import Observation
    from monitor.text.timeutil import iso

    return Observation(
        title=title,
        text=text,
        origin="feed",
        url=f"https://news{i % 20}.example.com/{i}",
        source=SOURCES[i % len(SOURCES)],
        published_at=iso(when),
        observed_at=iso(when),
        story="pakistan-taliban" if i % 3 == 0 else None,
    )


def build(path: Path, versions: int, now: datetime, per_txn: int = 1000) -> None:
    """Store ``versions`` versions through :func:`monitor.ingest.store`, ``per_txn`` a
    transaction (``fetch`` commits one feed's entries at a time: tens)."""
    from monitor.ingest import store
    from monitor.store import db as dbmod
    from monitor.text.timeutil import iso
    from monitor.themes import stories

    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    db = dbmod.connect(tmp)
    stories.ensure_builtin(db)
    texts = Texts()
    rng = texts.rng
    span = timedelta(days=730)
    stored, i, started = 0, 0, time.process_time()
    live: list[tuple[Observation, datetime]] = []
    while stored < versions:
        with db.atomic():
            for _ in range(min(per_txn, versions - stored)):
                if live and rng.random() < 0.2:  # an edit of a recent article
                    obs, when = live[rng.randrange(len(live))]
                    obs.text = texts.edit(obs.text)
                    obs.observed_at = iso(when + timedelta(hours=rng.randint(1, 48)))
                    store(db, obs)
                else:
                    i += 1
                    title, text = texts.article()
                    when = now - span * (1 - stored / versions) - timedelta(minutes=rng.random())
                    obs = observation(i, title, text, when)
                    store(db, obs, surely_new=True)
                    live.append((obs, when))
                    live = live[-200:]
                stored += 1
        if stored % 20_000 < per_txn:
            rate = stored / (time.process_time() - started)
            print(f"  built {stored:,} versions ({rate:,.0f}/CPU-s)", file=sys.stderr)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.rename(path)


#: sizes above this are built by replicating the database of ``size // REPLICAS`` versions
#: (storing a version runs the full edit analysis: ~9 ms of CPU per edit against ~3.5 ms
#: for a new article, see bench_store_cost.py; ~22 ms before)
REPLICATE_ABOVE = 100_000
REPLICAS = 10


def replicate(seed: Path, path: Path, copies: int = REPLICAS) -> None:
    """A database ``copies`` times the size of ``seed`` (built by :func:`build`).

    Every article becomes ``copies`` articles (own key and URL, times shifted by
    6 minutes a copy, the same texts: term frequencies and posting lists grow 10x as
    with 10x the articles, ranks tie more); its versions, tags, edit statistics and
    story memberships come along. Rows are inserted in time order (ids keep growing
    with time, as stored ones do) into a database made by the code under test; FTS5
    indexes every version in one ``rebuild``. Texts are copied as stored in ``version_rows`` (packed with the seed's
    dictionaries, which come along, or deltas against their copied base), so the
    copy has the seed's storage format: the seed is migrated by the code under test
    first. The term statistics and caches start empty, as on a database made before
    they existed.
    """
    import monitor
    from monitor.store import db as dbmod
    from monitor.themes import stories

    monitor.open(seed).db.conn.close()  # migrated (and its texts packed) by the code under test
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    db = dbmod.connect(tmp)
    stories.ensure_builtin(db)
    conn = db.conn
    conn.execute("attach database ? as src", [str(seed)])
    conn.execute("insert into text_dicts select * from src.text_dicts")
    conn.execute("create temp table k (k integer primary key)")
    conn.executemany("insert into k values (?)", [(i,) for i in range(copies)])
    # (an older schema's insert trigger, set aside while copying; since m170 the rows
    # copied here are not indexed one by one anyway)
    found = conn.execute(
        "select sql from sqlite_master where type = 'trigger' and name = 'versions_ai'"
    ).fetchone()
    trigger = found[0] if found else None
    if trigger is not None:
        conn.execute("drop trigger versions_ai")
    conn.commit()
    n = copies

    def shift(col: str) -> str:
        return f"strftime('%Y-%m-%dT%H:%M:%SZ', s.{col}, '-' || (k.k * 6) || ' minutes')"

    def new_id(col: str) -> str:
        return f"(s.{col} - 1) * {n} + k.k + 1"

    overrides: dict[str, dict[str, str]] = {
        "articles": {
            "id": new_id("id"),
            "key": "s.key || '#' || k.k",
            "url": "s.url || '#' || k.k",
            "feed_id": "null",
            **{c: shift(c) for c in ("published_at", "dated_at", "first_seen_at", "last_seen_at")},
            "last_checked_at": shift("last_checked_at"),
        },
        "version_rows": {
            "id": new_id("id"),
            "article_id": new_id("article_id"),
            "base_id": new_id("base_id"),  # null stays null
            "observed_at": shift("observed_at"),
            "published_at": shift("published_at"),
        },
        "diffs": {
            "id": new_id("id"),
            "article_id": new_id("article_id"),
            "observed_at": shift("observed_at"),
        },
        "version_themes": {"version_id": new_id("version_id")},
        "article_stories": {"article_id": new_id("article_id")},
    }
    order = {"version_themes": "s.version_id", "article_stories": "s.article_id"}
    started = time.process_time()
    for table, exprs in overrides.items():
        cols = [
            r[0] for r in conn.execute(f"select name from pragma_table_info('{table}', 'main')")
        ]
        cols = [
            c
            for c in cols
            if conn.execute(
                f"select 1 from pragma_table_info('{table}', 'src') where name = ?", [c]
            ).fetchone()
        ]
        select = ", ".join(exprs.get(c, f"s.{c}") for c in cols)
        key = order.get(table, "s.id")
        top = conn.execute(
            f"select coalesce(max({key.split('.')[1]}), 0) from src.{table}"
        ).fetchone()[0]
        step = 5000
        for lo in range(0, top + 1, step):
            with db.atomic():
                conn.execute(
                    f"""insert into main.{table} ({", ".join(cols)})
                        select {select} from src.{table} s cross join k
                        where {key} > ? and {key} <= ? order by {key}, k.k""",
                    [lo, lo + step],
                )
        rate = top * n / (time.process_time() - started)
        print(f"  replicated {table} ({rate:,.0f} rows/CPU-s so far)", file=sys.stderr)
    conn.execute("insert or replace into story_tagging select * from src.story_tagging")
    # the last version a retag covered: its copies too
    conn.execute(f"update story_tagging set last_id = last_id * {n} where last_id is not null")
    # the memberships came with the articles: nothing is left to fill in
    conn.execute("delete from backfills where name not in (select name from src.backfills)")
    conn.commit()
    with db.atomic():
        conn.execute("insert into versions_fts (versions_fts) values ('rebuild')")
        if trigger is not None:
            conn.execute(trigger)
    print(f"  indexed in FTS5 ({time.process_time() - started:,.0f} CPU-s so far)", file=sys.stderr)
    conn.execute("detach database src")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.rename(path)


def queries() -> list[tuple[str, dict[str, object]]]:
    """50 mixed queries: words of every frequency, phrases, OR, prefixes, filters."""
    rng = random.Random(3)
    vocab = _vocabulary(random.Random(7))
    common, mid, rare = vocab[20:200], vocab[300:3000], vocab[5000:25000]
    plain = [rng.choice(common) for _ in range(3)] + [rng.choice(mid) for _ in range(4)]
    plain += [rng.choice(rare) for _ in range(3)]
    two = [f"{rng.choice(mid)} {rng.choice(common)}" for _ in range(4)]
    phrases = ['"peace talks"', '"border crossing"', '"afghan refugees"', '"interest rates"']
    ors = [f"{rng.choice(mid)} OR {rng.choice(rare)}" for _ in range(3)] + ["talks OR ceasefire"]
    prefixes = ["talib*", "refuge*", f"{rng.choice(mid)[:4]}*", "deport*"]
    base = plain + two + phrases + ors + prefixes  # 26
    out: list[tuple[str, dict[str, object]]] = [(q, {}) for q in base]
    filters: list[dict[str, object]] = [
        {"since": "7d"},
        {"since": "30d"},
        {"source": "Source 03"},
        {"story": "pakistan-taliban"},
        {"since": "7d", "story": "pakistan-taliban"},
        {"source": "Source 11", "since": "30d"},
    ]
    for k in range(24):
        out.append((base[(k * 7) % len(base)], filters[k % len(filters)]))
    return out


def _options(opts: dict[str, object], all_versions: bool = False) -> object:
    from monitor.analysis.search import SearchOptions
    from monitor.text.timeutil import parse_when

    kwargs: dict[str, object] = dict(opts)
    if "since" in kwargs:
        kwargs["since"] = parse_when(str(kwargs["since"]))
    return SearchOptions(all_versions=all_versions, **kwargs)  # type: ignore[arg-type]


def cli_search(path: Path, query: str, opts: dict[str, object], all_versions: bool) -> None:
    """One ``monitor search`` the way the command line runs it (``monitor.cli.main``: the
    same imports, the rendering to a pipe), then this process's CPU and peak RSS on
    stderr as JSON."""
    import contextlib
    import io

    from monitor import cli

    argv = ["monitor", "--db", str(path), "search", query, "--json"]
    for name, value in opts.items():
        argv += [f"--{name}", str(value)]
    if all_versions:
        argv.append("--all-versions")
    sys.argv = argv
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        cli.main()
    report = {"cpu": time.process_time(), "rss_mb": _peak_rss_mb(), "bytes": len(out.getvalue())}
    print(json.dumps(report), file=sys.stderr)


def _cli_searches(path: Path) -> dict[str, object]:
    """Each query of :func:`queries` (and 10 with ``--all-versions``) as its own
    ``monitor search`` process: per process CPU (start-up included) and peak RSS."""
    runs = [(q, o, False) for q, o in queries()] + [(q, {}, True) for q, _ in queries()[:10]]
    cpus, rss = [], []
    for q, o, every in runs:
        done = subprocess.run(
            [sys.executable, __file__, "--cli-search", json.dumps([str(path), q, o, every])],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        row = json.loads(done.stderr.strip().splitlines()[-1])
        if not row["bytes"]:
            raise SystemExit(f"search {q!r} {o}: no output; {done.stderr[-300:]}")
        cpus.append(float(row["cpu"]))
        rss.append(float(row["rss_mb"]))
    cpus.sort()
    return {
        "p50": statistics.median(cpus),
        "p95": cpus[int(len(cpus) * 0.95) - 1],
        "median_rss_mb": statistics.median(rss),
        "max_rss_mb": max(rss),
        "rss_mb": max(rss),
    }


def measure(op: str, path: Path) -> dict[str, object]:
    """Run one operation on the database at ``path`` in this process."""
    import monitor

    if op == "search-cli":
        return _cli_searches(path)
    from monitor import lean

    lean.install()  # as ``monitor.cli.main`` does: the libraries' optional extras stay out

    m = monitor.open(path)
    db = m.db
    db.execute("select count(*) from versions").fetchone()  # warm the file a little
    result: dict[str, object] = {}
    if op in ("search", "search-all"):
        times = []
        qs = queries() if op == "search" else [(q, {}) for q, _ in queries()[:20]]
        for q, opts in qs:
            t0 = time.process_time()
            rows = list(m.search(q, _options(opts, op == "search-all")))  # type: ignore[arg-type]
            times.append(time.process_time() - t0)
            result.setdefault("hits", 0)
            result["hits"] = int(result["hits"]) + len(rows)  # type: ignore[call-overload]
        times.sort()
        result["p50"] = statistics.median(times)
        result["p95"] = times[int(len(times) * 0.95) - 1]
    elif op == "changes":
        from monitor.text.timeutil import parse_when

        # the first run counts the window's words (and 2,000 background versions), as on
        # a database that never ran ``changes``: the term caches emptied first, on every
        # run of the benchmark; the second is the steady cost
        with db.atomic():
            db.execute("delete from term_days")
            db.execute("delete from term_counts")
            db.execute("update term_stats set upto = 0, words = 0 where id = 1")
        t0 = time.process_time()
        m.changes(since=parse_when("7d"))
        result["first"] = time.process_time() - t0
        t0 = time.process_time()
        m.changes(since=parse_when("7d"))
        result["cpu"] = time.process_time() - t0
    elif op == "themes":
        # the first run on a database that never ran ``themes``: the month cache (when
        # the code has one) emptied, so every month is aggregated; the second is steady
        if db.execute("select 1 from sqlite_master where name = 'theme_months'").fetchone():
            with db.atomic():
                db.execute("delete from theme_months")
        t0 = time.process_time()
        m.themes("pakistan-taliban")
        result["first"] = time.process_time() - t0
        t0 = time.process_time()
        m.themes("pakistan-taliban")
        result["cpu"] = time.process_time() - t0
    elif op == "retag":
        t0 = time.process_time()
        try:  # every story: a retag with no taxonomy changed re-tags nothing
            r = m.retag(every=True)  # type: ignore[call-arg]
        except TypeError:  # the code before retag knew what changed
            t0 = time.process_time()
            r = m.retag()
        cpu = time.process_time() - t0
        result["cpu"] = cpu
        result["per_cpu_s"] = r.versions / cpu if cpu else float("inf")
    elif op == "storage":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n = db.execute("select count(*) from versions").fetchone()[0]
        result["bytes_per_version"] = path.stat().st_size / n
        result["cpu"] = 0.0
    result["rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float:
    """This process's own peak RSS: ``VmHWM`` (Linux), which exec resets; ``ru_maxrss``
    carries the parent's high-water mark across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


OPS = ["search", "search-all", "search-cli", "changes", "themes", "retag", "storage"]
METRIC = {
    "search": ["p50", "p95"],
    "search-cli": ["p50", "max_rss_mb"],
    "search-all": ["p50", "p95"],
    "changes": ["first", "cpu"],
    "themes": ["first", "cpu"],
    "retag": ["per_cpu_s"],
    "storage": ["bytes_per_version"],
}


def exponent(sizes: list[int], values: list[float]) -> float | None:
    pts = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--only", default=",".join(OPS), help="comma-separated: " + ",".join(OPS))
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--cli-search", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cli_search:
        db, q, o, every = json.loads(args.cli_search)
        cli_search(Path(db), q, o, every)
        return
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.db))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    ops = [o for o in args.only.split(",") if o]
    CACHE.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    results: dict[str, dict[int, dict[str, float]]] = {op: {} for op in ops}
    for size in sizes:
        path = CACHE / f"scale-{size}.db"
        if not path.exists():
            print(f"building {path} ({size:,} versions)...", file=sys.stderr)
            t0 = time.process_time()
            seed = CACHE / f"scale-{size // REPLICAS}.db"
            if size > REPLICATE_ABOVE and size % REPLICAS == 0 and seed.exists():
                print(f"  replicating {seed} {REPLICAS} times", file=sys.stderr)
                replicate(seed, path)
            else:
                build(path, size, now)
            print(f"  built in {time.process_time() - t0:.0f} CPU-s", file=sys.stderr)
        for op in ops:
            out = subprocess.run(
                [sys.executable, __file__, "--measure", op, "--db", str(path)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            results[op][size] = row
            shown = ", ".join(
                f"{k} {v:,.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()
            )
            print(f"{size:>9,} {op:<11} {shown}", flush=True)
    print("\ngrowth exponents (cost ~ versions^b):")
    for op in ops:
        done = sorted(results[op])
        for metric in METRIC[op]:
            vals = [float(results[op][s][metric]) for s in done]
            b = exponent(done, vals)
            cells = "  ".join(f"{s:,}: {v:,.4g}" for s, v in zip(done, vals, strict=True))
            rss = max(float(results[op][s]["rss_mb"]) for s in done)
            shown = "n/a" if b is None else f"{b:.2f}"
            print(f"  {op:<11} {metric:<18} {cells}   b = {shown}   peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
