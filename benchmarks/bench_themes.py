"""Measure the built-in story's themes and rule on the labelled dev set (run by hand).

    python benchmarks/bench_themes.py [--misses N] [--json] [--story SLUG|FILE]

Reads ../shared/dev/devset.csv and negatives.csv (relative to the repository
root) and prints what ``monitor themes eval`` prints: per-theme precision,
recall and F1, the micro averages, the share of labelled items that got a
theme, and the rule's recall (relevant=yes) and precision (borderline counted
as relevant). Nothing is stored. Also times the pass, and prints the same measures
for the even and the odd item ids apart (a split check: vocabulary fitted to single
rows shows as a gap between the halves).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.render.rows import print_table  # noqa: E402
from monitor.themes import evaluate as themeeval  # noqa: E402
from monitor.themes import stories  # noqa: E402

DEV = ROOT / ".." / "shared" / "dev"


def show_discover(files: list[Path], story: stories.Story) -> None:
    import tempfile

    from monitor.ingest import Observation, store
    from monitor.store import db as dbmod
    from monitor.themes import discover
    from monitor.themes import tagger as tagging

    rule = tagging.tagger_for(story).rule
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        stories.ensure_builtin(db)
        started = time.perf_counter()
        for item in [i for f in files for i in themeeval.read_labels(f)]:
            kept = rule is not None and rule.matches(item.document)
            store(
                db,
                Observation(
                    title=item.title,
                    text=item.text or item.title,
                    origin="feed",
                    url=item.url or f"https://example.invalid/{item.id}",
                    source=item.outlet or None,
                    published_at=item.date or None,
                    story=story.slug if kept else None,
                ),
            )
        stored = time.perf_counter() - started
        started = time.perf_counter()
        found = discover.discover(db, story.slug, 3, 20)
        took = time.perf_counter() - started
    print(f"\nthemes discover --story {story.slug} (stored in {stored:.1f} s, {took:.2f} s):")
    for c in found:
        print(
            f"  {c.phrase:<32} {c.kind:<7} {c.articles:>4} articles {c.sources:>3} sources  "
            f"lift {c.lift:5.1f}  score {c.score}"
        )


def _half(item_id: str) -> int:
    """0 for even, 1 for odd item numbers (the digits of the id; a stable split)."""
    digits = "".join(c for c in item_id if c.isdigit())
    return int(digits) % 2 if digits else len(item_id) % 2


def show_halves(files: list[Path], story: stories.Story) -> None:
    """The same measures on the even and the odd items apart: vocabulary tuned to
    single rows shows as a gap between the halves (tune on even, check odd)."""
    items = [i for f in files for i in themeeval.read_labels(f)]
    print("split check (even ids / odd ids):")
    for name, half in (("even", 0), ("odd", 1)):
        result = themeeval.evaluate([i for i in items if _half(i.id) == half], story)
        micro = result.micro
        worst = min(
            (s for s in result.themes.values() if s.labelled >= 5 and s.f1 is not None),
            key=lambda s: s.f1 or 0.0,
            default=None,
        )
        rule = result.rule
        print(
            f"  {name}: {result.items} items, themes P {themeeval._fmt(micro.precision)} "
            f"R {themeeval._fmt(micro.recall)} F1 {themeeval._fmt(micro.f1)}, "
            f"coverage {themeeval._fmt(result.coverage)}, "
            f"lowest F1 {themeeval._fmt(worst.f1 if worst else None)} "
            f"({worst.theme if worst else '-'}), rule R "
            f"{themeeval._fmt(rule.recall if rule else None)} "
            f"P {themeeval._fmt(rule.precision if rule else None)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="cases to list per theme")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--story", default="pakistan-taliban", help="built-in slug or .toml")
    parser.add_argument(
        "--discover",
        action="store_true",
        help="also load the items into a temporary database (as a feed filtered by the "
        "story's rule would) and print the top 20 of 'themes discover'",
    )
    args = parser.parse_args()
    files = [DEV / "devset.csv", DEV / "negatives.csv"]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(f"skipped: the dev set is absent ({', '.join(missing)})", file=sys.stderr)
        return 0
    if args.story.endswith(".toml"):
        path = Path(args.story)
        story = stories.parse_story(path.read_text(encoding="utf-8"), str(path))
    else:
        story = stories.builtin_stories()[args.story]
    started = time.perf_counter()
    result = themeeval.evaluate_files(files, story)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(result.as_dict(cases=args.misses), ensure_ascii=False, indent=2))
        return 0
    columns = [(k, k) for k in ("theme", "labelled", "tagged", "tp", "fp", "fn")]
    columns += [("precision", "precision"), ("recall", "recall"), ("f1", "F1")]
    print_table(themeeval.table_rows(result), columns, sys.stdout)
    for line in themeeval.summary_lines(result):
        print(line)
    print(f"{result.items} items judged in {seconds:.2f} s ({result.items / seconds:,.0f}/s)")
    show_halves(files, story)
    if args.discover:
        show_discover(files, story)
    if args.misses:
        for case in themeeval.limit_cases(result.cases, args.misses):
            print(f"[{case.theme} {case.kind}]")
            print(themeeval.case_line(case))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
