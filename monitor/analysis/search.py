"""Full-text search over versions (SQLite FTS5), ranked by bm25, with snippets.

The user's query is parsed here and rebuilt as a safe FTS5 expression, so a
malformed query is one clear message rather than an SQLite error:

    words            all must occur (any order)
    "a phrase"       the words next to each other
    a OR b           either
    a NOT b          a without b (NOT needs a term on its left)
    pref*            any word starting with ``pref``
    ( ... )          grouping
    title:word       only in the headline (``text:`` for the body)

Only upper-case ``OR``, ``NOT`` and ``AND`` are operators; lower-case they are words.

Limits (a clear error past them; FTS5's cost grows with every term, and 20,000
repeated terms took two minutes): at most :data:`MAX_QUERY_CHARS` characters,
:data:`MAX_TERMS` words and phrases, and parentheses :data:`MAX_DEPTH` deep.
Parsing is one pass over the query.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError
from monitor.store.queries import ArticleFilter

if TYPE_CHECKING:
    from sqlite_utils import Database

from monitor.text import safetext

#: marker characters put around matches by snippet()/highlight(); replaced on output
OPEN, CLOSE = "\x02", "\x03"
OPERATORS = {"AND", "OR", "NOT"}
EXAMPLES = {"AND": "talks AND doha", "OR": "talks OR negotiations", "NOT": "taliban NOT kabul"}
_WORDISH = re.compile(r"[^\W_]", re.UNICODE)
_COLUMN = re.compile(r"^(title|text):(.*)$", re.IGNORECASE | re.DOTALL)

#: longest query accepted, in characters
MAX_QUERY_CHARS = 2000
#: most words and phrases in one query
MAX_TERMS = 64
#: deepest nesting of parentheses
MAX_DEPTH = 16


class QueryError(InputError):
    """A search query that cannot be parsed."""


@dataclass
class Token:
    kind: str  # term | phrase | op | lparen | rparen
    value: str
    prefix: bool = False
    column: str | None = None


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _shown(query: str) -> str:
    """The query for an error message: quoted, at most 60 characters of it."""
    return repr(query if len(query) <= 60 else query[:57] + "...")


def tokenize(query: str) -> list[Token]:
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"search: the query is {len(query):,} characters long; "
            f"the limit is {MAX_QUERY_CHARS:,}: search for fewer words"
        )
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("lparen", ch))
            i += 1
        elif ch == ")":
            tokens.append(Token("rparen", ch))
            i += 1
        elif ch == '"' or (
            query.startswith(("title:", "text:"), i)
            and query[query.index(":", i) + 1 : query.index(":", i) + 2] == '"'
        ):
            column = None
            if ch != '"':
                column = query[i : query.index(":", i)]
                i += len(column) + 1
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(
                    f'search: unbalanced quote in {_shown(query)}; close the phrase with a second "'
                )
            phrase = query[i + 1 : end]
            prefix = end + 1 < n and query[end + 1] == "*"
            i = end + (2 if prefix else 1)
            if _WORDISH.search(phrase):
                tokens.append(Token("phrase", phrase, prefix, column and column.lower()))
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            word = query[i:j]
            i = j
            if word in OPERATORS:
                tokens.append(Token("op", word))
                continue
            column = None
            match = _COLUMN.match(word)
            if match:
                column, word = match.group(1).lower(), match.group(2)
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if "*" in word:
                raise QueryError(
                    f"search: {_shown(query)}: '*' only goes at the end of a word, as in talib*"
                )
            if not _WORDISH.search(word):
                if prefix:
                    raise QueryError(
                        f"search: {_shown(query)}: '*' needs letters before it, as in talib*"
                    )
                continue  # punctuation only: nothing the index could match
            tokens.append(Token("term", word, prefix, column))
    return tokens


def to_fts(query: str) -> str:
    """Validate ``query`` and return the equivalent FTS5 MATCH expression."""
    tokens = tokenize(query)
    terms = sum(1 for t in tokens if t.kind in ("term", "phrase"))
    if not terms:
        raise QueryError(f"search: {_shown(query)} has no words to search for")
    if terms > MAX_TERMS:
        raise QueryError(
            f"search: {_shown(query)} has {terms:,} words and phrases; "
            f"the limit is {MAX_TERMS}: search for fewer"
        )
    parts: list[str] = []
    depth = 0
    prev: str | None = None  # kind of the previous token: term | op | lparen | rparen
    for tok in tokens:
        if tok.kind in ("term", "phrase", "lparen") and prev in ("term", "rparen"):
            parts.append("AND")  # FTS5 allows implicit AND only between plain phrases
        if tok.kind in ("term", "phrase"):
            text = _quote(tok.value) + ("*" if tok.prefix else "")
            parts.append(f"{tok.column} : {text}" if tok.column else text)
            prev = "term"
        elif tok.kind == "op":
            example = EXAMPLES[tok.value]
            if prev == "op":
                raise QueryError(
                    f"search: {parts[-1]} {tok.value} in {_shown(query)}: two operators in a row; "
                    f"put a term between them, as in '{example}'"
                )
            if prev in (None, "lparen"):
                where = "at the start" if prev is None else "after '('"
                raise QueryError(
                    f"search: {tok.value} {where} in {_shown(query)} needs a term on its left, "
                    f"as in '{example}'"
                )
            parts.append(tok.value)
            prev = "op"
        elif tok.kind == "lparen":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(
                    f"search: parentheses nested more than {MAX_DEPTH} deep in {_shown(query)}"
                )
            parts.append("(")
            prev = "lparen"
        else:
            if depth == 0:
                raise QueryError(f"search: unbalanced ')' in {_shown(query)}; remove it or add '('")
            if prev == "lparen":
                raise QueryError(f"search: empty '()' in {_shown(query)}; put words inside")
            if prev == "op":
                raise QueryError(
                    f"search: {parts[-1]} before ')' in {_shown(query)} needs a term after it"
                )
            depth -= 1
            parts.append(")")
            prev = "rparen"
    if prev == "op":
        raise QueryError(
            f"search: {parts[-1]} at the end of {_shown(query)} needs a term after it, as in '{EXAMPLES[parts[-1]]}'"
        )
    if depth:
        raise QueryError(f"search: unbalanced '(' in {_shown(query)}; close it with ')'")
    return " ".join(parts)


@dataclass
class SearchOptions:
    all_versions: bool = False
    since: str | None = None
    until: str | None = None
    source: str | None = None
    story: str | None = None
    theme: str | None = None
    limit: int | None = 20


def _check_theme(db: Database, theme: str) -> None:
    known = db.execute(
        """select 1 from themes where slug = ? or label = ? collate nocase
           union all select 1 from version_themes where theme = ? limit 1""",
        [theme, theme, theme],
    ).fetchone()
    if not known:
        raise InputError(f"--theme {theme!r}: no such theme; 'monitor stories list' shows stories")


def _filters(db: Database, opts: SearchOptions) -> tuple[list[str], list[Any]]:
    """Conditions on the matching version ``v`` and its article ``a``."""
    clauses, params = ArticleFilter(
        story=opts.story, source=opts.source, since=opts.since, until=opts.until
    ).conditions()
    if opts.theme:
        _check_theme(db, opts.theme)
        clauses.append(
            """exists (select 1 from version_themes vt where vt.version_id = v.id and (vt.theme = ?
               or vt.theme in (select slug from themes where label = ? collate nocase)))"""
        )
        params += [opts.theme, opts.theme]
    return clauses, params


#: the columns of one shown result, for one version id (the page's rows only)
_PAGE_SQL = f"""
    select v.id as vid, v.article_id as id, v.number as version, a.current_version, a.version_count,
           highlight(versions_fts, 1, '{OPEN}', '{CLOSE}') as title,
           a.source, a.story, a.dated_at, a.url, v.observed_at,
           snippet(versions_fts, 0, '{OPEN}', '{CLOSE}', '…', 16) as snippet
    from versions_fts
    join versions v on v.id = versions_fts.rowid
    join articles a on a.id = v.article_id
    where versions_fts match ? and versions_fts.rowid = ?"""


def search(db: Database, query: str, opts: SearchOptions) -> Iterator[dict[str, Any]]:
    """Matching articles, best first: one row per article (its best-matching version).

    Two steps, so a query costs what its page costs: the ids and bm25 ranks of the
    matches that pass the filters are ranked inside SQLite (no text, no snippet),
    then highlights and snippets are made for the rows shown only. A page (``limit``)
    is first looked for among the :data:`RANKED` newest matches; when they do not fill
    it, every match is ranked.
    """
    match = to_fts(query)
    clauses, params = _filters(db, opts)
    if not opts.all_versions:
        clauses.insert(0, "v.number = a.current_version")
    since = 0
    if opts.since:
        # versions of articles dated in the window have ids from this one on: FTS5 seeks
        # its lists there instead of matching the whole archive (the window's own cost)
        since = _first_version_since(db, opts.since)
    # run the statements now, so a bad query fails before the caller writes anything
    try:
        newest = _newest_ranked(db, match, since) if opts.limit else 0
        page: list[Any] | None = None
        if newest > since:
            bound = newest
            page = _page(db, match, bound, clauses, params, opts)
            if len(page) < (opts.limit or 0):  # the newest do not fill it: rank them all
                page = None
        if page is None:
            bound = since
            page = _page(db, match, bound, clauses, params, opts)
    except sqlite3.OperationalError as exc:
        # the parser should have caught every bad query; this is the last resort
        raise QueryError(f"search: cannot run {_shown(query)}: {exc}") from exc
    picked: list[tuple[int, float, list[int] | None]]
    if opts.all_versions:
        clauses, params = _bounded(clauses, params, bound)
        # rows of the shortcut: (vid, aid, number, rank); of the full query: (aid, best, numbers)
        aids = [row[1] if len(row) == 4 else row[0] for row in page]
        picked = [_article_hits(db, match, clauses, params, aid) for aid in aids]
    else:
        picked = [(vid, rank, None) for vid, _aid, _number, rank in page]
    return _results(db, match, picked, query)


def _bounded(clauses: list[str], params: list[Any], bound: int) -> tuple[list[str], list[Any]]:
    """The conditions with the matches' lowest version id (none when 0)."""
    if not bound:
        return clauses, params
    return ["versions_fts.rowid >= ?", *clauses], [bound, *params]


def _page(
    db: Database,
    match: str,
    bound: int,
    clauses: list[str],
    params: list[Any],
    opts: SearchOptions,
) -> list[Any]:
    """The ranked rows of the page (all rows without a limit) among the matches from
    version id ``bound`` on."""
    clauses, params = _bounded(clauses, params, bound)
    where = "".join(f" and {c}" for c in clauses)
    ranked = f"""
        select v.id as vid, v.article_id as aid, v.number as number,
               bm25(versions_fts, 1.0, 5.0) as rank
        from versions_fts
        join versions v on v.id = versions_fts.rowid
        join articles a on a.id = v.article_id
        where versions_fts match ?{where}"""
    if opts.all_versions:
        # one row per article: its best rank (ties: the newest version), every number matched
        # (materialized: bm25() cannot run inside the aggregate once the subquery is flattened)
        sql = f"""with hits as materialized ({ranked})
                  select aid, min(rank) as best, group_concat(number) as numbers
                  from hits group by aid order by best, aid"""
    else:
        sql = ranked + " order by rank, aid, number desc"
    args: list[Any] = [match, *params]
    if opts.limit:
        sql += " limit ?"
        args.append(opts.limit)
        wanted = max(CANDIDATES, 4 * opts.limit)
        while wanted <= RANKED:
            # not provable from these candidates (ties at the edge, a narrow filter):
            # more candidates before joining every match
            page = _best_first(
                db, match, bound, clauses, params, opts.limit, opts.all_versions, wanted
            )
            if page is not None:
                return page
            wanted *= 8
    return db.execute(sql, args).fetchall()


def _first_version_since(db: Database, since: str) -> int:
    """The lowest version id of any article dated at or after ``since`` (via the index
    on ``dated_at``: as many rows as the window holds)."""
    row = db.execute(
        """select min(v.id) from articles a cross join versions v on v.article_id = a.id
           where a.dated_at >= ?""",  # cross join: from the window's articles, in that order
        [since],
    ).fetchone()
    if row[0] is not None:
        return int(row[0])
    return int(db.execute("select coalesce(max(id), 0) + 1 from versions").fetchone()[0])


#: matches ranked by FTS5 alone before the filters are tried on them
CANDIDATES = 500
#: matching versions ranked first, the newest ones (bm25 costs ~1 µs a match: a common
#: word in a million versions would take a second): when they fill the page it is made
#: from them; else every match is ranked
RANKED = 20_000


def _newest_ranked(db: Database, match: str, bound: int) -> int:
    """The lowest version id of the :data:`RANKED` newest matches at or above ``bound``
    (0 when there are fewer: all are ranked). FTS5 walks the ids alone, newest first,
    without ranking them (~0.05 µs a match)."""
    row = db.execute(
        """select rowid from versions_fts where versions_fts match ? and rowid >= ?
           order by rowid desc limit 1 offset ?""",
        [match, bound, RANKED - 1],
    ).fetchone()
    return int(row[0]) if row else 0


def _best_first(
    db: Database,
    match: str,
    bound: int,
    clauses: list[str],
    params: list[Any],
    limit: int,
    by_article: bool = False,
    wanted: int = CANDIDATES,
) -> list[tuple[Any, ...]] | None:
    """The page from the best-ranked matches alone, when that is provably the page.

    FTS5 ranks every match in C and keeps the best ``wanted`` (no join per
    match); the filters run on those only. The answer is exact when the page is full
    and its last rank is below the worst candidate's (every match ranked before it is
    a candidate), or when the candidates are all the matches; else ``None``.
    ``by_article``: the page is of articles (their first, best, version's rows).
    """
    ok = " and ".join(clauses) or "1"
    rows = db.execute(
        f"""with top as materialized (
                select rowid as vid, bm25(versions_fts, 1.0, 5.0) as rank from versions_fts
                where versions_fts match ? and rowid >= ? order by rank limit ?)
            select v.id, v.article_id, v.number, top.rank, ({ok}) as ok
            from top join versions v on v.id = top.vid join articles a on a.id = v.article_id
            order by top.rank, v.article_id, v.number desc""".replace(
            "versions_fts.rowid", "top.vid"
        ),
        [match, bound, wanted, *params],
    ).fetchall()
    passing = [row[:4] for row in rows if row[4]]
    if by_article:
        firsts: dict[int, tuple[Any, ...]] = {}
        for row in passing:
            firsts.setdefault(row[1], row)
        passing = list(firsts.values())
    if len(rows) < wanted:
        return passing[:limit]
    if len(passing) >= limit and passing[limit - 1][3] < rows[-1][3]:
        return passing[:limit]
    return None


def _article_hits(
    db: Database, match: str, clauses: list[str], params: list[Any], aid: int
) -> tuple[int, float, list[int] | None]:
    """(version id, rank, numbers matched) of one article's best-ranked version (ties:
    the newest), from its own versions only (FTS5 is asked for those rowids)."""
    more = "".join(f" and {c}" for c in clauses).replace("versions_fts.rowid", "v.id")
    rows = db.execute(
        f"""select versions_fts.rowid, v2.number, bm25(versions_fts, 1.0, 5.0) as rank
            from versions_fts join versions v2 on v2.id = versions_fts.rowid
            where versions_fts match ? and versions_fts.rowid in (
                select v.id from versions v join articles a on a.id = v.article_id
                where v.article_id = ?{more})""",
        [match, aid, *params],
    ).fetchall()
    vid, _number, rank = min(rows, key=lambda r: (r[2], -r[1]))
    return vid, rank, sorted(r[1] for r in rows)


def _results(
    db: Database, match: str, picked: list[tuple[int, float, list[int] | None]], query: str
) -> Iterator[dict[str, Any]]:
    for i in range(0, len(picked), PAGE_ROWS):
        chunk = picked[i : i + PAGE_ROWS]
        try:
            rows = _page_rows(db, match, [vid for vid, _rank, _matched in chunk])
        except sqlite3.OperationalError as exc:
            raise QueryError(f"search: cannot run {_shown(query)}: {exc}") from exc
        for vid, rank, matched in chunk:
            row = rows[vid]
            row["versions_matched"] = matched or [row["version"]]
            row["in_current"] = row["current_version"] in row["versions_matched"]
            row["rank"] = round(rank, 4)
            yield row


#: result rows made by one statement
PAGE_ROWS = 200


def _page_rows(db: Database, match: str, vids: list[int]) -> dict[int, dict[str, Any]]:
    """The shown columns of versions ``vids``, by id, from one MATCH: FTS5 expands a
    prefix query once (per row, a page of 20 expanded it 20 times) and walks only the
    ids between the page's lowest and highest; highlights and snippets are made for
    the page's rows only."""
    marks = ",".join("?" * len(vids))
    cursor = db.execute(
        _PAGE_SQL.replace("versions_fts.rowid = ?", "versions_fts.rowid between ? and ?")
        # (unary +: the ids are a filter, not one FTS5 lookup each, which expands again)
        + f" and +versions_fts.rowid in ({marks})",
        [match, min(vids), max(vids), *vids],
    )
    columns = [d[0] for d in cursor.description]
    out: dict[int, dict[str, Any]] = {}
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        out[row.pop("vid")] = row
    return out


def mark(text: str | None, open_: str, close: str) -> str:
    """Replace the internal match markers with ``open_``/``close``.

    The stored text between the markers is cleaned of escape sequences and control
    characters (:func:`monitor.safetext.clean`): only ``open_``/``close`` may style it.
    """
    pieces = (text or "").split(OPEN)
    return open_.join(
        close.join(safetext.clean(part, newlines=True) for part in piece.split(CLOSE))
        for piece in pieces
    )
