"""Migration m140 (:func:`monitor.store.schema.m140_theme_days`): the ``theme_days``
counts, kept by triggers, SQL only.

``theme_days`` holds, per story, theme, source (``''`` for none) and UTC day (of
``articles.dated_at``), how many articles' *current* version carries the tag, and
``theme_day_totals`` the same summed over sources: what ``themes`` draws
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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

TABLE = """CREATE TABLE IF NOT EXISTS theme_days (
    story TEXT NOT NULL,
    theme TEXT NOT NULL,
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (story, theme, source, day)
) WITHOUT ROWID"""

#: the same counts summed over sources: what ``themes`` reads per period (a row a theme
#: and day, however many sources)
TOTALS = """CREATE TABLE IF NOT EXISTS theme_day_totals (
    story TEXT NOT NULL,
    theme TEXT NOT NULL,
    day TEXT NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (story, theme, day)
) WITHOUT ROWID"""

#: the columns of a key
_AS = "AS story, {0}.theme AS theme, substr({1}.dated_at, 1, 10) AS day, " + (
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

_ADD = """INSERT INTO theme_days (story, theme, source, day, articles)
    SELECT story, theme, source, day, 1 FROM ({rows}) WHERE true
    ON CONFLICT (story, theme, source, day) DO UPDATE SET articles = articles + 1;
    INSERT INTO theme_day_totals (story, theme, day, articles)
    SELECT story, theme, day, 1 FROM ({rows}) WHERE true
    ON CONFLICT (story, theme, day) DO UPDATE SET articles = articles + 1;"""

_TAKE = """UPDATE theme_days SET articles = articles - 1
    WHERE (story, theme, source, day) IN (SELECT story, theme, source, day FROM ({rows}));
    UPDATE theme_day_totals SET articles = articles - 1
    WHERE (story, theme, day) IN (SELECT story, theme, day FROM ({rows}));"""

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

#: every article's current tags, counted (the migration's fill, and the tests' reference)
COUNT = """SELECT vt.story, vt.theme, coalesce(a.source, ''), substr(a.dated_at, 1, 10), count(*)
    FROM articles a
    CROSS JOIN version_rows v ON v.article_id = a.id AND v.number = a.current_version
    CROSS JOIN version_themes vt ON vt.version_id = v.id
    GROUP BY 1, 2, 3, 4"""


def create_triggers(db: Database) -> None:
    for name, sql in TRIGGERS.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(sql)


def apply(db: Database) -> None:
    """The tables, filled from the tags stored so far (one grouped pass, in the
    migration's transaction), then the triggers that keep them."""
    for sql in (TABLE, TOTALS):
        db.execute(sql)
    db.execute("DELETE FROM theme_days")
    db.execute("DELETE FROM theme_day_totals")
    db.execute(f"INSERT INTO theme_days (story, theme, source, day, articles) {COUNT}")
    db.execute(
        """INSERT INTO theme_day_totals (story, theme, day, articles)
           SELECT story, theme, day, sum(articles) FROM theme_days GROUP BY 1, 2, 3"""
    )
    create_triggers(db)
