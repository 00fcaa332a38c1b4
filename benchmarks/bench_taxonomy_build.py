"""What a taxonomy costs a process before its first tag (run by hand, prints numbers).

    python benchmarks/bench_taxonomy_build.py [--terms 2000,20000]

Every ``monitor add`` and ``fetch`` builds the taxonomies of the stories it tags
with, once per process. This prints the CPU time of building the built-in story's
tagger and tagging one text with it, then the same for synthetic taxonomies of N
terms (20 themes; 1-3 words drawn from the bundled samples' vocabulary, 10 %
wildcards), each in a fresh process so nothing is cached.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import dataclasses, json, random, re, sys, time
from pathlib import Path
from monitor.themes import lemmas, stories, tagger
lemmas.lemma("warming")  # the lemmatiser's dictionaries: any text needs them anyway
n = int(sys.argv[1])
story = next(iter(stories.builtin_stories().values()))
text = " ".join(p.read_text() for p in sorted(Path("samples/articles").glob("*.txt")))
words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)})
rng = random.Random(n)
if n:
    themes = [
        {"slug": f"t{i}", "label": f"T{i}", "min_score": 2, "terms": [
            {"term": " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
             + ("*" if rng.random() < 0.1 else ""), "weight": 1}
            for _ in range(n // 20)]}
        for i in range(20)
    ]
    story = dataclasses.replace(story, slug="synthetic", themes=themes, rule="")
doc = " ".join(rng.choice(words) for _ in range(300))
start = time.process_time()
one = tagger.tagger_for(story)
one.tag(doc)
print(json.dumps({"terms": n, "cpu": time.process_time() - start}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--terms", default="2000,20000")
    args = parser.parse_args()
    print("taxonomy                  build + first tag (CPU s, fresh process)")
    for n in [0] + [int(x) for x in args.terms.split(",")]:
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(n)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        got = json.loads(out)
        name = "built-in story" if n == 0 else f"{n:,} synthetic terms"
        print(f"{name:<26}{got['cpu']:.3f}")


if __name__ == "__main__":
    main()
