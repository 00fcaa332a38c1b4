"""Measure the built-in story's themes and rule on the labelled dev set (run by hand).

    python benchmarks/bench_themes.py [--misses N] [--json] [--story SLUG|FILE]

Reads ../shared/dev/devset.csv and negatives.csv (relative to the repository
root) and prints what ``monitor themes eval`` prints: per-theme precision,
recall and F1, the micro averages, the share of labelled items that got a
theme, and the rule's recall (relevant=yes) and precision (borderline counted
as relevant). Nothing is stored. Also times the pass.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor import stories, themeeval  # noqa: E402
from monitor.output import print_table  # noqa: E402

DEV = ROOT / ".." / "shared" / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="cases to list per theme")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--story", default="pakistan-taliban", help="built-in slug or .toml")
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
    if args.misses:
        for case in themeeval.limit_cases(result.cases, args.misses):
            print(f"[{case.theme} {case.kind}]")
            print(themeeval.case_line(case))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
