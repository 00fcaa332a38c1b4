"""monitor: follow a news story for months — every version of every article,
recurring themes, and what changed.

The front door::

    import monitor

    with monitor.open("news.db") as m:
        m.add("article.txt")
        for row in m.articles():
            print(row["id"], row["title"])

:func:`open` returns a :class:`Monitor` whose methods mirror the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"


PROJECT_URL = "https://github.com/monitor-news/monitor"

from monitor.errors import (  # noqa: E402 - the version first: http.py reads it
    ExitCode,
    FeedError,
    HttpError,
    InputError,
    LockedError,
    MonitorError,
    NotFoundError,
    ParseError,
)
from monitor.types import (  # noqa: E402
    Article,
    Entry,
    Feed,
    FetchOutcome,
    IngestStatus,
    Observation,
    Origin,
    RunStatus,
    Version,
)

if TYPE_CHECKING:
    from monitor.api import Monitor, open

__all__ = [
    "Article",
    "Entry",
    "ExitCode",
    "Feed",
    "FeedError",
    "FetchOutcome",
    "HttpError",
    "IngestStatus",
    "InputError",
    "LockedError",
    "Monitor",
    "MonitorError",
    "NotFoundError",
    "Observation",
    "Origin",
    "ParseError",
    "RunStatus",
    "Version",
    "__version__",
    "open",
]


def __getattr__(name: str) -> Any:
    # the API (and sqlite-utils with it) loads on first use: `import monitor` stays light
    if name in ("open", "Monitor"):
        from monitor import api

        return getattr(api, name)
    raise AttributeError(f"module 'monitor' has no attribute {name!r}")
