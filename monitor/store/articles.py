"""The ``articles``, ``versions`` and ``article_aliases`` tables: the one module that
writes them, and the one place that reads "an article with its current version".

Versions are stored in ``version_rows`` with their text packed (:mod:`monitor.store.texts`:
a dictionary frame, or a delta against an earlier version of the article); ``versions``
is the view that reads them back with their text, and every reader uses it.

An alias is another identity key of a stored article: the URL a page was reached by
when its ``rel=canonical`` names another, or the content key of a page or file, so
the same text added from a file and from a URL is one article.

Writes are plain INSERT/UPDATE statements (sqlite-utils' ``insert()`` re-derives
its statement for every row, which was a fifth of the cost of storing a feed
entry). The caller owns the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monitor.store import texts
from monitor.store.db import select

if TYPE_CHECKING:
    from sqlite_utils import Database

#: columns of ``articles`` a sighting may set on a stored article
UPDATABLE = frozenset(
    {"last_seen_at", "published_at", "dated_at", "story", "source", "url", "last_checked_at"}
)

#: the current version of every article, joined: what listings, search and exports read
CURRENT = "articles a join versions v on v.article_id = a.id and v.number = a.current_version"


def find(db: Database, key: str, guid: str | None = None) -> dict[str, Any] | None:
    """The article with identity ``key``; else, when ``guid`` is given, the oldest
    article with that GUID (the same entry seen earlier without a link, or under
    another link)."""
    rows = select(db, "select * from articles where key = ?", [key])
    if not rows:
        rows = select(
            db,
            "select a.* from article_aliases x join articles a on a.id = x.article_id "
            "where x.key = ?",
            [key],
        )
    if not rows and guid:
        rows = select(db, "select * from articles where guid = ? order by id limit 1", [guid])
    return rows[0] if rows else None


def add_alias(db: Database, key: str, article_id: int) -> None:
    """Record ``key`` as another identity of the article (a no-op when ``key`` is
    already its key or an alias of any article)."""
    db.execute(
        "insert or ignore into article_aliases (key, article_id) "
        "select ?, ? where not exists (select 1 from articles where key = ?)",
        [key, article_id, key],
    )


def current_version(db: Database, article: dict[str, Any]) -> dict[str, Any]:
    """The current version row of a stored article row."""
    return select(
        db,
        "select * from versions where article_id = ? and number = ?",
        [article["id"], article["current_version"]],
    )[0]


def insert_article(db: Database, row: dict[str, Any]) -> int:
    return _insert(db, "articles", row)


def insert_version(db: Database, row: dict[str, Any], *, index: bool = True) -> int:
    """Store a version (``text`` packed: against its article's previous version when
    that makes it small, else on its own) and add it to the full-text index.

    ``index`` False: the caller indexes it (:func:`index_texts`) before its transaction
    ends. FTS5 writes out its pending terms whenever a statement or savepoint opens a
    savepoint, and most statements a fetch makes for each entry do (an ``insert or
    replace``, a trigger): indexed one by one, a feed's versions made a segment of the
    index each, and merging them cost more CPU than indexing them. Indexed together at
    the end of the feed, they make one."""
    codec = texts.codec(db)
    stored = dict(row)
    text = stored["text"]
    stored["text"], stored["base_id"] = _packed(db, codec, row["article_id"], row["number"], text)
    stored["content_hash"] = _digest(stored["content_hash"])
    stored.pop("text_hash", None)  # computed by the versions view (m150)
    version_id = _insert(db, "version_rows", stored)
    if index:
        db.conn.execute(
            "insert into versions_fts (rowid, text, title) values (?, ?, ?)",
            [version_id, text, row["title"]],
        )
    if (
        not codec.dictionary()
        and version_id >= texts.TRAIN_AT
        and version_id % texts.TRAIN_EVERY == 0
    ):
        _train(db, codec)
    return version_id


def _packed(
    db: Database, codec: texts.Codec, article_id: int, number: int, text: str
) -> tuple[str | bytes, int | None]:
    """(stored text, delta base id) of a new version's text."""
    if len(text) >= texts.MIN_PACK and number > 1:
        prev = db.conn.execute(
            "select id, base_id from version_rows where article_id = ? and number = ?",
            [article_id, number - 1],
        ).fetchone()
        if prev is not None:
            base_id = prev[1] if prev[1] is not None else prev[0]
            (base_text,) = db.conn.execute(
                "select text from versions where id = ?", [base_id]
            ).fetchone()
            delta = codec.delta(text, base_text)
            if len(delta) * 8 < len(text):  # a small edit: surely smaller than on its own
                return delta, base_id
            alone = codec.pack(text)
            if len(delta) < len(alone):
                return delta, base_id
            return alone, None
    return codec.pack(text), None


def _digest(value: Any) -> Any:
    """A SHA-256 in hex as its 32 bytes (the ``versions`` view shows it as hex again)."""
    if isinstance(value, str) and len(value) == 64:
        try:
            return bytes.fromhex(value)
        except ValueError:
            return value
    return value


def _train(db: Database, codec: texts.Codec) -> None:
    """Train the text dictionary on the stored texts, then pack those stored plain
    (in the caller's transaction: a thousand texts, once in a database's life)."""
    if train_dictionary(db):
        after: int | None = 0
        while after is not None:
            after = pack_plain(db, after, 5000)


def pack_plain(db: Database, after: int, limit: int) -> int | None:
    """Pack the texts stored plain (or packed before the dictionary was trained) among
    the next ``limit`` versions after id ``after`` (a delta when the version is an edit
    no other version is packed against, else on its own). The logical text is unchanged, so the full-text index is not touched.
    The last id looked at, or None when there were none."""
    codec = texts.codec(db)
    rows = db.conn.execute(
        "select id, article_id, number, text, base_id, content_hash "
        "from version_rows where id > ? order by id limit ?",
        [after, limit],
    ).fetchall()
    if not rows:
        return None
    for version_id, article_id, number, text, base_id, content_hash in rows:
        repack = codec.repack(text, base_id)
        if not repack and not isinstance(content_hash, str):
            continue
        if repack:
            text = codec.unpack(text)
            is_base = db.conn.execute(
                "select 1 from version_rows where article_id = ? and number > ? and base_id = ?",
                [article_id, number, version_id],
            ).fetchone()
            text, base_id = _packed(db, codec, article_id, 1 if is_base else number, text)
        db.conn.execute(
            "update version_rows set text = ?, base_id = ?, content_hash = ? where id = ?",
            [text, base_id, _digest(content_hash), version_id],
        )
    return int(rows[-1][0])


def last_version_id(db: Database) -> int:
    """The highest version id stored (0: none)."""
    return int(db.conn.execute("select coalesce(max(id), 0) from version_rows").fetchone()[0])


def index_texts(db: Database, after: int, upto: int | None = None) -> None:
    """Add versions ``after < id <= upto`` (``upto`` None: every later one) to the
    full-text index: those stored before the index was remade, or with ``index=False``
    (:func:`insert_version`)."""
    if upto is None:
        upto = last_version_id(db)
    db.conn.execute(
        "insert into versions_fts (rowid, text, title) "
        "select id, text, title from versions where id > ? and id <= ?",
        [after, upto],
    )


def optimize_index(db: Database) -> None:
    """Merge the full-text index into one segment (smaller, and faster to search)."""
    db.conn.execute("insert into versions_fts (versions_fts) values ('optimize')")


def train_dictionary(db: Database) -> int:
    """Train the text dictionary on up to ``texts.SAMPLES`` stored texts spread over
    the archive (none is trained when one exists); its id, 0 when none."""
    codec = texts.codec(db)
    if codec.dictionary():
        return codec.dictionary()
    (count,) = db.conn.execute("select max(id) from version_rows").fetchone()
    step = max(1, (count or 0) // texts.SAMPLES)
    samples = [
        row[0]
        for row in db.conn.execute(
            "select text from versions where id in (select id from version_rows "
            "where id % ? = 0 and base_id is null limit ?)",
            [step, texts.SAMPLES],
        )
    ]
    return codec.train(samples)


def set_current(db: Database, article_id: int, number: int) -> None:
    """Make version ``number`` (just inserted) the article's current one."""
    db.execute(
        "update articles set current_version = ?, version_count = version_count + 1 where id = ?",
        [number, article_id],
    )


def update(db: Database, article_id: int, updates: dict[str, Any]) -> None:
    """Set metadata columns of one article (only those in :data:`UPDATABLE`)."""
    if not updates:
        return
    unknown = set(updates) - UPDATABLE
    if unknown:
        raise ValueError(f"not an updatable article column: {', '.join(sorted(unknown))}")
    assignments = ", ".join(f"{column} = ?" for column in updates)
    db.execute(f"update articles set {assignments} where id = ?", [*updates.values(), article_id])


def existing_values(db: Database, column: str, values: set[str], chunk: int = 500) -> set[str]:
    """Which of ``values`` some article has in ``column`` (``key`` or ``guid``)."""
    if column not in ("key", "guid"):
        raise ValueError(column)
    found: set[str] = set()
    ordered = sorted(values)
    for i in range(0, len(ordered), chunk):
        part = ordered[i : i + chunk]
        marks = ", ".join("?" for _ in part)
        sql = f"select {column} from articles where {column} in ({marks})"
        found.update(row[0] for row in db.execute(sql, part))
        if column == "key":
            sql = f"select key from article_aliases where key in ({marks})"
            found.update(row[0] for row in db.execute(sql, part))
    return found


def first_seen_since(db: Database, cutoff: str) -> list[dict[str, Any]]:
    """Articles with an http(s) URL first seen at or after ``cutoff``, with their current title."""
    return select(
        db,
        f"""select a.id, a.url, a.first_seen_at, a.last_checked_at, v.title
            from {CURRENT} where a.first_seen_at >= ? and a.url like 'http%' order by a.id""",
        [cutoff],
    )


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    sql = _INSERT_SQL.get((table, tuple(row)))
    if sql is None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        sql = _INSERT_SQL[(table, tuple(row))] = f"insert into {table} ({columns}) values ({marks})"
    cursor = db.conn.execute(sql, list(row.values()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


_INSERT_SQL: dict[tuple[str, tuple[str, ...]], str] = {}
