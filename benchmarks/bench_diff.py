"""Speed of ``monitor``'s version diff against plain diff-match-patch and git.

Pairs:
  edited    a 10,000-word article with a dozen scattered edits (words replaced,
            a number changed, a sentence added, a paragraph added and removed)
  unrelated two unrelated 100,000-character articles (paragraphs)
  one-para  two unrelated 100,000-character texts with no paragraph breaks
  dmp-20k   two unrelated 20,000-character texts, to show what plain
            diff-match-patch does with its default 1 s timeout (delete all,
            insert all) — its no-timeout run took 151 s here, so it is not run

For each pair: ``monitor.diffing.diff_text`` (median of --repeat runs, with a
check that the ops rebuild both texts and how much is marked changed), plain
dmp character diff (default 1 s timeout) and ``git diff --no-index
--word-diff`` on the same texts as files.

    /work/venv/bin/python benchmarks/bench_diff.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diff_match_patch import diff_match_patch  # noqa: E402

from monitor.analysis.diffing import EQUAL, diff_text, new_text, old_text  # noqa: E402

_VOCABULARY = (
    "Pakistan Afghanistan Taliban Kabul Islamabad talks ceasefire border Torkham Chaman "
    "militants TTP attack soldiers police officials said minister defence foreign the a of "
    "to in and that was were on with for by from as at would could after before against "
    "government regime spokesman delegation Qatar Turkey Doha Istanbul trade trucks refugees "
    "deportation province Khyber Pakhtunkhwa Balochistan airstrike drone civilians killed "
    "wounded security forces operation cross-border agreement guarantees mediators week"
)
WORDS = _VOCABULARY.split()


def article(words: int, rng: random.Random) -> str:
    paragraphs, sentences, sentence = [], [], []
    for _ in range(words):
        sentence.append(rng.choice(WORDS))
        if len(sentence) >= rng.randint(12, 28):
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if len(sentences) >= rng.randint(2, 5):
                paragraphs.append(" ".join(sentences))
                sentences = []
    if sentence:
        sentences.append(" ".join(sentence) + ".")
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def scattered_edits(text: str, rng: random.Random, edits: int = 12) -> str:
    paragraphs = text.split("\n\n")
    for i in range(edits):
        p = rng.randrange(len(paragraphs))
        words = paragraphs[p].split(" ")
        if i == 0:
            del paragraphs[p]
        elif i == 1:
            paragraphs.insert(p, "A spokesman said 40 fighters had crossed the border overnight.")
        elif i % 3 == 0:
            words.insert(rng.randrange(len(words)), "Officials confirmed the report on Tuesday.")
            paragraphs[p] = " ".join(words)
        else:
            words[rng.randrange(len(words))] = rng.choice(["70", "ninety", "Mujahid", "denied"])
            paragraphs[p] = " ".join(words)
    return "\n\n".join(paragraphs)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def changed_share(ops: list[tuple[int, str]], old: str) -> float:
    return sum(len(t) for op, t in ops if op != EQUAL) / max(1, len(old) + len(new_text(ops)))


def git_word_diff(old: str, new: str, workdir: Path) -> float | None:
    if shutil.which("git") is None:
        return None
    a, b = workdir / "old.txt", workdir / "new.txt"
    a.write_text(old, encoding="utf-8")
    b.write_text(new, encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        ["git", "diff", "--no-index", "--word-diff", str(a), str(b)],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    base = article(10_000, rng)
    pairs = {
        "edited": (base, scattered_edits(base, rng)),
        "unrelated": (article(16_000, rng)[:100_000], article(16_000, rng)[:100_000]),
    }
    pairs["one-para"] = tuple(t.replace("\n\n", " ") for t in pairs["unrelated"])  # type: ignore[assignment]
    pairs["dmp-20k"] = (pairs["unrelated"][0][:20_000], pairs["unrelated"][1][:20_000])

    print(
        f"{'pair':10} {'chars':>8} {'monitor':>10} {'changed':>8} "
        f"{'dmp 1s-timeout':>15} {'dmp result':>18} {'git word-diff':>14}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, (old, new) in pairs.items():
            seconds, ops = timed(lambda o=old, n=new: diff_text(o, n), args.repeat)
            assert old_text(ops) == old and new_text(ops) == new, name  # type: ignore[arg-type]
            dmp = diff_match_patch()
            dmp.Diff_Timeout = 1.0
            start = time.perf_counter()
            char_ops = dmp.diff_main(old, new)
            dmp_seconds = time.perf_counter() - start
            degenerate = len([o for o in char_ops if o[0] != EQUAL]) <= 2 and len(char_ops) <= 3
            git = git_word_diff(old, new, Path(tmp))
            print(
                f"{name:10} {len(old):>8,} {seconds * 1000:>8.1f}ms "
                f"{changed_share(ops, old):>7.1%} "  # type: ignore[arg-type]
                f"{dmp_seconds * 1000:>13.0f}ms "
                f"{'DELETE ALL/INSERT ALL' if degenerate else f'{len(char_ops)} ops':>18} "
                f"{'-' if git is None else f'{git * 1000:.1f}ms':>14}"
            )
    print(
        "\nmonitor: median of",
        args.repeat,
        "runs; 'changed': share of characters marked",
        "removed or added (low for 'edited' means the diff found the dozen edits).",
    )


if __name__ == "__main__":
    main()
