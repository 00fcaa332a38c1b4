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

import sys
from importlib.abc import MetaPathFinder
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"


class _OptionalExtras(MetaPathFinder):
    """Keep libraries from importing optional extras monitor never uses.

    sqlite-utils imports pandas and numpy when they are installed (only to map their
    types to columns; monitor stores neither): +50 MB and 0.3 s of CPU in every
    process that opens a database, the fetch's peak memory doubled. httpx imports
    rich and pygments for its command line. While the importing module itself is
    being executed, these imports fail as if not installed; later imports of
    pandas and co. (tests, a user's notebook) work as usual.
    """

    BLOCKED = {"sqlite_utils.db": ("pandas", "numpy"), "httpx": ("rich", "pygments")}

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        top = name.partition(".")[0]
        for owner, blocked in self.BLOCKED.items():
            if top in blocked:
                spec = getattr(sys.modules.get(owner), "__spec__", None)
                if getattr(spec, "_initializing", False):
                    raise ModuleNotFoundError(f"{name}: not for {owner}", name=name)
        return None


if not any(isinstance(f, _OptionalExtras) for f in sys.meta_path):
    sys.meta_path.insert(0, _OptionalExtras())
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
