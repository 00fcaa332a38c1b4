"""How far the named edits can be trusted, scored against hand-labelled pairs.

Reads ``../shared/dev/revisions`` (relative to the repository root): each
labelled row of ``labels.csv`` names one pair of versions of one news item
(``v*.txt``: line 1 the title, a blank line, then the description). Every
pair is compared with :func:`monitor.edits.compare` and scored per kind:

  headline     rewritten / cosmetic / unchanged: accuracy and per-class P/R
  quotes       added / removed / altered entries per field, matched by text
  numbers      changed figures (old → new), matched by value or wording
  paragraphs   changed / added / removed counts: exact agreement
  correction   correction notice added: P/R
  severity     cosmetic / minor / substantive / major: agreement

Polish dash-quoted speech (``- Text - mówi X``) is not looked for and is
left out of quote recall (counted apart). Run by hand:

    python benchmarks/bench_edits.py [--show numbers|quotes|paragraphs|headline|severity]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.analysis import edits as edits_mod  # noqa: E402
from monitor.text.normalise import normalise_text, normalise_title  # noqa: E402

DEV = ROOT / ".." / "shared" / "dev" / "revisions"
LEVELS = ("cosmetic", "minor", "substantive", "major")


def read_version(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    # stored the way ingest stores a version
    return normalise_title(lines[0]), normalise_text("\n".join(lines[2:]))


def version(number: int, title: str, text: str) -> dict[str, Any]:
    return {
        "number": number,
        "observed_at": f"2026-01-0{number}T00:00:00Z",
        "title": title,
        "text": text,
        "byline": None,
        "published_at": None,
    }


# --- label parsing ---------------------------------------------------------

_ENTRY = re.compile(r"^(added|removed|altered) \[(title|description)\] (.*)$", re.S)
_QUOTED = re.compile(r'"(.*?)"(?=\s*(?:→|\(|$|\|))', re.S)


def label_quotes(cell: str) -> list[tuple[str, str, str, str]]:
    """(kind, field, text, flag) per labelled quote entry; flag marks dash/block quotes."""
    if cell.strip() == "none":
        return []
    out = []
    for entry in cell.split(" | "):
        m = _ENTRY.match(entry.strip())
        if not m:
            continue
        kind, where, rest = m.groups()
        flag = (
            "dash" if "(dash-quoted speech)" in rest else "block" if "(block quote)" in rest else ""
        )
        texts = _QUOTED.findall(rest)
        text = texts[-1] if texts else rest
        out.append((kind, where, text, flag))
    return out


def label_numbers(cell: str) -> list[tuple[str, str, str]]:
    if cell.strip() == "none":
        return []
    out = []
    for entry in cell.split(" | "):
        thing, _, change = entry.rpartition(": ")
        old, _, new = change.partition(" → ")
        out.append((thing, old, new))
    return out


def _norm(text: str) -> str:
    text = re.sub(r"\[[^\]]*\]", " ", text)  # labeller's glosses
    return " ".join(re.findall(r"\w+", text.lower()))


def _digits(text: str) -> set[str]:
    text = re.sub(r"\[[^\]]*\]", " ", text)
    return {d.replace(",", "").rstrip(".") for d in re.findall(r"\d[\d,.]*", text)}


def _side_matches(predicted: str, labelled: str) -> bool:
    pd, ld = _digits(predicted), _digits(labelled)
    if pd and ld:
        return bool(pd & ld)
    p, lab = _norm(predicted), _norm(labelled)
    if not p or not lab:
        return False
    return p in lab or lab in p or bool(set(p.split()) & set(lab.split()) - {"the", "a", "of"})


def _quote_matches(predicted: str, labelled: str) -> bool:
    p, lab = _norm(predicted), _norm(labelled.replace("...", " ").replace("…", " "))
    if not p or not lab:
        return False
    return p == lab or (min(len(p), len(lab)) >= 12 and (p in lab or lab in p))


# --- predictions (tolerant of the older Edits API) --------------------------


def predicted_headline(e: Any) -> str:
    kind = getattr(e, "headline_kind", None)
    if kind is not None:
        return {"rewritten": "yes", "cosmetic": "cosmetic", "unchanged": "no"}.get(kind, kind)
    return "yes" if e.title_changed else "no"


def predicted_quotes(e: Any) -> list[tuple[str, str, str]]:
    if hasattr(e, "quote_edits"):
        return [
            (q.kind, "description" if q.field == "text" else q.field, q.text) for q in e.quote_edits
        ]
    out = [("added", "description", q) for q in e.quotes_added]
    out += [("removed", "description", q) for q in e.quotes_removed]
    out += [("altered", "description", f"{o} → {n}") for o, n in e.quotes_altered]
    return out


def predicted_paragraphs(e: Any) -> tuple[int, int, int]:
    return (e.paragraphs_changed, len(e.paragraphs_added), len(e.paragraphs_removed))


def pr(tp: int, npred: int, nlab: int) -> str:
    p = tp / npred if npred else float("nan")
    r = tp / nlab if nlab else float("nan")
    return f"P {p:.3f} ({tp}/{npred})  R {r:.3f} ({tp}/{nlab})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", help="print the mismatches of one kind")
    args = parser.parse_args()
    labels = DEV / "labels.csv"
    if not labels.exists():
        print(f"skipped: no labelled revisions at {DEV.resolve()}", file=sys.stderr)
        return 0
    rows = list(csv.DictReader(labels.open(encoding="utf-8")))
    head = Counter[tuple[str, str]]()
    q_tp = q_pred = q_lab = q_skipped = 0
    n_tp = n_pred = n_lab = 0
    para_ok = 0
    corr = Counter[str]()
    sev = Counter[tuple[str, str]]()
    for row in rows:
        item = DEV / "items" / row["item"]
        t1, d1 = read_version(item / f"{row['from']}.txt")
        t2, d2 = read_version(item / f"{row['to']}.txt")
        cmp = edits_mod.compare(1, version(1, t1, d1), version(2, t2, d2))
        e = cmp.edits
        name = f"{row['item']} {row['from']}→{row['to']}"

        hl = predicted_headline(e)
        head[(row["headline_rewritten"], hl)] += 1
        if args.show == "headline" and hl != row["headline_rewritten"]:
            print(f"HEADLINE {name}: label {row['headline_rewritten']} got {hl}\n  {t1}\n  {t2}")

        # quotes
        labelled = label_quotes(row["quotes"])
        q_skipped += sum(1 for *_, flag in labelled if flag == "dash")
        labelled = [lq for lq in labelled if lq[3] != "dash"]
        preds = predicted_quotes(e)
        used: set[int] = set()
        matched_preds = 0
        for kind, where, text in preds:
            for i, (lk, lw, lt, _) in enumerate(labelled):
                if i in used or lk != kind or lw != where:
                    continue
                ok = (
                    _quote_matches(text.split(" → ")[-1], lt)
                    if kind != "altered"
                    else _quote_matches(text.split(" → ")[-1], lt) or _quote_matches(text, lt)
                )
                if ok:
                    used.add(i)
                    matched_preds += 1
                    break
            else:
                if args.show == "quotes":
                    print(f"QUOTE FP {name}: {kind} [{where}] {text!r}")
        if args.show == "quotes":
            for i, lq in enumerate(labelled):
                if i not in used:
                    print(f"QUOTE FN {name}: {lq[0]} [{lq[1]}] {lq[2]!r}")
        q_tp += matched_preds
        q_pred += len(preds)
        q_lab += len(labelled)

        # numbers
        lnums = label_numbers(row["numbers"])
        pnums = list(getattr(e, "numbers_changed", []))
        nused: set[int] = set()
        for change in pnums:
            for i, (_, lo, ln) in enumerate(lnums):
                if i in nused:
                    continue
                if _side_matches(change.old, lo) and _side_matches(change.new, ln):
                    nused.add(i)
                    n_tp += 1
                    break
            else:
                if args.show == "numbers":
                    print(f"NUMBER FP {name}: {change.old} → {change.new}  ({change.context})")
        if args.show == "numbers":
            for i, (thing, lo, ln) in enumerate(lnums):
                if i not in nused:
                    print(f"NUMBER FN {name}: {thing}: {lo} → {ln}")
        n_pred += len(pnums)
        n_lab += len(lnums)

        # paragraphs
        m = re.match(r"changed=(\d+) added=(\d+) removed=(\d+)", row["paragraphs"])
        assert m, row["paragraphs"]
        want = tuple(int(x) for x in m.groups())
        got = predicted_paragraphs(e)
        para_ok += got == want
        if args.show == "paragraphs" and got != want:
            print(f"PARAGRAPHS {name}: label {want} got {got}")

        # correction notice
        pc = "yes" if getattr(e, "correction_notice", None) else "no"
        corr[(row["correction_notice"], pc)] += 1

        # severity
        level = row["severity"].split(":", 1)[0].strip()
        got_level = getattr(e, "severity", None) or "-"
        sev[(level, got_level)] += 1
        if args.show == "severity" and got_level != level:
            print(f"SEVERITY {name}: label {row['severity'][:90]} got {got_level}")
            print(f"  {e.summary()}  [{getattr(e, 'severity_reason', '')}]")

    n = len(rows)
    print(f"labelled pairs: {n}")
    print("kind          score")
    acc = sum(v for (a, b), v in head.items() if a == b)
    print(f"headline      accuracy {acc / n:.3f} ({acc}/{n})")
    for cls in ("yes", "cosmetic", "no"):
        tp = head[(cls, cls)]
        npred = sum(v for (_, b), v in head.items() if b == cls)
        nlab = sum(v for (a, _), v in head.items() if a == cls)
        print(f"  {cls:<10}  {pr(tp, npred, nlab)}")
    print(f"quotes        {pr(q_tp, q_pred, q_lab)}  (dash-quoted speech left out: {q_skipped})")
    print(f"numbers       {pr(n_tp, n_pred, n_lab)}")
    print(f"paragraphs    agreement {para_ok / n:.3f} ({para_ok}/{n})")
    print(
        f"correction    {pr(corr[('yes', 'yes')], corr[('yes', 'yes')] + corr[('no', 'yes')], corr[('yes', 'yes')] + corr[('yes', 'no')])}"
    )
    sacc = sum(v for (a, b), v in sev.items() if a == b)
    print(f"severity      agreement {sacc / n:.3f} ({sacc}/{n})")
    for cls in LEVELS:
        tp = sev[(cls, cls)]
        npred = sum(v for (_, b), v in sev.items() if b == cls)
        nlab = sum(v for (a, _), v in sev.items() if a == cls)
        print(f"  {cls:<11} {pr(tp, npred, nlab)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
