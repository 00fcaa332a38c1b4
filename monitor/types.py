"""The core records that travel between the stages, and the closed vocabularies
(origins, statuses) as ``StrEnum``s.

Plain data only: no I/O, no database. Rows read from SQLite become these records
at the edges that need them (:func:`Article.from_row`, :func:`Version.from_row`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from typing import Any

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10
    from enum import Enum

    class StrEnum(str, Enum):
        def __str__(self) -> str:
            return str(self.value)


class Origin(StrEnum):
    """Where a version's text came from."""

    FILE = "file"
    STDIN = "stdin"
    FEED = "feed"
    PAGE = "page"

    @classmethod
    def parse(cls, value: str) -> Origin:
        """An origin from storage or a caller; an unknown one is an error."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"unknown origin {value!r}: expected one of {', '.join(o.value for o in cls)}"
            ) from None


class IngestStatus(StrEnum):
    """What storing one observation did."""

    NEW = "new"  # a new article, version 1
    UPDATED = "updated"  # a new version of a known article
    UNCHANGED = "unchanged"  # same content as the current version
    SEEN = "seen"  # a sighting that adds no version (e.g. a summary of a page version)
    SUSPECT = "suspect"  # a page that looks like a wall or an error: recorded, no version


class RunStatus(StrEnum):
    """The outcome of one ``fetch`` run, as stored in ``runs.status``."""

    RUNNING = "running"
    OK = "ok"
    IDLE = "idle"  # feeds followed, none due
    PARTIAL = "partial"  # some feeds failed
    FAILED = "failed"  # every fetched feed failed
    NOTHING = "nothing"  # nothing to fetch
    INTERRUPTED = "interrupted"


@dataclass
class Observation:
    """One sighting of an article: from a file, a feed entry, or a fetched page."""

    title: str
    text: str
    origin: str  # an Origin value
    url: str | None = None
    guid: str | None = None
    source: str | None = None
    byline: str | None = None
    published_at: str | None = None
    story: str | None = None
    feed_id: int | None = None
    observed_at: str | None = None
    #: the page's own URL (``rel=canonical`` / ``og:url``): its identity when given
    canonical: str | None = None
    #: the raw HTML of a page, kept (compressed) with the version it makes
    html: bytes | None = None

    def __post_init__(self) -> None:
        self.origin = Origin.parse(str(self.origin)).value


@dataclass
class Entry:
    """One feed entry as parsed: plain text, UTC ISO dates."""

    guid: str
    title: str
    text: str
    link: str | None = None
    published_at: str | None = None
    author: str | None = None


@dataclass
class FetchOutcome:
    """What one fetch of one feed found (plain data, made by the fetch workers)."""

    status: int = 0
    error: str | None = None
    warning: str | None = None
    title: str | None = None
    entries: int = 0
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    retry_after: float | None = None
    not_modified: bool = False


def _from_row(cls: Any, row: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})


@dataclass(frozen=True)
class Version:
    """One stored version of an article."""

    article_id: int
    number: int
    title: str
    text: str
    origin: str
    observed_at: str
    content_hash: str = ""
    byline: str | None = None
    published_at: str | None = None
    words: int = 0
    id: int | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Version:
        version: Version = _from_row(cls, row)
        Origin.parse(version.origin)
        return version


@dataclass(frozen=True)
class Article:
    """A stored article: its identity and metadata, and the number of its current version."""

    id: int
    key: str
    current_version: int
    version_count: int
    first_seen_at: str
    last_seen_at: str
    dated_at: str
    url: str | None = None
    guid: str | None = None
    feed_id: int | None = None
    source: str | None = None
    story: str | None = None
    published_at: str | None = None
    last_checked_at: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Article:
        article: Article = _from_row(cls, row)
        return article


@dataclass(frozen=True)
class Feed:
    """A followed feed."""

    id: int
    url: str
    story: str | None = None
    name: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    active: int = 1
    error_count: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Feed:
        feed: Feed = _from_row(cls, row)
        return feed


@dataclass
class ParsedFeed:
    """A parsed feed document."""

    entries: list[Entry] = field(default_factory=list)
    title: str | None = None
    version: str = ""
    warning: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Extracted:
    """An article extracted from an HTML page."""

    text: str
    title: str | None = None
    byline: str | None = None
    published_at: str | None = None
    url: str | None = None  # the page's canonical URL (rel=canonical, og:url), if it gives one
    source: str | None = None


@dataclass
class FeedResult:
    """A fetched (and parsed) feed: its outcome and entries."""

    feed_id: int
    outcome: FetchOutcome
    entries: list[Entry] = field(default_factory=list)


@dataclass
class FeedBody:
    """A downloaded (or read) feed document, still to be parsed."""

    feed_id: int
    outcome: FetchOutcome
    content: bytes
    content_type: str | None
    location: str


@dataclass
class PageBody:
    """A downloaded article page, still to be extracted."""

    url: str
    content: bytes
    final_url: str


@dataclass
class PageResult:
    """An article page: the extracted article, or why there is none."""

    url: str
    extracted: Extracted | None = None
    error: str | None = None
    html: bytes | None = None  # the page as downloaded (kept with the version it makes)
