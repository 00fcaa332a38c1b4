"""An observation of an article -> a new article, a new version, or a sighting.

Identity: the normalised URL; else the feed GUID; else a content key (a hash of
the normalised title and text), so the same text added twice is one article.

What a sighting does is decided by :func:`decide`, a pure function of the stored
article, its current version and the observation:

* no stored article: a **new** article, version 1;
* a feed sighting of an article whose current version did not come from that
  same feed (a page, a file, another feed's summary): only **seen** (a summary
  never replaces a fuller text; two feeds never flip an article back and forth);
  when a page version's headline differs, the page is due for a recheck;
* the same normalised title and text as the current version, and (for a page,
  file or standard-input sighting that names one) the same byline: **unchanged**
  (whitespace and Unicode composition do not count, nor the case and spacing of
  the byline; a page whose extractor found no byline does not remove one);
* a fetched page that differs and looks like a paywall, consent wall, error page
  or a failed extraction (:func:`monitor.suspect.judge`): a **suspect**
  observation, recorded in ``suspects`` and not a version; once the loss has
  persisted (:func:`monitor.suspect.confirmed`: two suspect checks in a row over
  at least six hours) it is stored as a version whose pair is graded a major cut;
  a page that comes back unchanged closes its suspect observations as transient;
* otherwise an **updated** article: version N+1.

Identity: the page's ``rel=canonical`` / ``og:url`` when it gives one, else the
normalised URL; else the feed GUID; else the content key. Other identities of an
article are kept as aliases (the URL a page was reached by, the content key of a
page or file), so one article reached by three URLs, or by a file and a URL, is
stored once.

:func:`store` applies the decision in one transaction and derives the new
version's data (:mod:`monitor.derive`). When it is not called inside a caller's
transaction, the edits of the new pair (a diff that can be long) are computed
before the write transaction starts, from the current version read before it;
inside the transaction the current version is checked to be the same one, else
the pair is computed there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from monitor import derive, suspect
from monitor.errors import InputError
from monitor.store import articles, backfills, diffs, memberships, page_html
from monitor.store import suspects as suspectstore
from monitor.text.normalise import normalise_text, normalise_title, word_count
from monitor.text.timeutil import now_iso
from monitor.text.urls import looks_like_url, normalise_url
from monitor.types import Article, Entry, Extracted, IngestStatus, Observation, Origin, Version


@dataclass
class IngestResult:
    article_id: int
    version: int
    status: str  # an IngestStatus value: new, updated, unchanged, seen, suspect
    previous_version: int | None = None
    #: why a page was recorded as suspect, or why a stored version is a major cut
    suspect: suspect.Verdict | None = None

    @property
    def stored(self) -> bool:
        return self.status in (IngestStatus.NEW, IngestStatus.UPDATED)


@dataclass(frozen=True)
class Decision:
    """What to do with one sighting: the action and the article columns to set."""

    action: IngestStatus
    updates: dict[str, Any] = field(default_factory=dict)
    #: SUSPECT: why; UPDATED: the persistent loss this version is (a major cut)
    suspect: suspect.Verdict | None = None

    @property
    def cut(self) -> bool:
        return self.action == IngestStatus.UPDATED and self.suspect is not None


#: origins whose byline is part of what "changed" means (a feed's author field is not)
BYLINE_ORIGINS = frozenset({Origin.PAGE, Origin.FILE, Origin.STDIN})


def same_byline(old: str | None, new: str | None) -> bool:
    """Whether a sighting's byline ``new`` leaves ``old`` as it is: the same up to case
    and spacing, or none found (an extractor that missed it removes nothing)."""
    if not new or not new.strip():
        return True
    return " ".join(new.split()).casefold() == " ".join((old or "").split()).casefold()


def decide(
    article: Article | None,
    current: Version | None,
    obs: Observation,
    *,
    title: str,
    digest: str,
    observed: str,
    text: str | None = None,
    suspects: Sequence[str] = (),
) -> Decision:
    """The sighting rule (no I/O). ``title``, ``digest`` and ``text`` are the
    observation's normalised title, content hash and text (no ``text``: pages are
    not judged for walls); ``observed`` its time; ``suspects`` the times of the
    article's pending suspect observations."""
    if article is None or current is None:
        return Decision(IngestStatus.NEW)
    updates: dict[str, Any] = {"last_seen_at": max(observed, article.last_seen_at)}
    if obs.origin == Origin.FEED and obs.feed_id is not None:
        same_feed = current.origin == Origin.FEED and article.feed_id in (obs.feed_id, None)
        if not same_feed:
            if obs.story and not article.story:  # e.g. added by hand, now in a story's feed
                updates["story"] = obs.story
            if current.origin == Origin.PAGE and title != current.title:
                updates["last_checked_at"] = None  # the headline moved: recheck the page soon
            return Decision(IngestStatus.SEEN, updates)
    if obs.published_at and not article.published_at:
        updates["published_at"] = obs.published_at
        updates["dated_at"] = obs.published_at
    if obs.story and not article.story:
        updates["story"] = obs.story
    if obs.source and not article.source:
        updates["source"] = obs.source
    given = obs.canonical or obs.url
    url = normalise_url(given) if given else None
    if url and not article.url:
        updates["url"] = url
    changed = current.content_hash != digest
    if not changed and (
        obs.origin not in BYLINE_ORIGINS or same_byline(current.byline, obs.byline)
    ):
        return Decision(IngestStatus.UNCHANGED, updates)
    if changed and obs.origin == Origin.PAGE and text is not None:
        verdict = suspect.judge(current.text, text, previous_title=current.title, new_title=title)
        if verdict is not None:
            if suspect.confirmed(suspects, observed):
                return Decision(IngestStatus.UPDATED, updates, verdict)
            return Decision(IngestStatus.SUSPECT, updates, verdict)
    return Decision(IngestStatus.UPDATED, updates)


def content_key(title: str, text: str) -> str:
    digest = hashlib.sha256(
        (normalise_title(title).lower() + "\x00" + normalise_text(text)).encode("utf-8")
    ).hexdigest()
    return f"content:{digest[:32]}"


def article_key(obs: Observation) -> str:
    if obs.canonical:
        return f"url:{normalise_url(obs.canonical)}"
    if obs.url:
        return f"url:{normalise_url(obs.url)}"
    if obs.guid:
        return f"guid:{obs.guid.strip()}"
    return content_key(obs.title, obs.text)


def find_article(db: Database, obs: Observation) -> dict[str, Any] | None:
    """The stored article this observation is a sighting of, if any."""
    guid = obs.guid.strip() if obs.guid and obs.url else None
    found = articles.find(db, article_key(obs), guid)
    if found is None and obs.canonical and obs.url:  # stored before under the URL it was reached by
        found = articles.find(db, f"url:{normalise_url(obs.url)}")
    if found is None and (obs.url or obs.canonical) and obs.origin in BYLINE_ORIGINS:
        # the same text added from a file earlier (a file article has no URL)
        by_text = articles.find(db, content_key(obs.title, obs.text))
        if by_text is not None and not by_text["url"]:
            found = by_text
    return found


def current_version(db: Database, article: dict[str, Any]) -> dict[str, Any]:
    return articles.current_version(db, article)


#: version pairs whose edits are still to be written: (article id, old id, new id)
Deferred = list[tuple[int, int, int]]


def store(
    db: Database,
    obs: Observation,
    *,
    surely_new: bool = False,
    deferred: Deferred | None = None,
    savepoint: bool = True,
    index: bool = True,
) -> IngestResult:
    """Store ``obs``: a new article, a new version, a suspect page, or just "seen again".

    ``surely_new``: the caller knows no stored article matches (saves the lookup).
    ``savepoint``: False when the caller's transaction or savepoint is all this store
    needs. ``index``: False when the caller adds the new version to the full-text index
    itself before its transaction ends (:func:`monitor.store.articles.insert_version`).
    ``deferred``: inside a caller's transaction, a new pair's edits are not computed
    but added to this list, for :func:`store_pairs` after the caller commits (an
    ``new_pairs`` backfill is requested in the same transaction, so a crash in
    between is repaired by :func:`monitor.derive.backfill`).
    """
    title = normalise_title(obs.title)
    text = normalise_text(obs.text)
    if not title and not text:
        raise InputError("article has neither title nor text; nothing to store")
    observed = obs.observed_at or now_iso()
    digest = _sha256(title + "\x00" + text)  # = content_hash(): both are normalised already
    early: _Pair | None = None
    if not surely_new and not db.conn.in_transaction:
        early = _pair_before(db, obs, title, text, digest, observed)  # the diff, outside
    with db.atomic() if savepoint or not db.conn.in_transaction else nullcontext():
        row = None if surely_new else find_article(db, obs)
        current = articles.current_version(db, row) if row else None
        decision = decide(
            Article.from_row(row) if row else None,
            Version.from_row(current) if current else None,
            obs,
            title=title,
            digest=digest,
            observed=observed,
            text=text,
            suspects=_pending(db, obs, row),
        )
        if decision.action == IngestStatus.NEW:
            article_id = articles.insert_article(db, _article_row(obs, observed))
            version_id = articles.insert_version(
                db, _version_row(article_id, 1, obs, title, text, digest, observed), index=index
            )
            _keep(db, obs, article_id, version_id, article_key(obs))
            derive.version_stored(db, article_id, version_id, None, (obs.story, title, text))
            return IngestResult(article_id, 1, IngestStatus.NEW)
        assert row is not None and current is not None
        article_id = row["id"]
        articles.update(db, article_id, decision.updates)
        if decision.updates.get("story"):  # filed now, e.g. seen in a story's feed
            memberships.file(db, article_id, decision.updates["story"])
        if decision.action == IngestStatus.SUSPECT:
            assert decision.suspect is not None
            suspectstore.record(
                db,
                _suspect_row(
                    article_id, current["number"], decision.suspect, title, text, digest, observed
                ),
            )
            return IngestResult(
                article_id, current["number"], IngestStatus.SUSPECT, suspect=decision.suspect
            )
        if decision.action in (IngestStatus.UNCHANGED, IngestStatus.UPDATED):
            if obs.origin == Origin.PAGE and not decision.cut:  # the page came back: transient
                suspectstore.resolve(db, article_id, suspectstore.TRANSIENT, observed)
            _keep(db, obs, article_id, None, row["key"])
        if decision.action != IngestStatus.UPDATED:
            return IngestResult(article_id, current["number"], decision.action)
        number = current["number"] + 1
        words = early.words if early is not None else None  # counted once: the same text
        new_row = _version_row(article_id, number, obs, title, text, digest, observed, words)
        version_id = articles.insert_version(db, new_row, index=index)
        articles.set_current(db, article_id, number)
        if decision.cut:
            suspectstore.resolve(db, article_id, suspectstore.CUT, observed)
        pair = early.row if early and early.matches(current, decision) else None
        _keep(db, obs, article_id, version_id, row["key"])
        story = decision.updates.get("story", row["story"])
        if pair is None and deferred is not None and not decision.cut:
            backfills.request_backfill(db, "new_pairs")
            deferred.append((article_id, current["id"], version_id))
            derive.tag_version(db, version_id, (story, title, text))
        else:
            if pair is None:
                pair = _pair_row(article_id, current, new_row, decision)
            derive.version_stored(
                db, article_id, version_id, current["id"], (story, title, text), pair=pair
            )
        return IngestResult(
            article_id,
            number,
            IngestStatus.UPDATED,
            previous_version=current["number"],
            suspect=decision.suspect,
        )


def store_pairs(db: Database, deferred: Deferred) -> int:
    """Write the edits of pairs :func:`store` deferred, after the caller's commit: the
    comparing runs outside any transaction, the writing in one short transaction that
    also withdraws the backfill request. Returns the pairs written."""
    if not deferred:
        return 0
    rows: list[tuple[int, int, int, dict[str, Any]]] = []
    for article_id, old_id, new_id in deferred:
        try:
            old, new = diffs.version(db, old_id), diffs.version(db, new_id)
        except IndexError:  # rolled back with its entry: nothing to record
            continue
        rows.append((article_id, old_id, new_id, derive.pair_row(article_id, old, new)))
    with db.atomic():
        for article_id, old_id, new_id, row in rows:
            derive.record_pair(db, article_id, old_id, new_id, row=row)
        backfills.backfill_done(db, "new_pairs")
    deferred.clear()
    return len(rows)


@dataclass(frozen=True)
class _Pair:
    """A version pair's ``diffs`` row computed before the write transaction."""

    current_id: int
    cut: bool
    row: dict[str, Any]
    words: int  # the new version's word count

    def matches(self, current: dict[str, Any], decision: Decision) -> bool:
        return self.current_id == current["id"] and self.cut == decision.cut


def _pending(db: Database, obs: Observation, row: dict[str, Any] | None) -> list[str]:
    """The article's pending suspect observations (only pages are judged: a feed or a
    file sighting costs no query)."""
    if row is None or obs.origin != Origin.PAGE:
        return []
    return suspectstore.pending_times(db, row["id"])


def _pair_before(
    db: Database, obs: Observation, title: str, text: str, digest: str, observed: str
) -> _Pair | None:
    """The pair row a new version of ``obs`` would end, read and computed outside any
    transaction (``None`` when ``obs`` would not make a new version of a stored article)."""
    row = find_article(db, obs)
    if row is None:
        return None
    current = articles.current_version(db, row)
    decision = decide(
        Article.from_row(row),
        Version.from_row(current),
        obs,
        title=title,
        digest=digest,
        observed=observed,
        text=text,
        suspects=_pending(db, obs, row),
    )
    if decision.action != IngestStatus.UPDATED:
        return None
    new_row = _version_row(row["id"], current["number"] + 1, obs, title, text, digest, observed)
    return _Pair(
        current["id"],
        decision.cut,
        _pair_row(row["id"], current, new_row, decision),
        new_row["words"],
    )


def _pair_row(
    article_id: int, old: dict[str, Any], new: dict[str, Any], decision: Decision
) -> dict[str, Any]:
    row = derive.pair_row(article_id, old, new)
    if decision.cut and decision.suspect is not None:
        why = f"major cut ({decision.suspect.kind}: {decision.suspect.reason}), persisted"
        row["severity"] = "major"
        row["severity_reason"] = why
        row["summary"] = f"{why}; {row['summary']}" if row.get("summary") else why
    return row


def _keep(
    db: Database, obs: Observation, article_id: int, version_id: int | None, key: str
) -> None:
    """Record the observation's other identities as aliases of the article, and the raw
    HTML of a new version."""
    if version_id is not None and obs.html:
        page_html.save(db, version_id, obs.html, obs.url)
    keys = {article_key(obs)}
    if obs.url:
        keys.add(f"url:{normalise_url(obs.url)}")
    if (obs.url or obs.canonical) and obs.origin in BYLINE_ORIGINS and version_id is not None:
        keys.add(content_key(obs.title, obs.text))  # the same text added from a file later
    for other in sorted(keys - {key}):
        articles.add_alias(db, other, article_id)


def _suspect_row(
    article_id: int,
    number: int,
    verdict: suspect.Verdict,
    title: str,
    text: str,
    digest: str,
    observed: str,
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "version": number,
        "observed_at": observed,
        "kind": verdict.kind,
        "reason": verdict.reason,
        "kept": round(verdict.kept, 3),
        "ratio": round(verdict.ratio, 3),
        "words": word_count(text),
        "title": title,
        "excerpt": text[:300],
        "content_hash": digest,
    }


def _article_row(obs: Observation, observed: str) -> dict[str, Any]:
    return {
        "key": article_key(obs),
        "url": normalise_url(obs.canonical or obs.url) if obs.canonical or obs.url else None,
        "guid": obs.guid.strip() if obs.guid else None,
        "feed_id": obs.feed_id,
        "source": obs.source,
        "story": obs.story,
        "published_at": obs.published_at,
        "dated_at": obs.published_at or observed,
        "first_seen_at": observed,
        "last_seen_at": observed,
        "current_version": 1,
        "version_count": 1,
    }


def _version_row(
    article_id: int,
    number: int,
    obs: Observation,
    title: str,
    text: str,
    digest: str,
    observed: str,
    words: int | None = None,
) -> dict[str, Any]:
    """A ``versions`` row (``words``: the text's word count, if counted already)."""
    return {
        "article_id": article_id,
        "number": number,
        "observed_at": observed,
        "title": title,
        "byline": obs.byline,
        "published_at": obs.published_at,
        "text": text,
        "content_hash": digest,
        "words": word_count(text) if words is None else words,
        "origin": obs.origin,
    }


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class KnownArticles:
    """Which of a feed's entries are surely new articles, from two queries for all of
    them instead of a lookup (two queries for a new one) an entry.

    :meth:`surely_new` is true only when :func:`find_article` would find
    nothing: no article has the observation's key, nor (when it has a GUID and a
    URL) its GUID. Articles this feed stores are added as it goes; anything else
    is left to ``find_article``.
    """

    def __init__(self, db: Database, observations: list[Observation]):
        self.keys = articles.existing_values(db, "key", {article_key(o) for o in observations})
        guids = {o.guid.strip() for o in observations if o.guid and o.url}
        self.guids = articles.existing_values(db, "guid", guids)

    def surely_new(self, obs: Observation) -> bool:
        if article_key(obs) in self.keys:
            return False
        return not (obs.guid and obs.url and obs.guid.strip() in self.guids)

    def add(self, obs: Observation) -> None:
        self.keys.add(article_key(obs))
        if obs.url:
            self.keys.add(f"url:{normalise_url(obs.url)}")
        if obs.guid:
            self.guids.add(obs.guid.strip())


def entry_observation(
    feed: dict[str, Any], entry: Entry, source: str | None = None, observed_at: str | None = None
) -> Observation:
    """A feed entry as a sighting of an article (identity: its link, else its scoped GUID)."""
    return Observation(
        title=entry.title,
        text=entry.text,
        origin="feed",
        url=entry.link if entry.link and looks_like_url(entry.link) else None,
        guid=scoped_guid(feed.get("id"), entry.guid),
        source=source,
        byline=entry.author,
        published_at=entry.published_at,
        story=feed.get("story"),
        feed_id=feed.get("id"),
        observed_at=observed_at,
    )


def scoped_guid(feed_id: int | None, guid: str) -> str:
    """A GUID as an identity across feeds: URLs, ``tag:``/``urn:`` ids and content
    hashes are global; anything else ("12345") is only unique within its feed, so it
    is prefixed with the feed's id (two sites' item 12345 stay two articles)."""
    if feed_id is None or guid.lower().startswith(
        ("http://", "https://", "tag:", "urn:", "sha256:")
    ):
        return guid
    return f"feed{feed_id}:{guid}"


def use_page(obs: Observation, page: Extracted, html: bytes | None = None) -> None:
    """Make a feed sighting carry its page's extracted text instead of the summary
    (and its canonical URL and raw HTML)."""
    obs.canonical = page.url or obs.canonical
    obs.html = html
    obs.text = page.text
    obs.title = page.title or obs.title
    obs.byline = page.byline or obs.byline
    obs.published_at = obs.published_at or page.published_at
    obs.origin = "page"
