"""``monitor reextract``: run the extractor again over the raw HTML kept with page
versions (``page_html``) and say what would change; with ``apply``, store the new
text as a version through :func:`monitor.ingest.store` (so the sighting rule,
suspect pages included, applies as to any fetched page).

Only the current version of each article is re-extracted: that is the text a new
version would follow. Articles stored before pages were kept have no HTML and are
reported as such when asked for by id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from monitor import ingest, suspect
from monitor.errors import InputError
from monitor.extract import extract_html
from monitor.store import page_html, queries
from monitor.text.normalise import normalise_text, normalise_title, word_count
from monitor.text.timeutil import now_iso
from monitor.types import Observation, Origin


@dataclass
class Reextracted:
    """What re-extracting one article's current page gives."""

    article_id: int
    version: int
    #: unchanged, changed, suspect, no-text, no-html (and with apply: stored, held)
    outcome: str
    words_before: int = 0
    words_after: int = 0
    kept: float = 1.0
    title_changed: bool = False
    byline_changed: bool = False
    note: str = ""
    stored_version: int | None = None


def reextract(
    db: Database, article_ids: list[int] | None, apply: bool = False
) -> list[Reextracted]:
    """Re-extract the stored pages of ``article_ids`` (all articles with one when
    ``None``); store the changed ones when ``apply``."""
    results: list[Reextracted] = []
    seen: set[int] = set()
    for page in list(page_html.current_pages(db, article_ids)):
        seen.add(page["article_id"])
        results.append(_one(db, page, apply))
    for article_id in article_ids or []:
        if article_id not in seen:
            queries.get_article(db, article_id)  # an unknown id is an error
            version = queries.get_version(db, article_id)
            results.append(
                Reextracted(
                    article_id,
                    version["number"],
                    "no-html",
                    words_before=version["words"],
                    note="no stored HTML (not from a page, or stored before pages were kept)",
                )
            )
    return sorted(results, key=lambda r: r.article_id)


def _one(db: Database, page: dict, apply: bool) -> Reextracted:
    before = word_count(page["text"])
    base = Reextracted(page["article_id"], page["number"], "unchanged", before, before)
    try:
        extracted = extract_html(page["html"], url=page["page_url"] or page["url"])
    except InputError as exc:
        base.outcome, base.note = "no-text", str(exc)
        return base
    if extracted is None:
        base.outcome, base.note = "no-text", "the extractor finds no article text now"
        return base
    title = normalise_title(extracted.title or page["title"])
    text = normalise_text(extracted.text)
    base.words_after = word_count(text)
    base.kept = suspect.kept_share(page["text"], text)
    base.title_changed = title != page["title"]
    base.byline_changed = not ingest.same_byline(page["byline"], extracted.byline)
    if text == page["text"] and not base.title_changed and not base.byline_changed:
        return base
    verdict = suspect.judge(page["text"], text, previous_title=page["title"], new_title=title)
    base.outcome = "suspect" if verdict else "changed"
    base.note = verdict.reason if verdict else ""
    if apply:
        obs = Observation(
            title=title,
            text=text,
            origin=Origin.PAGE,
            url=page["url"],
            byline=extracted.byline,
            observed_at=now_iso(),
            canonical=extracted.url,
            html=page["html"],
        )
        result = ingest.store(db, obs)
        base.outcome = {"updated": "stored", "suspect": "held"}.get(result.status, base.outcome)
        if result.status == "updated":
            base.stored_version = result.version
    return base
