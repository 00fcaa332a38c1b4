"""Migration m140 (:func:`monitor.store.schema.m140_theme_days`): the ``theme_days``
counts, kept by triggers, SQL only.

``theme_days`` holds, per story and theme (a number from ``theme_keys``), source (``''``
for none) and UTC day (of ``articles.dated_at``, as the number ``YYYYMMDD``), how many
articles' *current* version carries the tag, and ``theme_day_totals`` the same summed
over sources (the views ``theme_days_named`` and ``theme_day_totals_named`` spell the
story, theme and day out): what ``themes`` draws
(:mod:`monitor.themes.trends`), so it reads a row a theme and day (and, for the number
of sources, two index seeks a theme and source) instead of joining every article to its
tags. The triggers below are their one writer; they keep them equal to that count
whatever writes the database (monitor, Datasette, plain SQL):

* a tag inserted, deleted or changed: +1 / -1 when its version is current (a tag
  inserted over an existing one replaces it, whatever the conflict clause: the insert
  trigger deletes the old row first, so it is counted once with recursive triggers on
  or off);
* an article's current version, date or source changed: the tags of its old current
  version leave the old (day, source), those of the new one join the new;
* an article or a version deleted: its current tags leave first (its versions and
  tags go by the cascade, after the parent row, when the triggers above no longer find
  them current).

Rows that fall to 0 stay (a later article of that day reuses them); readers skip them.
A migration that rebuilds ``articles`` or ``version_themes`` must create the triggers
again (:func:`create_triggers`).

A row keyed by numbers takes ~25 bytes where the slugs and the date as text took ~66:
in a database of 10,000 versions there is a row for nearly every tag (days have not
filled up yet), 80 bytes a version (m180).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

#: a number for each story and theme ever counted (never deleted: a row of the counts
#: may outlive the theme's last tag)
KEYS = """CREATE TABLE IF NOT EXISTS theme_keys (
    id INTEGER PRIMARY KEY,
    story TEXT NOT NULL,
    theme TEXT NOT NULL,
    UNIQUE (story, theme)
)"""

TABLE = """CREATE TABLE IF NOT EXISTS theme_days (
    key INTEGER NOT NULL,
    source TEXT NOT NULL,
    day INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (key, source, day)
) WITHOUT ROWID"""

#: the same counts summed over sources: what ``themes`` reads per period (a row a theme
#: and day, however many sources)
TOTALS = """CREATE TABLE IF NOT EXISTS theme_day_totals (
    key INTEGER NOT NULL,
    day INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (key, day)
) WITHOUT ROWID"""

#: a day as stored: ``2026-07-10`` is 20260710
_DAY_TEXT = "printf('%04d-%02d-%02d', {0} / 10000, {0} / 100 % 100, {0} % 100)"

#: the counts as text, for people, Datasette and the tests
VIEWS = {
    "theme_days_named": f"""CREATE VIEW theme_days_named AS
        SELECT k.story, k.theme, d.source, {_DAY_TEXT.format("d.day")} AS day, d.articles
        FROM theme_days d JOIN theme_keys k ON k.id = d.key""",
    "theme_day_totals_named": f"""CREATE VIEW theme_day_totals_named AS
        SELECT k.story, k.theme, {_DAY_TEXT.format("d.day")} AS day, d.articles
        FROM theme_day_totals d JOIN theme_keys k ON k.id = d.key""",
}

#: the columns of a key
_AS = "AS story, {0}.theme AS theme, " + (
    "CAST(replace(substr({1}.dated_at, 1, 10), '-', '') AS INTEGER) AS day, "
    "coalesce({1}.source, '') AS source"
)

#: the tags of an article's version ``number``, as theme_days keys (article ``{a}``:
#: ``old`` or ``new`` in an articles trigger)
_TAGS_OF = (
    "SELECT vt.story "
    + _AS.format("vt", "{a}")
    + """
    FROM version_rows v JOIN version_themes vt ON vt.version_id = v.id
    WHERE v.article_id = {a}.id AND v.number = {a}.current_version"""
)

#: the key a tag ``{t}`` (``old`` or ``new`` in a version_themes trigger) counts under,
#: when its version is its article's current one (else no row)
_KEY_OF = (
    "SELECT {t}.story "
    + _AS.format("{t}", "a")
    + """
    FROM version_rows v JOIN articles a ON a.id = v.article_id AND a.current_version = v.number
    WHERE v.id = {t}.version_id"""
)

#: the keys of a deleted version's tags (``old``, in a version_rows trigger), when current
_KEY_OF_VERSION = (
    "SELECT vt.story "
    + _AS.format("vt", "a")
    + """
    FROM articles a JOIN version_themes vt ON vt.version_id = old.id
    WHERE a.id = old.article_id AND a.current_version = old.number"""
)

#: the rows ``{rows}`` with their story and theme's number
_KEYED = """SELECT k.id AS key, r.source AS source, r.day AS day FROM ({rows}) r
    JOIN theme_keys k ON k.story = r.story AND k.theme = r.theme"""

_ADD = (
    # (an upsert, not INSERT OR IGNORE: a trigger's own conflict clause gives way to the
    # statement's, and an INSERT OR REPLACE of a tag would replace the key with a new id)
    """INSERT INTO theme_keys (story, theme) SELECT story, theme FROM ({rows}) WHERE true
    ON CONFLICT (story, theme) DO NOTHING;
    INSERT INTO theme_days (key, source, day, articles)
    SELECT key, source, day, 1 FROM ("""
    + _KEYED
    + """) WHERE true
    ON CONFLICT (key, source, day) DO UPDATE SET articles = articles + 1;
    INSERT INTO theme_day_totals (key, day, articles)
    SELECT key, day, 1 FROM ("""
    + _KEYED
    + """) WHERE true
    ON CONFLICT (key, day) DO UPDATE SET articles = articles + 1;"""
)

_TAKE = (
    """UPDATE theme_days SET articles = articles - 1
    WHERE (key, source, day) IN (SELECT key, source, day FROM ("""
    + _KEYED
    + """));
    UPDATE theme_day_totals SET articles = articles - 1
    WHERE (key, day) IN (SELECT key, day FROM ("""
    + _KEYED
    + """));"""
)

TRIGGERS = {
    # a tag inserted over an existing one (INSERT OR REPLACE) deletes it first, so the
    # delete trigger takes it off (SQLite runs delete triggers for a replaced row only
    # with recursive_triggers on, which sqlite-utils sets and the sqlite3 shell does not)
    "theme_days_tag_bi": """CREATE TRIGGER theme_days_tag_bi BEFORE INSERT ON version_themes
        WHEN EXISTS (SELECT 1 FROM version_themes WHERE version_id = new.version_id
                     AND story = new.story AND theme = new.theme) BEGIN
        DELETE FROM version_themes WHERE version_id = new.version_id
            AND story = new.story AND theme = new.theme;
    END""",
    "theme_days_tag_ai": f"""CREATE TRIGGER theme_days_tag_ai AFTER INSERT ON version_themes BEGIN
        {_ADD.format(rows=_KEY_OF.format(t="new"))}
    END""",
    "theme_days_tag_ad": f"""CREATE TRIGGER theme_days_tag_ad AFTER DELETE ON version_themes BEGIN
        {_TAKE.format(rows=_KEY_OF.format(t="old"))}
    END""",
    "theme_days_tag_au": f"""CREATE TRIGGER theme_days_tag_au
        AFTER UPDATE OF version_id, story, theme ON version_themes BEGIN
        {_TAKE.format(rows=_KEY_OF.format(t="old"))}
        {_ADD.format(rows=_KEY_OF.format(t="new"))}
    END""",
    "theme_days_article_au": f"""CREATE TRIGGER theme_days_article_au
        AFTER UPDATE OF current_version, dated_at, source ON articles
        WHEN old.current_version IS NOT new.current_version
          OR substr(old.dated_at, 1, 10) IS NOT substr(new.dated_at, 1, 10)
          OR coalesce(old.source, '') IS NOT coalesce(new.source, '') BEGIN
        {_TAKE.format(rows=_TAGS_OF.format(a="old"))}
        {_ADD.format(rows=_TAGS_OF.format(a="new"))}
    END""",
    "theme_days_version_bd": f"""CREATE TRIGGER theme_days_version_bd
        BEFORE DELETE ON version_rows BEGIN
        {_TAKE.format(rows=_KEY_OF_VERSION)}
    END""",
    "theme_days_article_bd": f"""CREATE TRIGGER theme_days_article_bd
        BEFORE DELETE ON articles BEGIN
        {_TAKE.format(rows=_TAGS_OF.format(a="old"))}
    END""",
}

#: every article's current tags, counted, as ``theme_days_named`` spells them (the tests'
#: reference)
COUNT = """SELECT vt.story AS story, vt.theme AS theme, coalesce(a.source, '') AS source,
        substr(a.dated_at, 1, 10) AS day, count(*) AS n
    FROM articles a
    CROSS JOIN version_rows v ON v.article_id = a.id AND v.number = a.current_version
    CROSS JOIN version_themes vt ON vt.version_id = v.id
    GROUP BY 1, 2, 3, 4"""

#: the same, as ``theme_days`` keeps them (the migration's fill)
_FILL = f"""SELECT k.id, c.source, CAST(replace(c.day, '-', '') AS INTEGER), c.n
    FROM ({COUNT}) c JOIN theme_keys k ON k.story = c.story AND k.theme = c.theme"""


def create_triggers(db: Database) -> None:
    for name, sql in TRIGGERS.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(sql)


def apply(db: Database) -> None:
    """The tables, filled from the tags stored so far (one grouped pass, in the
    migration's transaction), then the triggers that keep them. Tables of the text-keyed
    layout (m140) are made again."""
    for name in ("theme_days", "theme_day_totals"):
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        if columns and "key" not in columns:
            db.execute(f"DROP TABLE {name}")
    for sql in (KEYS, TABLE, TOTALS):
        db.execute(sql)
    db.execute("DELETE FROM theme_days")
    db.execute("DELETE FROM theme_day_totals")
    db.execute(
        f"""INSERT OR IGNORE INTO theme_keys (story, theme)
            SELECT DISTINCT story, theme FROM ({COUNT})"""
    )
    db.execute(f"INSERT INTO theme_days (key, source, day, articles) {_FILL}")
    db.execute(
        """INSERT INTO theme_day_totals (key, day, articles)
           SELECT key, day, sum(articles) FROM theme_days GROUP BY 1, 2"""
    )
    for name, sql in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(sql)
    create_triggers(db)
