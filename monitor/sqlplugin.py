"""``monitor_text()`` in Datasette and sqlite-utils: the plugin that lets them read the
``versions`` view (whose texts are packed, see :mod:`monitor.store.texts`).

Installed with monitor through the entry points ``datasette`` and ``sqlite_utils`` in
pyproject.toml; both tools call ``prepare_connection`` on every connection they open.
The markers are made here with pluggy (which both tools use), so neither tool has to
be importable for the other to load this module.
"""

from __future__ import annotations

import sqlite3

import pluggy

from monitor.store import texts

_datasette = pluggy.HookimplMarker("datasette")
_sqlite_utils = pluggy.HookimplMarker("sqlite_utils")


@_datasette
@_sqlite_utils
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register ``monitor_text(text, base_text)`` on a connection Datasette or
    sqlite-utils opened."""
    texts.register(conn)
