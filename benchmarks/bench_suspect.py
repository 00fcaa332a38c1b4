"""How often :func:`monitor.suspect.judge` would hold back a *real* edit.

Every consecutive version pair in ``../shared/dev/revisions/items`` is a real
revision (headline and summary as published, no walls), so every pair judged
suspect is a false alarm. Prints the pairs judged, the false-alarm rate by kind,
and, for a sanity check of the other side, how often a synthetic wall built from
the same texts (the first 30% of the old text alone, or followed by a paywall,
consent or error-page notice) is caught. Run by hand from the repository root:

    python benchmarks/bench_suspect.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from monitor.suspect import judge

ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "dev" / "revisions" / "items"

WALLS = {
    "paywall": "Subscribe to continue reading. Already a subscriber? Sign in.",
    "consent": "We and our partners use cookies. Accept all or manage preferences.",
    "error page": "Sorry, the page you requested was not found. Page not found.",
}


def read(path: Path) -> tuple[str, str]:
    title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    return title.strip(), body.strip()


def main() -> int:
    if not ROOT.is_dir():
        print(f"no dev set at {ROOT}: nothing to measure", file=sys.stderr)
        return 1
    pairs = flagged = 0
    kinds: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    walls_tried = 0
    for item in sorted(p for p in ROOT.glob("*/*") if p.is_dir()):
        files = sorted(item.glob("v*.txt"), key=lambda p: int(p.stem[1:]))
        texts = [read(p) for p in files]
        for (t1, b1), (t2, b2) in zip(texts, texts[1:], strict=False):
            pairs += 1
            verdict = judge(b1, b2, previous_title=t1, new_title=t2)
            if verdict:
                flagged += 1
                kinds[verdict.kind] += 1
        title, body = texts[0]
        if len(body.split()) >= 40:
            lede = " ".join(body.split()[: len(body.split()) * 3 // 10])  # the first 30%
            walls_tried += 1
            for kind, notice in WALLS.items():
                v = judge(body, f"{lede} {notice}", previous_title=title, new_title=title)
                caught[kind] += v is not None
            caught["truncated"] += judge(body, lede, previous_title=title) is not None
    print(f"real revision pairs judged: {pairs}")
    print(f"held back as suspect (false alarms): {flagged} ({flagged / max(pairs, 1):.1%})")
    for kind, n in kinds.most_common():
        print(f"  {kind}: {n}")
    print(f"synthetic walls on items with >= 40 words: {walls_tried}")
    for kind in [*WALLS, "truncated"]:
        print(f"  {kind} caught: {caught[kind]}/{walls_tried}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
