"""Alerts and the feed of edits: how well ``--min-severity substantive`` picks the edits
a reader would want, and how fast the Atom feed and a notify digest are built.

1. Filter quality, on the hand-labelled revision pairs of ../shared/dev/revisions
   (skipped when absent): the severity monitor gives each pair
   (:func:`monitor.analysis.delivery.severity_of` over the stored edit counts) against
   the label's level; precision and recall of "substantive or major".
2. Speed, on a synthetic archive: --articles articles, --edits of them edited in the
   last day; the window's items, the Atom feed (diffs inline) and the notify digest body.

    python benchmarks/bench_delivery.py [--articles 5000 --edits 500]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.analysis import delivery, edits  # noqa: E402
from monitor.ingest import Observation, store  # noqa: E402
from monitor.render import atom, message  # noqa: E402
from monitor.store import db as dbmod  # noqa: E402
from monitor.text.timeutil import iso, utcnow  # noqa: E402

REVISIONS = ROOT / ".." / "shared" / "dev" / "revisions"


def _version(path: Path) -> dict[str, str]:
    title, _, text = path.read_text(encoding="utf-8").partition("\n")
    return {"title": title.strip(), "text": text.strip()}


def filter_quality() -> None:
    labels = REVISIONS / "labels.csv"
    if not labels.exists():
        print(f"skipped filter quality: {labels} is absent")
        return
    confusion: Counter[tuple[str, str]] = Counter()
    for row in csv.DictReader(labels.open(encoding="utf-8")):
        folder = REVISIONS / "items" / row["item"]
        old, new = _version(folder / f"{row['from']}.txt"), _version(folder / f"{row['to']}.txt")
        old.update(number=1, observed_at="x")
        new.update(number=2, observed_at="y")
        pair = edits.pair_row(0, old, new)
        confusion[(row["severity"].split(":", 1)[0].strip(), delivery.severity_of(pair))] += 1
    high = {"substantive", "major"}
    tp = sum(n for (gold, got), n in confusion.items() if gold in high and got in high)
    fp = sum(n for (gold, got), n in confusion.items() if gold not in high and got in high)
    fn = sum(n for (gold, got), n in confusion.items() if gold in high and got not in high)
    total = sum(confusion.values())
    print(f"filter quality on {total} labelled pairs ('substantive or major' alerts):")
    print(
        f"  precision {tp / max(tp + fp, 1):.2f}  recall {tp / max(tp + fn, 1):.2f}  "
        f"(tp {tp}, fp {fp}, fn {fn})"
    )
    for gold in delivery.LEVELS:
        got = {g: confusion[(gold, g)] for g in delivery.LEVELS if confusion[(gold, g)]}
        print(f"  labelled {gold:11} -> {got}")


def speed(articles: int, edited: int) -> None:
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(5000)]
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        now = utcnow()
        t = time.perf_counter()
        texts = {}
        for i in range(articles):
            text = "\n\n".join(" ".join(rng.choices(vocab, k=60)) for _ in range(6))
            texts[i] = text
            store(
                db,
                Observation(
                    title=f"Headline {i}",
                    text=text,
                    origin="feed",
                    url=f"https://x.example/{i}",
                    source="Dawn",
                    observed_at=iso(now - timedelta(days=3, minutes=i)),
                ),
            )
        for i in rng.sample(range(articles), edited):
            text = texts[i].replace(texts[i].split()[10], "70", 1) + "\n\nA new paragraph."
            store(
                db,
                Observation(
                    title=f"Headline {i} updated",
                    text=text,
                    origin="feed",
                    url=f"https://x.example/{i}",
                    observed_at=iso(now - timedelta(minutes=rng.randrange(1440))),
                ),
            )
        print(
            f"built {articles:,} articles, {edited:,} edited in the last day, "
            f"in {time.perf_counter() - t:.1f} s"
        )
        since, until = iso(now - timedelta(days=1)), iso(now)
        t = time.perf_counter()
        items = delivery.version_items(db, since, until)
        print(f"items of the last day: {len(items)} in {(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        for item in items:
            item["comparison"] = delivery.comparison(db, item)
        feed = atom.render_atom({"window": {"since": since, "until": until}, "entries": items})
        print(f"atom feed with diffs: {len(feed) / 1e6:.1f} MB in {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        for item in items:
            item["passages"] = delivery.passages(item["comparison"])
        body = message.digest_body(items)
        print(f"notify digest body: {len(body) / 1e3:.0f} kB in {time.perf_counter() - t:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=500)
    args = parser.parse_args()
    filter_quality()
    speed(args.articles, args.edits)


if __name__ == "__main__":
    main()
