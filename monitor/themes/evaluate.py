"""Measure a story against hand labels: per-theme precision/recall/F1 and the rule's.

A labelled CSV has a header row and the columns ``title``, ``text`` or
``summary``, ``themes`` (theme slugs separated by ``;``, empty for none) and
optionally ``relevant`` (``yes`` / ``borderline`` / ``no``), ``id``, ``url`` or
``link``, ``date``, ``outlet``; other columns are ignored.

Nothing is stored: every item is judged in memory. The story's rule is scored
on every item that has a ``relevant`` label, and its taxonomy is applied to
every item, whatever the rule says (so themes are judged apart from the rule).

* themes: per theme true/false positives and misses, precision, recall, F1; the
  micro averages over all (item, theme) pairs; the share of items carrying at
  least one theme label that got at least one theme;
* rule: recall on ``relevant=yes`` and precision counting ``borderline`` as
  relevant (so "borderline" counts both ways: it need not be caught, and it is
  no false positive when it is).

Misses and false positives keep their evidence: the matched terms, a snippet
and, for a miss, how far the theme fell short (score, threshold, reason).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError

if TYPE_CHECKING:
    from sqlite_utils import Database
from monitor.themes import tagger as tagging
from monitor.themes.stories import Story
from monitor.themes.taxonomy import ThemeScore

RELEVANT_VALUES = ("yes", "borderline", "no")
_MAX_FIELD = 1_000_000


@dataclass(frozen=True)
class LabelledItem:
    origin: str  # "file:line"
    id: str
    title: str
    text: str
    themes: frozenset[str]
    relevant: str | None = None
    url: str = ""
    date: str = ""
    outlet: str = ""

    @property
    def document(self) -> str:
        return tagging.document(self.title, self.text)


def read_labels(path: Path) -> list[LabelledItem]:
    """The labelled items of one CSV file; a bad file raises InputError naming file and line."""
    if not path.exists():
        raise InputError(f"{path}: no such file; give a labelled CSV file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a labelled CSV file")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from exc
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(raw.splitlines(keepends=True))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot read the CSV header ({exc})") from exc
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path}: empty; expected a header row with title, summary, themes")
    names = [h.strip().lower() for h in header]
    column = {name: i for i, name in reversed(list(enumerate(names)))}
    text_key = "text" if "text" in column else "summary" if "summary" in column else None
    missing = [
        k for k, ok in (("title", "title" in column), ("themes", "themes" in column)) if not ok
    ]
    if text_key is None:
        missing.append("text or summary")
    if missing:
        raise InputError(
            f"{path}:1: missing column {', '.join(repr(m) for m in missing)} "
            f"(the header has {', '.join(n for n in names if n) or 'nothing'})"
        )
    assert text_key is not None
    url_key = "url" if "url" in column else "link" if "link" in column else None
    items: list[LabelledItem] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise InputError(f"{path}:{start}: not valid CSV ({exc})") from exc
        if row is None:
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}:{start}"
        if len(row) != len(names):
            raise InputError(
                f"{where}: {len(row)} fields where the header has {len(names)}; "
                "quote fields that contain commas"
            )

        def get(key: str | None, row: list[str] = row) -> str:
            return row[column[key]].strip() if key is not None and key in column else ""

        title = get("title")
        text = get(text_key)
        if not title and not text:
            raise InputError(f"{where}: empty title and {text_key}")
        relevant: str | None = get("relevant").lower() or None
        if relevant is not None and relevant not in RELEVANT_VALUES:
            raise InputError(
                f"{where}: relevant {relevant!r} is not one of {', '.join(RELEVANT_VALUES)}"
            )
        themes = frozenset(t.strip() for t in get("themes").split(";") if t.strip())
        items.append(
            LabelledItem(
                origin=where,
                id=get("id") or where,
                title=title,
                text=text,
                themes=themes,
                relevant=relevant,
                url=get(url_key),
                date=get("date"),
                outlet=get("outlet"),
            )
        )
    return items


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None or p + r == 0:
        return None if p is None or r is None else 0.0
    return round(2 * p * r / (p + r), 3)


@dataclass
class Case:
    """One miss or false positive, with what the engine saw."""

    item: LabelledItem
    kind: str  # "miss" | "false positive"
    theme: str  # theme slug, or "rule"
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "theme": self.theme,
            "id": self.item.id,
            "where": self.item.origin,
            "title": self.item.title,
            "labels": sorted(self.item.themes),
            "relevant": self.item.relevant,
            "evidence": self.evidence,
        }


@dataclass
class ThemeStats:
    theme: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    def as_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "labelled": self.labelled,
            "tagged": self.tp + self.fp,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class RuleStats:
    yes: int = 0  # items labelled relevant=yes
    yes_matched: int = 0
    borderline: int = 0
    borderline_matched: int = 0
    no: int = 0
    no_matched: int = 0

    @property
    def matched(self) -> int:
        return self.yes_matched + self.borderline_matched + self.no_matched

    @property
    def recall(self) -> float | None:
        """Share of relevant=yes items the rule keeps."""
        return _ratio(self.yes_matched, self.yes)

    @property
    def precision(self) -> float | None:
        """Share of kept items labelled yes or borderline."""
        return _ratio(self.yes_matched + self.borderline_matched, self.matched)

    def as_dict(self) -> dict[str, Any]:
        return {
            "labelled": self.yes + self.borderline + self.no,
            "yes": self.yes,
            "borderline": self.borderline,
            "no": self.no,
            "matched_yes": self.yes_matched,
            "matched_borderline": self.borderline_matched,
            "matched_no": self.no_matched,
            "recall": self.recall,
            "borderline_recall": _ratio(self.borderline_matched, self.borderline),
            "precision": self.precision,
            "precision_yes_only": _ratio(self.yes_matched, self.matched),
        }


@dataclass
class Evaluation:
    story: str
    items: int
    themes: dict[str, ThemeStats]
    rule: RuleStats | None
    labelled_items: int  # items with at least one theme label
    labelled_covered: int  # ... of which got at least one theme
    cases: list[Case] = field(default_factory=list)
    unknown_themes: list[str] = field(default_factory=list)

    @property
    def micro(self) -> ThemeStats:
        total = ThemeStats("(micro)")
        for s in self.themes.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    @property
    def coverage(self) -> float | None:
        return _ratio(self.labelled_covered, self.labelled_items)

    def misses(self, kind: str, theme: str | None = None) -> list[Case]:
        return [c for c in self.cases if c.kind == kind and (theme is None or c.theme == theme)]

    def as_dict(self, cases: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "story": self.story,
            "items": self.items,
            "themes": [s.as_dict() for s in self.themes.values()],
            "micro": self.micro.as_dict(),
            "labelled_items": self.labelled_items,
            "labelled_items_with_a_theme": self.labelled_covered,
            "coverage": self.coverage,
            "rule": self.rule.as_dict() if self.rule is not None else None,
            "unknown_themes": self.unknown_themes,
        }
        out["cases"] = [c.as_dict() for c in limit_cases(self.cases, cases)]
        return out


def limit_cases(cases: Sequence[Case], per_group: int | None) -> list[Case]:
    """At most ``per_group`` cases for each (theme, kind); all when None."""
    if per_group is None:
        return list(cases)
    seen: dict[tuple[str, str], int] = {}
    kept: list[Case] = []
    for case in cases:
        key = (case.theme, case.kind)
        if seen.get(key, 0) < per_group:
            seen[key] = seen.get(key, 0) + 1
            kept.append(case)
    return kept


def _score_evidence(score: ThemeScore | None) -> dict[str, Any]:
    if score is None:
        return {"terms": {}, "score": 0.0, "reason": "no term of the theme occurs"}
    return score.as_dict()


def evaluate(items: Iterable[LabelledItem], story: Story) -> Evaluation:
    """Judge ``story``'s rule and taxonomy on ``items``; touches no database."""
    tagger = tagging.tagger_for(story)
    slugs = [t.slug for t in tagger.parsed]
    stats = {slug: ThemeStats(slug) for slug in slugs}
    rule = RuleStats() if tagger.rule is not None else None
    cases: list[Case] = []
    unknown: set[str] = set()
    count = labelled = covered = 0
    for item in items:
        count += 1
        doc = item.document
        unknown |= item.themes - set(slugs)
        for slug in item.themes - set(stats):
            stats[slug] = ThemeStats(slug)
        got = {hit.theme for hit in tagger.tag(doc)} if tagger.has_themes else set()
        if item.themes:
            labelled += 1
            covered += bool(got)
        wrong = (got - item.themes) | (item.themes - got)
        scores = (
            {s.theme: s for s in tagger.taxonomy.explain(doc)}
            if wrong and tagger.has_themes
            else {}
        )
        for slug in sorted(got | item.themes):
            s = stats[slug]
            if slug in got and slug in item.themes:
                s.tp += 1
            elif slug in got:
                s.fp += 1
                cases.append(Case(item, "false positive", slug, _score_evidence(scores.get(slug))))
            else:
                s.fn += 1
                cases.append(Case(item, "miss", slug, _score_evidence(scores.get(slug))))
        if rule is not None and tagger.rule is not None and item.relevant is not None:
            kept = tagger.rule.matches(doc)
            if item.relevant == "yes":
                rule.yes += 1
                rule.yes_matched += kept
            elif item.relevant == "borderline":
                rule.borderline += 1
                rule.borderline_matched += kept
            else:
                rule.no += 1
                rule.no_matched += kept
            if (item.relevant == "yes" and not kept) or (item.relevant == "no" and kept):
                cases.append(
                    Case(
                        item,
                        "miss" if item.relevant == "yes" else "false positive",
                        "rule",
                        {"terms": tagger.rule.found(doc), "matched": kept},
                    )
                )
    ordered = {slug: stats[slug] for slug in [*slugs, *sorted(set(stats) - set(slugs))]}
    return Evaluation(
        story=story.slug,
        items=count,
        themes=ordered,
        rule=rule,
        labelled_items=labelled,
        labelled_covered=covered,
        cases=cases,
        unknown_themes=sorted(unknown),
    )


def evaluate_files(paths: Sequence[Path], story: Story) -> Evaluation:
    items: list[LabelledItem] = []
    for path in paths:
        items += read_labels(path)
    return evaluate(items, story)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table_rows(result: Evaluation) -> list[dict[str, Any]]:
    """The per-theme table plus the micro average, as display rows."""
    rows = []
    for s in [*result.themes.values(), result.micro]:
        rows.append(
            {
                "theme": s.theme,
                "labelled": s.labelled,
                "tagged": s.tp + s.fp,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": _fmt(s.precision),
                "recall": _fmt(s.recall),
                "f1": _fmt(s.f1),
            }
        )
    return rows


def summary_lines(result: Evaluation) -> list[str]:
    micro = result.micro
    lines = [
        f"story {result.story}: {result.items} items",
        f"themes (micro): precision {_fmt(micro.precision)} recall {_fmt(micro.recall)} "
        f"F1 {_fmt(micro.f1)}",
        f"items with a theme label that got a theme: {result.labelled_covered}/"
        f"{result.labelled_items} ({_fmt(result.coverage)})",
    ]
    if result.rule is not None:
        r = result.rule
        lines.append(
            f"rule: recall {_fmt(r.recall)} on relevant=yes ({r.yes_matched}/{r.yes}), "
            f"precision {_fmt(r.precision)} counting borderline as relevant "
            f"(kept {r.matched}: {r.yes_matched} yes, {r.borderline_matched} borderline, "
            f"{r.no_matched} no; borderline kept {r.borderline_matched}/{r.borderline})"
        )
    else:
        lines.append("rule: the story has no rule")
    if result.unknown_themes:
        lines.append(f"labels not in the taxonomy: {', '.join(result.unknown_themes)}")
    return lines


def case_line(case: Case) -> str:
    ev = case.evidence
    terms = ev.get("terms") or {}
    shown = (
        ", ".join(f"{t}×{n}" if n > 1 else t for t, n in terms.items())
        if isinstance(terms, dict)
        else ", ".join(terms)
    )
    detail = f"terms: {shown or 'none'}"
    if case.theme != "rule" and ev.get("threshold") is not None:
        detail += f"; score {ev['score']}/{ev['threshold']}"
        if ev.get("reason"):
            detail += f" ({ev['reason']})"
    elif case.theme != "rule" and ev.get("reason"):
        detail += f" ({ev['reason']})"
    title = case.item.title if len(case.item.title) <= 90 else case.item.title[:89] + "…"
    return f"  {case.item.id}: {title}\n      {detail}"


def story_for_eval(value: str | None, db: Database | None = None) -> Story:
    """The story ``themes eval`` judges: a .toml file, a built-in slug, or (with ``db``) a
    stored story; the built-in one when there is only one and none is named."""
    from monitor.themes import stories

    builtin = stories.builtin_stories()
    if value is None:
        if len(builtin) == 1:
            return next(iter(builtin.values()))
        raise InputError("give --story SLUG or --story FILE.toml")
    path = Path(value)
    if value.endswith(".toml") or path.is_file():
        return stories.read_story_file(path)
    if value in builtin:
        return builtin[value]
    if db is not None:
        return stories.get_story(db, value)
    raise InputError(f"story {value!r}: not built in; give its .toml file with --story FILE")
