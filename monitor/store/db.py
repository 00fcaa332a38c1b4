"""The database: where it lives and how it is opened (WAL, busy timeout, migrated).

The schema itself is in :mod:`monitor.store.schema`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from sqlite_utils import Database

APP_NAME = "monitor"
BUSY_TIMEOUT_S = 30.0
PAGE_SIZE = 8192


def default_db_path() -> Path:
    """``MONITOR_DB`` if set, else ``monitor.db`` in the user data directory.

    Resolved at call time (never at import), so tests and cron can point it elsewhere.
    """
    env = os.environ.get("MONITOR_DB")
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "monitor.db"


def connect(path: str | Path, create: bool = True) -> Database:
    """Open and migrate the database at ``path`` (created when ``create``, else a
    missing file is a :class:`NotFoundError`).

    A file that is not monitor's (another application's SQLite database, or not
    SQLite at all) is refused before anything is written, so it stays byte-identical.
    WAL journal and a 30 s busy timeout let a reader and a cron writer overlap.
    """
    from monitor.store import schema, texts

    path = Path(path)
    if path.is_dir():
        raise InputError(f"database {path}: is a directory; give a file path with --db")
    if not path.exists():
        if not create:
            raise NotFoundError(
                f"database {path}: does not exist; check --db (or MONITOR_DB), "
                "or create it with 'monitor init'"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"database {path}: cannot create its folder ({exc.strerror})") from exc
    else:
        check_ours(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        # no sqlite-utils plugins: monitor registers what its connections need itself,
        # and loading every installed package's entry points costs ~25 ms a command
        db = _writer_class()(conn, execute_plugins=False)
        texts.codec(db)  # monitor_text(): the versions view unpacks texts with it
        if not conn.execute("select 1 from sqlite_master limit 1").fetchone():
            # a new file: 8 KB pages waste less of each page on the ~1.3 KB version rows
            # (the page size cannot change once the file is in WAL mode)
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if db.journal_mode != "wal":
            db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        schema.migrate(db)
    except sqlite3.DatabaseError as exc:
        raise InputError(f"database {path}: {exc}; is it a monitor database?") from exc
    return db


#: tables that only a monitor database has
_OUR_TABLES = {"articles", "versions", "stories"}


def check_ours(path: Path) -> None:
    """Refuse a file that is not a monitor database, reading it only (read-only URI,
    no WAL switch, no migration), so another application's file stays untouched."""
    if path.stat().st_size == 0:
        return  # an empty file: a new database
    try:
        with open(path, "rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        raise InputError(f"database {path}: cannot be read ({exc.strerror})") from exc
    if magic != b"SQLite format 3\x00":
        raise InputError(f"database {path}: is not an SQLite database; check --db")
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
        try:
            names = {row[0] for row in conn.execute("select name from sqlite_master")}
            ours = (
                "_sqlite_migrations" in names
                and conn.execute(
                    "select 1 from _sqlite_migrations where migration_set = 'monitor' limit 1"
                ).fetchone()
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"database {path}: cannot be read ({exc}); is it a monitor database?"
        ) from exc
    if names and not ours and not (names >= _OUR_TABLES):
        raise InputError(
            f"database {path}: is another application's SQLite database, not monitor's; "
            "nothing was changed: give monitor its own file with --db"
        )


@functools.cache
def _writer_class() -> type[Database]:
    """sqlite-utils' Database whose outermost ``atomic()`` is ``BEGIN IMMEDIATE``.

    A deferred transaction that reads before it writes cannot wait for another
    writer (SQLite answers SQLITE_BUSY at once to avoid a deadlock), so the busy
    timeout never applied: ``add`` during a ``fetch`` failed in a second. Taking the
    write lock first makes every writer wait its turn, up to the busy timeout.
    """
    from sqlite_utils import Database

    class WriterDatabase(Database):
        @contextlib.contextmanager
        def atomic(self) -> Iterator[Database]:
            if self.conn.in_transaction:  # nested: a savepoint, as sqlite-utils does
                try:
                    with super().atomic():
                        yield self
                except BaseException:
                    _rolled_back(self)
                    raise
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()
                _rolled_back(self)
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    _rolled_back(self)
                    raise

    return WriterDatabase


def _rolled_back(db: Database) -> None:
    """What a connection remembers of rows a rollback took: the text codec's dictionaries
    (one trained in the rolled-back part is gone, and a later one may get its id)."""
    from monitor.store import texts

    texts.forget(db)


def memory() -> Database:
    """An in-memory, migrated database (for quick experiments and benchmarks)."""
    from sqlite_utils import Database

    from monitor.store import schema, texts

    db = Database(memory=True, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    texts.codec(db)
    schema.migrate(db)
    return db


def select(
    db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts, without the savepoint sqlite-utils 4 wraps around each
    ``db.query()`` (two extra statements per read on the ingest hot path)."""
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
