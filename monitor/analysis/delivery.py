"""What gets delivered: one item per version observed in a window (version 1 is a
new article, version N an edit N-1 -> N), each self-contained (URL, outlet,
published date, the command to see it) with its named edits and severity.

The Atom feed of edits and ``monitor notify`` read items from here; the
``changes`` digest reads the article metadata and severities.

Severity: :func:`severity_of` is the one place that decides it. It uses the
``severity`` of a ``diffs`` row when the edits stage has recorded one, else the
interim rule: a headline, quote or number edit is *substantive*, any other
change of words *minor*, nothing else *cosmetic*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.analysis.diffing import DELETE, EQUAL
from monitor.store.db import select

if TYPE_CHECKING:
    from sqlite_utils import Database

    from monitor.analysis.edits import Comparison

#: severities, least first
LEVELS = ("cosmetic", "minor", "substantive", "major")
_META = "a.id, a.url, a.source, a.story, a.published_at, a.first_seen_at, a.dated_at"


def severity_of(pair: dict[str, Any]) -> str:
    """The severity of one version pair (a ``diffs`` row)."""
    stored = pair.get("severity")
    if stored in LEVELS:
        return str(stored)
    if pair.get("title_changed") or any(
        pair.get(k) for k in ("quotes_added", "quotes_removed", "quotes_altered", "numbers_changed")
    ):
        return "substantive"
    if any(
        pair.get(k)
        for k in (
            "words_added",
            "words_removed",
            "paragraphs_added",
            "paragraphs_removed",
            "paragraphs_changed",
        )
    ):
        return "minor"
    return "cosmetic"


def rank(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def highest(levels: Iterable[str]) -> str | None:
    found = [lv for lv in levels if lv in LEVELS]
    return max(found, key=LEVELS.index) if found else None


def article_meta(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """URL, outlet, story, published and first-seen dates of articles, by id."""
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in select(db, f"select {_META} from articles a where a.id in ({marks})", chunk):
            out[row["id"]] = row
    return out


def pair_rows(db: Database, article_id: int, first: int, last: int) -> list[dict[str, Any]]:
    """The ``diffs`` rows of the consecutive pairs first -> ... -> last of an article."""
    return select(
        db,
        """select * from diffs where article_id = ? and from_number >= ? and to_number <= ?
           and to_number = from_number + 1 order by to_number""",
        [article_id, first, last],
    )


def version_items(
    db: Database, since: str, until: str, story: str | None = None
) -> list[dict[str, Any]]:
    """One item per version observed in [since, until], oldest first."""
    member = "select 1 from article_stories m where m.article_id = a.id and m.story = ?"
    clause, params = (f" and exists ({member})", [story]) if story else ("", [])
    rows = select(
        db,
        f"""select {_META}, v.number, v.observed_at, v.title,
                   (select o.title from versions o where o.article_id = v.article_id
                     and o.number = v.number - 1) as title_old,
                   d.title_changed, d.words_added, d.words_removed, d.paragraphs_added,
                   d.paragraphs_removed, d.paragraphs_changed, d.quotes_added,
                   d.quotes_removed, d.quotes_altered, d.numbers_changed, d.summary,
                   d.id as diff_id
            from versions v join articles a on a.id = v.article_id
            left join diffs d on d.article_id = v.article_id and d.to_number = v.number
                 and d.from_number = v.number - 1
            where v.observed_at between ? and ?{clause}
            order by v.observed_at, v.id""",
        [since, until, *params],
    )
    severities = _stored_severities(db, [r["diff_id"] for r in rows if r["diff_id"]])
    items = []
    for r in rows:
        new = r["number"] == 1
        if r["diff_id"] in severities:
            r["severity"] = severities[r["diff_id"]]
        items.append(
            {
                "kind": "new" if new else "edit",
                "key": f"a{r['id']}v{r['number']}",
                "article_id": r["id"],
                "from_version": None if new else r["number"] - 1,
                "version": r["number"],
                "observed_at": r["observed_at"],
                "title": r["title"],
                "title_old": None if new else r["title_old"],
                "url": r["url"],
                "source": r["source"],
                "story": r["story"],
                "published_at": r["published_at"],
                "first_seen_at": r["first_seen_at"],
                "severity": None if new else severity_of(r),
                "summary": "new article" if new else (r["summary"] or ""),
                "command": f"monitor show {r['id']}"
                if new
                else f"monitor diff {r['id']} {r['number'] - 1} {r['number']}",
            }
        )
    return items


def _stored_severities(db: Database, diff_ids: list[int]) -> dict[int, str]:
    """The ``severity`` the edits stage recorded, where the column exists."""
    columns = {c[1] for c in db.execute("pragma table_info(diffs)")}
    if "severity" not in columns or not diff_ids:
        return {}
    out: dict[int, str] = {}
    for i in range(0, len(diff_ids), 500):
        chunk = diff_ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for did, sev in db.execute(
            f"select id, severity from diffs where id in ({marks})", chunk
        ).fetchall():
            if sev:
                out[did] = sev
    return out


def comparison(db: Database, item: dict[str, Any]) -> Comparison | None:
    """The diff of an edit item (None for a new article)."""
    if item["kind"] != "edit":
        return None
    from monitor.analysis import edits

    return edits.pairs(db, item["article_id"], item["from_version"], item["version"])[0]


@dataclass
class Passage:
    """One changed passage: a few words of context around old -> new."""

    before: str
    old: str
    new: str
    after: str


def _words(text: str, count: int, tail: bool) -> str:
    words = text.split()
    picked = words[-count:] if tail else words[:count]
    more = len(words) > count
    joined = " ".join(picked)
    return ("… " + joined if tail else joined + " …") if more else joined


def passages(cmp: Comparison, limit: int = 5, context: int = 6, width: int = 300) -> list[Passage]:
    """The changed passages of the body, compact: each run of removed/added text with
    ``context`` words either side, at most ``limit`` passages, each side cut at ``width``."""
    out: list[Passage] = []
    ops = list(cmp.ops)
    i = 0
    while i < len(ops) and len(out) < limit:
        if ops[i][0] == EQUAL:
            i += 1
            continue
        before = ops[i - 1][1].split("\n\n")[-1] if i and ops[i - 1][0] == EQUAL else ""
        old: list[str] = []
        new: list[str] = []
        while i < len(ops) and ops[i][0] != EQUAL:
            (old if ops[i][0] == DELETE else new).append(ops[i][1])
            i += 1
        after = ops[i][1].split("\n\n")[0] if i < len(ops) else ""
        out.append(
            Passage(
                _words(before, context, tail=True),
                _cut(" ".join("".join(old).split()), width),
                _cut(" ".join("".join(new).split()), width),
                _words(after, context, tail=False),
            )
        )
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
