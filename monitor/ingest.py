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
* the same normalised title and text as the current version: **unchanged**
  (whitespace and Unicode composition do not count);
* otherwise an **updated** article: version N+1.

:func:`store` applies the decision in one transaction and derives the new
version's data (:mod:`monitor.derive`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from monitor import derive
from monitor.errors import InputError
from monitor.store import articles, memberships
from monitor.text.normalise import normalise_text, normalise_title, word_count
from monitor.text.timeutil import now_iso
from monitor.text.urls import looks_like_url, normalise_url
from monitor.types import Article, Entry, Extracted, IngestStatus, Observation, Origin, Version


@dataclass
class IngestResult:
    article_id: int
    version: int
    status: str  # an IngestStatus value: new, updated, unchanged, seen
    previous_version: int | None = None

    @property
    def stored(self) -> bool:
        return self.status in (IngestStatus.NEW, IngestStatus.UPDATED)


@dataclass(frozen=True)
class Decision:
    """What to do with one sighting: the action and the article columns to set."""

    action: IngestStatus
    updates: dict[str, Any] = field(default_factory=dict)


def decide(
    article: Article | None,
    current: Version | None,
    obs: Observation,
    *,
    title: str,
    digest: str,
    observed: str,
) -> Decision:
    """The sighting rule (no I/O). ``title`` and ``digest`` are the observation's
    normalised title and content hash; ``observed`` its time."""
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
    url = normalise_url(obs.url) if obs.url else None
    if url and not article.url:
        updates["url"] = url
    if current.content_hash == digest:
        return Decision(IngestStatus.UNCHANGED, updates)
    return Decision(IngestStatus.UPDATED, updates)


def content_key(title: str, text: str) -> str:
    digest = hashlib.sha256(
        (normalise_title(title).lower() + "\x00" + normalise_text(text)).encode("utf-8")
    ).hexdigest()
    return f"content:{digest[:32]}"


def article_key(obs: Observation) -> str:
    if obs.url:
        return f"url:{normalise_url(obs.url)}"
    if obs.guid:
        return f"guid:{obs.guid.strip()}"
    return content_key(obs.title, obs.text)


def find_article(db: Database, obs: Observation) -> dict[str, Any] | None:
    """The stored article this observation is a sighting of, if any."""
    guid = obs.guid.strip() if obs.guid and obs.url else None
    return articles.find(db, article_key(obs), guid)


def current_version(db: Database, article: dict[str, Any]) -> dict[str, Any]:
    return articles.current_version(db, article)


def store(db: Database, obs: Observation, *, surely_new: bool = False) -> IngestResult:
    """Store ``obs``: a new article, a new version, or just "seen again".

    ``surely_new``: the caller knows no stored article matches (saves the lookup).
    """
    title = normalise_title(obs.title)
    text = normalise_text(obs.text)
    if not title and not text:
        raise InputError("article has neither title nor text; nothing to store")
    observed = obs.observed_at or now_iso()
    digest = _sha256(title + "\x00" + text)  # = content_hash(): both are normalised already
    with db.atomic():
        row = None if surely_new else find_article(db, obs)
        current = articles.current_version(db, row) if row else None
        decision = decide(
            Article.from_row(row) if row else None,
            Version.from_row(current) if current else None,
            obs,
            title=title,
            digest=digest,
            observed=observed,
        )
        if decision.action == IngestStatus.NEW:
            article_id = articles.insert_article(db, _article_row(obs, observed))
            version_id = articles.insert_version(
                db, _version_row(article_id, 1, obs, title, text, digest, observed)
            )
            derive.version_stored(db, article_id, version_id, None, (obs.story, title, text))
            return IngestResult(article_id, 1, IngestStatus.NEW)
        assert row is not None and current is not None
        article_id = row["id"]
        articles.update(db, article_id, decision.updates)
        if decision.updates.get("story"):  # filed now, e.g. seen in a story's feed
            memberships.file(db, article_id, decision.updates["story"])
        if decision.action != IngestStatus.UPDATED:
            return IngestResult(article_id, current["number"], decision.action)
        number = current["number"] + 1
        version_id = articles.insert_version(
            db, _version_row(article_id, number, obs, title, text, digest, observed)
        )
        articles.set_current(db, article_id, number)
        story = decision.updates.get("story", row["story"])
        derive.version_stored(db, article_id, version_id, current["id"], (story, title, text))
        return IngestResult(
            article_id, number, IngestStatus.UPDATED, previous_version=current["number"]
        )


def _article_row(obs: Observation, observed: str) -> dict[str, Any]:
    return {
        "key": article_key(obs),
        "url": normalise_url(obs.url) if obs.url else None,
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
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "number": number,
        "observed_at": observed,
        "title": title,
        "byline": obs.byline,
        "published_at": obs.published_at,
        "text": text,
        "text_hash": _sha256(text),  # = text_hash(): the text is normalised
        "content_hash": digest,
        "words": word_count(text),
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


def use_page(obs: Observation, page: Extracted) -> None:
    """Make a feed sighting carry its page's extracted text instead of the summary."""
    obs.text = page.text
    obs.title = page.title or obs.title
    obs.byline = page.byline or obs.byline
    obs.published_at = obs.published_at or page.published_at
    obs.origin = "page"
