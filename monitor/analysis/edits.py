"""What changed between two versions, named the way a reader cares about:
headline rewritten or only cosmetic (:mod:`monitor.wording`), quotations added /
removed / altered (:mod:`monitor.quotes`), figures changed
(:mod:`monitor.figures`), paragraphs added / removed / changed
(:mod:`monitor.paragraphs`), correction and update notices, byline and update
time, words added / removed -- and a severity (:mod:`monitor.severity`).

Both versions are read after the normalisation that decides a new version
(:mod:`monitor.textnorm`), so a stored version is never "identical" to the one
before it: a pair differing only in punctuation or case is named so.

:func:`compare` computes it from two version rows; :func:`record_pair` stores
the counts and the severity in the ``diffs`` table when a version is stored, so
"most edited", ``list --min-severity`` and the ``changes`` report are plain queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database  # noqa: F401

from monitor.analysis import diffing, figures, paragraphs, quotes, severity, wording
from monitor.analysis.diffing import DELETE, INSERT, Op
from monitor.text.normalise import normalise_text, normalise_title

quotations = quotes.quotations

NumberChange = figures.FigureChange


@dataclass
class Edits:
    title_old: str
    title_new: str
    words_added: int = 0
    words_removed: int = 0
    paragraphs_added: list[str] = field(default_factory=list)
    paragraphs_removed: list[str] = field(default_factory=list)
    paragraphs_changed: int = 0
    quotes_added: list[str] = field(default_factory=list)
    quotes_removed: list[str] = field(default_factory=list)
    quotes_altered: list[tuple[str, str]] = field(default_factory=list)
    numbers_changed: list[NumberChange] = field(default_factory=list)
    quote_edits: list[quotes.QuoteEdit] = field(default_factory=list)
    headline: wording.Wording = field(default_factory=lambda: wording.Wording(wording.UNCHANGED))
    text: wording.Wording = field(default_factory=lambda: wording.Wording(wording.UNCHANGED))
    correction_notice: bool = False
    update_notice: bool = False
    byline_old: str | None = None
    byline_new: str | None = None
    dateline_old: str | None = None
    dateline_new: str | None = None
    severity: str = ""
    severity_reason: str = ""

    @property
    def title_changed(self) -> bool:
        return self.title_old != self.title_new

    @property
    def headline_kind(self) -> str:
        return self.headline.kind

    @property
    def byline_changed(self) -> bool:
        return (self.byline_old or "") != (self.byline_new or "")

    @property
    def dateline_changed(self) -> bool:
        return bool(
            self.dateline_old and self.dateline_new and self.dateline_old != self.dateline_new
        )

    @property
    def any(self) -> bool:
        """Anything changed at all -- by the normalisation that decides a new
        version, so a stored version is never "identical" to the one before."""
        return bool(
            self.headline.kind != wording.UNCHANGED
            or self.text.kind != wording.UNCHANGED
            or self.byline_changed
            or self.dateline_changed
        )

    def stats(self) -> dict[str, Any]:
        """Counts only: what the ``diffs`` table and ``--stat`` show."""
        return {
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "paragraphs_added": len(self.paragraphs_added),
            "paragraphs_removed": len(self.paragraphs_removed),
            "paragraphs_changed": self.paragraphs_changed,
            "title_changed": self.title_changed,
            "quotes_added": len(self.quotes_added),
            "quotes_removed": len(self.quotes_removed),
            "quotes_altered": len(self.quotes_altered),
            "numbers_changed": len(self.numbers_changed),
            "headline_change": self.headline.kind,
            "correction_notice": self.correction_notice,
            "update_notice": self.update_notice,
            "byline_changed": self.byline_changed,
            "severity": self.severity or None,
        }

    def named(self) -> dict[str, Any]:
        """The edits themselves, for JSON output."""
        return {
            "severity": self.severity or None,
            "severity_reason": self.severity_reason or None,
            "headline": {
                "old": self.title_old,
                "new": self.title_new,
                "change": self.headline.describe(),
            }
            if self.title_changed
            else None,
            "text_change": self.text.describe(),
            "quotes": [q.as_dict() for q in self.quote_edits],
            "quotes_added": self.quotes_added,
            "quotes_removed": self.quotes_removed,
            "quotes_altered": [{"old": o, "new": n} for o, n in self.quotes_altered],
            "numbers_changed": [vars(n) for n in self.numbers_changed],
            "paragraphs_added": self.paragraphs_added,
            "paragraphs_removed": self.paragraphs_removed,
            "correction_notice": self.correction_notice,
            "update_notice": self.update_notice,
            "byline": {"old": self.byline_old, "new": self.byline_new}
            if self.byline_changed
            else None,
            "dateline": {"old": self.dateline_old, "new": self.dateline_new}
            if self.dateline_changed
            else None,
        }

    def summary(self) -> str:
        """One line, e.g. ``headline rewritten; 1 quote altered; numbers 60 → 70;
        paragraphs 1 added, 1 removed; +12 −9 words [substantive]``."""
        parts = []
        if self.headline.kind == wording.REWRITTEN:
            parts.append("headline rewritten")
        elif self.headline.kind == wording.COSMETIC:
            parts.append("headline: " + self.headline.describe())
        if self.correction_notice:
            parts.append("correction notice added")
        if self.update_notice:
            parts.append("update notice added")
        if self.byline_changed:
            parts.append("byline changed")
        if self.dateline_changed:
            parts.append("update time changed")
        for count, what in (
            (len(self.quotes_altered), "altered"),
            (len(self.quotes_added), "added"),
            (len(self.quotes_removed), "removed"),
        ):
            if count:
                parts.append(f"{count} quote{'s' * (count != 1)} {what}")
        if self.numbers_changed:
            shown = ", ".join(f"{n.old} → {n.new}" for n in self.numbers_changed[:3])
            more = len(self.numbers_changed) - 3
            parts.append(f"numbers {shown}" + (f" (+{more} more)" if more > 0 else ""))
        paragraphs = []
        if self.paragraphs_added:
            paragraphs.append(f"{len(self.paragraphs_added)} added")
        if self.paragraphs_removed:
            paragraphs.append(f"{len(self.paragraphs_removed)} removed")
        if self.paragraphs_changed:
            paragraphs.append(f"{self.paragraphs_changed} changed")
        if paragraphs:
            parts.append("paragraphs " + ", ".join(paragraphs))
        if self.words_added or self.words_removed:
            parts.append(f"+{self.words_added} −{self.words_removed} words")
        if self.text.kind == wording.COSMETIC:
            parts.append("text: " + self.text.describe())
        if not parts:
            return "no change"
        line = "; ".join(parts)
        return f"{line} [{self.severity}]" if self.severity else line


def quote_changes(old: str, new: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Quotations of a text (added, removed, altered as (old, new))."""
    found = quotes.changes(old, new)
    return (
        [q.text for q in found if q.kind == "added"],
        [q.text for q in found if q.kind == "removed"],
        [(q.old or "", q.text) for q in found if q.kind == "altered"],
    )


def edits_of(
    title_old: str,
    title_new: str,
    old: str,
    new: str,
    ops: list[Op],
    old_row: dict[str, Any] | None = None,
    new_row: dict[str, Any] | None = None,
) -> Edits:
    """Every named edit from (title, text) ``old`` to ``new``; the version rows,
    when given, add the byline and the update time."""
    title_old, title_new = normalise_title(title_old), normalise_title(title_new)
    if normalise_text(old) != old or normalise_text(new) != new:
        old, new = normalise_text(old), normalise_text(new)
        ops = diffing.diff_text(old, new)  # offsets must be those of the texts compared
    edits = Edits(title_old=title_old, title_new=title_new)
    edits.headline = wording.compare(title_old, title_new)
    edits.text = wording.compare(old, new, ops)
    edits.correction_notice, edits.update_notice = wording.notices(
        title_old + "\n\n" + old, title_new + "\n\n" + new
    )
    if old_row is not None and new_row is not None:
        edits.byline_old, edits.byline_new = old_row.get("byline"), new_row.get("byline")
        edits.dateline_old = old_row.get("published_at")
        edits.dateline_new = new_row.get("published_at")
    edits.words_added = sum(diffing.count_words(t) for op, t in ops if op == INSERT)
    edits.words_removed = sum(diffing.count_words(t) for op, t in ops if op == DELETE)
    found = paragraphs.changes(old, new)
    edits.paragraphs_added = found.added
    edits.paragraphs_removed = found.removed
    edits.paragraphs_changed = len(found.changed)
    edits.quote_edits = quotes.changes_in_article(title_old, title_new, old, new)
    edits.quotes_added = [q.text for q in edits.quote_edits if q.kind == "added"]
    edits.quotes_removed = [q.text for q in edits.quote_edits if q.kind == "removed"]
    edits.quotes_altered = [(q.old or "", q.text) for q in edits.quote_edits if q.kind == "altered"]
    edits.numbers_changed = figures.changes_in_article(title_old, title_new, old, new, ops)
    edits.severity, edits.severity_reason = severity.grade(edits, old, new)
    return edits


@dataclass
class Comparison:
    """Two versions of one article, diffed."""

    article_id: int
    old: dict[str, Any]  # version rows
    new: dict[str, Any]
    title_ops: list[Op]
    ops: list[Op]
    edits: Edits

    @property
    def identical(self) -> bool:
        return not self.edits.any


def compare(article_id: int, old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    old_title, new_title = old["title"] or "", new["title"] or ""
    old_body, new_body = old["text"] or "", new["text"] or ""
    ops = diffing.diff_text(old_body, new_body)
    return Comparison(
        article_id=article_id,
        old=old,
        new=new,
        title_ops=diffing.diff_words(old_title, new_title),
        ops=ops,
        edits=edits_of(old_title, new_title, old_body, new_body, ops, old, new),
    )


def pair_row(article_id: int, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The ``diffs`` row of (old version -> new version): counts, named edits, severity."""
    edits = compare(article_id, old, new).edits
    stats = edits.stats()
    return {
        "article_id": article_id,
        "from_number": old["number"],
        "to_number": new["number"],
        "observed_at": new["observed_at"],
        **{k: int(v) for k, v in stats.items() if isinstance(v, (bool, int))},
        "headline_change": edits.headline.kind,
        "severity": edits.severity,
        "severity_reason": edits.severity_reason,
        "title_old": edits.title_old if edits.title_changed else None,
        "title_new": edits.title_new if edits.title_changed else None,
        "summary": edits.summary(),
    }


def pairs(
    db: Database,
    article_id: int,
    from_number: int | None = None,
    to_number: int | None = None,
    every: bool = False,
) -> list[Comparison]:
    """The version pairs ``monitor diff`` shows.

    Default: the previous version against the latest. ``every``: each
    consecutive pair, oldest first. An article with one version has no pairs.
    """
    from monitor.store import queries

    article = queries.get_article(db, article_id)
    latest = article["current_version"]
    if every:
        numbers = [(n, n + 1) for n in range(1, latest)]
    elif from_number is None:
        numbers = [(latest - 1, latest)] if latest > 1 else []
    else:
        numbers = [(from_number, latest if to_number is None else to_number)]
    cache: dict[int, dict[str, Any]] = {}

    def version(number: int) -> dict[str, Any]:
        if number not in cache:
            cache[number] = queries.get_version(db, article_id, number)
        return cache[number]

    return [compare(article_id, version(a), version(b)) for a, b in numbers]
