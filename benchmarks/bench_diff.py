"""Speed and faithfulness of ``monitor``'s version diff, with git as the peer.

Cases (all texts generated here from the repository's own prose, seeded):

  edited-10k     a 10,000-word article with 24 realistic edits (words and
                 numbers changed, sentences added, dropped and rewritten,
                 paragraphs added, dropped, split and joined)
  articles       each of samples/articles/*.txt with 4-8 such edits, plus the
                 hand-written revision in samples/articles/revised (summed)
  dev-revisions  the real revision pairs in ../shared/dev/revisions (summed;
                 skipped when that directory is absent)
  unrelated-N    two unrelated texts of N characters: one a word-chain
                 ("Markov") text trained on samples/articles, the other one
                 trained on README.md, CHANGELOG.md and the prose of Python's
                 own help topics (pydoc_data); "-1p" = no paragraph breaks
  same-story-N   two unrelated texts of N characters from the same news
                 chain (same vocabulary, different articles)

Columns: ``monitor.diffing.diff_text`` CPU time (time.process_time, median
of --repeat runs; one run when a run takes over 5 s); words marked changed by
monitor and by a plain word-level LCS diff (diff-match-patch on word tokens
mapped to characters, no timeout, no clean-up: the fewest words any diff can
mark; skipped above --lcs-limit tokens), their ratio; ``git diff --no-index --word-diff`` CPU time on the same
texts as files (median of --repeat, child CPU from getrusage). Every monitor
result is checked to rebuild both texts exactly.

    python benchmarks/bench_diff.py [--repeat 5] [--cases edited,unrelated]
"""

from __future__ import annotations

import argparse
import pydoc_data.topics
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diff_match_patch import diff_match_patch  # noqa: E402

from monitor.analysis.diffing import (  # noqa: E402
    DELETE,
    INSERT,
    count_words,
    diff_text,
    new_text,
    old_text,
    word_units,
)

DEV_REVISIONS = ROOT / ".." / "shared" / "dev" / "revisions" / "items"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"\w")


# --- text generation ------------------------------------------------------------------


def sample_articles() -> list[str]:
    """The sample article bodies (the header lines above the first blank line dropped)."""
    bodies = []
    for path in sorted((ROOT / "samples" / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text.split("\n\n", 1)[1].strip())
    return bodies


def prose_of(texts: list[str]) -> str:
    """Lines of running prose from markdown texts (no code, tables or headings)."""
    lines = []
    for text in texts:
        fenced = False
        for line in text.splitlines():
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and line[:1].isalpha() and len(line.split()) > 6:
                lines.append(line)
    return "\n".join(lines)


class Chain:
    """A first-order word chain: natural-looking sentences with a real vocabulary."""

    def __init__(self, corpus: str) -> None:
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for sentence in SENTENCE_END.split(corpus):
            words = sentence.split()
            if len(words) < 4:
                continue
            self.starts.append(words[0])
            for a, b in zip(words, words[1:] + ["<end>"], strict=True):
                self.next[a].append(b)

    def sentence(self, rng: random.Random) -> str:
        words = [rng.choice(self.starts)]
        while len(words) < 40:
            following = self.next.get(words[-1]) or ["<end>"]
            word = rng.choice(following)
            if word == "<end>":
                break
            words.append(word)
        text = " ".join(words)
        return text if text[-1] in '.!?"”' else text + "."

    def paragraph(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randint(1, 4)))

    def text(self, chars: int, rng: random.Random, paragraphs: bool = True) -> str:
        pieces: list[str] = []
        size = 0
        while size < chars:
            pieces.append(self.paragraph(rng))
            size += len(pieces[-1]) + 2
        return ("\n\n" if paragraphs else " ").join(pieces)[:chars]


def mutate(text: str, chain: Chain, rng: random.Random, edits: int) -> str:
    """A later version of ``text``: the kinds of edits news sites make."""
    paragraphs = [SENTENCE_END.split(p) for p in text.split("\n\n")]
    kinds = ["word", "number", "add-sentence", "drop-sentence", "rewrite-sentence"]
    kinds += ["add-paragraph", "drop-paragraph", "split-paragraph", "join-paragraphs"]
    kinds += ["word", "add-sentence", "add-paragraph"]  # updates mostly add
    for _ in range(edits):
        kind = rng.choice(kinds)
        p = rng.randrange(len(paragraphs))
        sentences = paragraphs[p]
        s = rng.randrange(len(sentences))
        if kind in ("word", "number"):
            words = sentences[s].split(" ")
            w = rng.randrange(len(words))
            numbers = [i for i, word in enumerate(words) if any(c.isdigit() for c in word)]
            if kind == "number" and numbers:
                w = rng.choice(numbers)
                words[w] = str(rng.randint(2, 900))
            else:
                words[w] = chain.sentence(rng).split()[0].lower()
            sentences[s] = " ".join(words)
        elif kind == "add-sentence":
            sentences.insert(rng.randint(0, len(sentences)), chain.sentence(rng))
        elif kind == "drop-sentence" and len(sentences) > 1:
            del sentences[s]
        elif kind == "rewrite-sentence":
            sentences[s] = chain.sentence(rng)
        elif kind == "add-paragraph":
            paragraphs.insert(p, [chain.sentence(rng) for _ in range(rng.randint(1, 3))])
        elif kind == "drop-paragraph" and len(paragraphs) > 2:
            del paragraphs[p]
        elif kind == "split-paragraph" and len(sentences) > 1:
            paragraphs[p : p + 1] = [sentences[:s], sentences[s:]] if s else [sentences]
        elif kind == "join-paragraphs" and p + 1 < len(paragraphs):
            paragraphs[p : p + 2] = [paragraphs[p] + paragraphs[p + 1]]
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs if sentences)


def dev_revision_pairs() -> list[tuple[str, str]]:
    if not DEV_REVISIONS.is_dir():
        return []
    pairs = []
    for item in sorted(p for p in DEV_REVISIONS.glob("*/*") if p.is_dir()):
        versions = sorted(item.glob("v*.txt"), key=lambda p: int(p.stem[1:]))
        texts = [v.read_text(encoding="utf-8") for v in versions]
        pairs += list(zip(texts, texts[1:], strict=False))
    return pairs


# --- measuring ------------------------------------------------------------------------


def cpu_median(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
        if times[-1] > 5:
            break
    return statistics.median(times), result


def changed_words(ops: list[tuple[int, str]]) -> int:
    return sum(count_words(text) for op, text in ops if op in (DELETE, INSERT))


def lcs_changed_words(old: str, new: str) -> int:
    """Words marked changed by a minimal diff of the two word sequences (a longest
    common subsequence of words: diff-match-patch, no timeout, no clean-up)."""
    table: dict[str, str] = {}
    encoded = [
        "".join(table.setdefault(t, chr(len(table))) for t in word_units(text) if WORD.search(t))
        for text in (old, new)
    ]
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    ops = dmp.diff_main(encoded[0], encoded[1], False)
    return sum(len(chars) for op, chars in ops if op != 0)


def git_cpu(old: str, new: str, workdir: Path, repeat: int) -> float | None:
    if shutil.which("git") is None:
        return None
    a, b = workdir / "old.txt", workdir / "new.txt"
    a.write_text(old, encoding="utf-8")
    b.write_text(new, encoding="utf-8")
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            ["git", "diff", "--no-index", "--word-diff", str(a), str(b)],
            capture_output=True,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times)


def cases(selected: set[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    rng = random.Random(15)
    articles = sample_articles()
    news = Chain("\n".join(articles))
    docs = [(ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "CHANGELOG.md")]
    prose = Chain(prose_of(docs + list(pydoc_data.topics.topics.values())))
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if "edited" in selected:
        long = news.text(10**9, rng)  # cut below to 10,000 words
        long = " ".join(long[:200_000].split(" ")[:10_000])
        out.append(("edited-10k", [(long, mutate(long, news, rng, 24))]))
        pairs = [(a, mutate(a, news, rng, rng.randint(4, 8))) for a in articles]
        revised = ROOT / "samples" / "articles" / "revised" / "00-seed-article-v2.txt"
        pairs.append((articles[0], revised.read_text(encoding="utf-8").split("\n\n", 1)[1].strip()))
        out.append((f"articles({len(pairs)})", pairs))
        dev = dev_revision_pairs()
        if dev:
            out.append((f"dev-revisions({len(dev)})", dev))
    if "unrelated" in selected:
        for size in (20_000, 100_000, 1_000_000):
            label = f"{size // 1000}k" if size < 10**6 else "1M"
            old, new = news.text(size, rng), prose.text(size, rng)
            out.append((f"unrelated-{label}", [(old, new)]))
            flat = [(t.replace("\n\n", " ")) for t in (old, new)]
            out.append((f"unrelated-{label}-1p", [(flat[0], flat[1])]))
        out.append(("same-story-100k", [(news.text(100_000, rng), news.text(100_000, rng))]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", default="edited,unrelated")
    parser.add_argument("--lcs-limit", type=int, default=60_000, help="tokens, both sides")
    args = parser.parse_args()
    print(
        f"{'case':22} {'chars':>9} {'monitor':>10} {'changed':>8} {'LCS':>8} "
        f"{'ratio':>6} {'git':>9} {'vs git':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, pairs in cases(set(args.cases.split(","))):
            seconds = git = 0.0
            ours = lcs = 0
            lcs_known = True
            for old, new in pairs:
                spent, ops = cpu_median(lambda o=old, n=new: diff_text(o, n), args.repeat)
                assert old_text(ops) == old and new_text(ops) == new, name  # type: ignore[arg-type]
                seconds += spent
                ours += changed_words(ops)  # type: ignore[arg-type]
                if len(word_units(old)) + len(word_units(new)) <= args.lcs_limit:
                    lcs += lcs_changed_words(old, new)
                else:
                    lcs_known = False
                git += git_cpu(old, new, Path(tmp), args.repeat) or 0.0
            chars = sum(len(old) for old, _ in pairs)
            ratio = f"{ours / lcs:.2f}" if lcs_known and lcs else "-"
            print(
                f"{name:22} {chars:>9,} {seconds * 1000:>8.1f}ms {ours:>8,} "
                f"{f'{lcs:,}' if lcs_known else '-':>8} {ratio:>6} "
                f"{git * 1000:>7.1f}ms {seconds / git if git else 0:>6.1f}x",
                flush=True,
            )
    print(
        f"\nmonitor and git: CPU seconds, median of {args.repeat} runs (summed over a case's "
        "pairs); changed/LCS: words marked removed or added by monitor / by a minimal "
        "word-token diff; ratio 1.00 = as few as possible."
    )


if __name__ == "__main__":
    main()
