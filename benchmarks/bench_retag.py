"""Time `monitor retag` over synthetic articles (run by hand, prints numbers).

    python benchmarks/bench_retag.py [--articles 5000] [--short]
    python benchmarks/bench_retag.py --real ../shared/dev    # real news text

Generates articles of ~300 words mixing the story's vocabulary with filler
(``--real``: ~600-word articles made of real headlines and summaries from the
dev set, relevant and unrelated ones drawn at random: news on the story is dense
in its vocabulary, about four times the places to read on of the synthetic
text) into a temporary database (tagging on store), then times (a) a full retag
(``--all``), (b) a retag after editing one theme (a term added, its threshold
changed), (c) a retag with no change, a retag of one story, and `themes` /
`themes discover` over the result. Each retag prints the versions of the whole
archive per CPU-second (what the run costs for the archive it covers) and how many
versions it re-tagged.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor import derive  # noqa: E402
from monitor.ingest import Observation, store  # noqa: E402
from monitor.store import db as dbmod  # noqa: E402
from monitor.themes import discover, stories, trends  # noqa: E402
from monitor.themes import tagger as tagging  # noqa: E402
from monitor.themes.stories import add_story_file  # noqa: E402

SNIPPETS = [
    "Pakistan and the Taliban government held peace talks in Doha mediated by Qatar.",
    "A suicide bombing by TTP militants from Afghanistan killed soldiers in Bannu.",
    "The Torkham border crossing was closed after clashes along the Durand Line.",
    "Pakistani airstrikes hit hideouts in Paktika, Taliban spokesman Zabihullah Mujahid said.",
    "Thousands of Afghan refugees were deported as the expulsion drive continued.",
    "Traders said trucks carrying goods were stranded and exports halted.",
    "Civilians including women and children were killed, residents said.",
    "The Foreign Office summoned the Afghan envoy over the statement.",
    "China and Iran called for restraint to protect regional security.",
    "Humanitarian agencies warned of food insecurity and malnutrition.",
    "Islamabad demanded a verifiable mechanism against terrorists operating from Afghan soil.",
    "Pakistan beat Afghanistan by six wickets in the T20 cricket match in Sharjah.",
]
FILLER = [
    "officials",
    "said",
    "the",
    "meeting",
    "would",
    "continue",
    "next",
    "week",
    "while",
    "analysts",
    "noted",
    "that",
    "the",
    "situation",
    "remained",
    "uncertain",
    "and",
    "several",
    "ministers",
    "were",
    "expected",
    "to",
    "travel",
    "to",
    "the",
    "capital",
    "for",
    "further",
    "consultations",
    "on",
    "the",
    "matter",
    "with",
    "local",
    "leaders",
    "and",
    "elders",
]
SOURCES = ["Dawn", "Reuters", "Tolo News", "Al Jazeera", "The News", "AP"]


def article(rng: random.Random, i: int, short: bool = False) -> Observation:
    """A ~300-word article, or (``short``) a feed entry: a headline and a summary of
    two sentences and some filler, ~50 words, as a fetch without --full-text stores."""
    parts = []
    for _ in range(1 if short else 8):
        parts.append(rng.choice(SNIPPETS))
        parts.append(" ".join(rng.choices(FILLER, k=30)).capitalize() + ".")
    text = "\n\n".join(" ".join(parts[j : j + 2]) for j in range(0, len(parts), 2))
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    return Observation(
        title=rng.choice(SNIPPETS),
        text=text,
        origin="file",
        url=f"https://example.com/{i}",
        source=rng.choice(SOURCES),
        published_at=f"2025-{month:02d}-{day:02d}T08:00:00Z",
        story="pakistan-taliban" if i % 5 else None,
    )


def real_items(path: Path) -> list[tuple[str, str]]:
    """(title, summary) of the dev set's items and negatives (real news)."""
    items = []
    for name in ("devset.csv", "negatives.csv"):
        with (path / name).open(encoding="utf-8", newline="") as f:
            items += [(row["title"], row["summary"]) for row in csv.DictReader(f)]
    return items


def real_article(rng: random.Random, i: int, items: list[tuple[str, str]]) -> Observation:
    """A ~600-word article of real text: a headline and the summaries of 11 items."""
    picked = rng.sample(items, 11)
    return Observation(
        title=picked[0][0],
        text="\n\n".join(summary for _, summary in picked),
        origin="file",
        url=f"https://example.com/{i}",
        source=rng.choice(SOURCES),
        published_at=f"2025-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d}T08:00:00Z",
        story="pakistan-taliban" if i % 5 else None,
    )


def time_tagging(rng: random.Random) -> None:
    """CPU time to tag one headline+summary and one ~300-word article (compiled, warm)."""
    tagger = tagging.tagger_for(stories.builtin_stories()["pakistan-taliban"])
    short = [
        tagging.document(rng.choice(SNIPPETS), rng.choice(SNIPPETS) + " " + rng.choice(SNIPPETS))
        for _ in range(500)
    ]
    long = [tagging.document(a.title, a.text) for a in (article(rng, i) for i in range(200))]
    for label, docs in (("headline+summary", short), ("300-word article", long)):
        for doc in docs:  # warm the caches, as a running fetch has them
            tagger.tag(doc)
        rounds = 5
        for name, work in (("tag", tagger.tag), ("rule", tagger.relevant)):
            cpu = time.process_time()
            for _ in range(rounds):
                for doc in docs:
                    work(doc)
            each = (time.process_time() - cpu) / (rounds * len(docs))
            print(f"{name} one {label}: {each * 1e6:,.0f} us CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument(
        "--short", action="store_true", help="feed entries (headline + summary), not articles"
    )
    parser.add_argument(
        "--real",
        type=Path,
        metavar="DEV",
        help="articles of real headlines and summaries from this dev set (../shared/dev)",
    )
    args = parser.parse_args()
    rng = random.Random(5)
    items: list[tuple[str, str]] = []
    if args.real is not None:
        if not (args.real / "devset.csv").exists():
            sys.exit(f"{args.real}: no devset.csv here; give the dev set's folder (../shared/dev)")
        items = real_items(args.real)
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        stories.ensure_builtin(db)
        started = time.perf_counter()
        words = 0
        for i in range(args.articles):
            obs = real_article(rng, i, items) if items else article(rng, i, args.short)
            words += len(obs.text.split())
            store(db, obs)
        took = time.perf_counter() - started
        print(
            f"store+tag: {args.articles} articles ({words / args.articles:.0f} words each) "
            f"in {took:.2f} s = {args.articles / took:,.0f} articles/s"
        )
        tags = db.execute("select count(*) from version_themes").fetchone()[0]
        print(f"tags after store: {tags}")
        total = db.execute("select count(*) from versions").fetchone()[0]
        builtin = Path(__file__).resolve().parent.parent / "samples/stories/pakistan-taliban.toml"
        edited = Path(tmp) / "edited.toml"
        # one theme edited: a term added and its threshold changed
        edited.write_text(
            builtin.read_text("utf-8")
            .replace(
                '{term = "hardship*", weight = 1.5},',
                '{term = "hardship*", weight = 1.5}, {term = "food shortage*", weight = 2},',
            )
            .replace(
                'min_score = 5\n\n[[themes]]\nslug = "trade-economy"',
                'min_score = 4\n\n[[themes]]\nslug = "trade-economy"',
            ),
            "utf-8",
        )
        runs = (
            ("(a) retag --all", None, True, None),
            ("(b) retag after editing one theme", None, False, edited),
            ("(c) retag with no change", None, False, None),
            ("retag --story", "pakistan-taliban", False, None),
        )
        for label, story, every, toml in runs:
            if toml is not None:
                add_story_file(db, toml)
            cpu = time.process_time()
            result = derive.retag(db, story, every=every)
            cpu = time.process_time() - cpu
            print(
                f"{label}: re-tagged {result.versions} of {total} versions "
                f"(left alone {getattr(result, 'skipped', 0)}), {result.tags} tags, "
                f"{result.seconds:.2f} s wall; CPU {cpu:.2f} s = "
                f"{total / cpu:,.0f} archive versions per CPU-second"
            )
        time_tagging(rng)
        started = time.perf_counter()
        found = trends.theme_trends(db, "pakistan-taliban", "week")
        print(f"themes --by week: {len(found)} themes in {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        cands = discover.discover(db, "pakistan-taliban", 3, 20)
        print(f"themes discover: {len(cands)} candidates in {time.perf_counter() - started:.2f} s")
        db.close()


if __name__ == "__main__":
    main()
