"""Keep the command line lean: libraries do not import optional extras monitor never uses.

Installed by the command line only (:func:`install`, from ``monitor.cli.main``), never on
``import monitor``: a notebook that imports monitor and then uses sqlite-utils with
pandas must get pandas support as usual.
"""

from __future__ import annotations

import sys
from typing import Any


class OptionalExtras:  # a meta path finder (importlib.abc costs 5 ms of start-up)
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


def install() -> None:
    """Put :class:`OptionalExtras` first on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, OptionalExtras) for f in sys.meta_path):
        sys.meta_path.insert(0, OptionalExtras())
