"""``monitor export WHAT``: stream a table of the database as CSV, JSON or JSON lines.

Rows come straight from an SQLite cursor to the writer, one at a time, so memory
stays flat however many rows there are. A file is written beside its final name
and renamed at the end: a failed export leaves no half file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from monitor.errors import InputError
from monitor.render import rows as output
from monitor.store.articles import CURRENT
from monitor.store.queries import ArticleFilter
from monitor.text import evidence
from monitor.themes import trends

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = ("csv", "xlsx", "json", "nl")
PERIODS = trends.PERIODS

#: which ``list`` filters each export understands (others are a usage error)
FILTERS: dict[str, set[str]] = {
    "articles": {"story", "source", "since", "until", "edited", "limit"},
    "versions": {"story", "source", "since", "until", "edited", "limit"},
    "themes": {"story", "source", "since", "until", "edited", "limit"},
    "theme-trends": {"story", "source", "since", "until", "edited", "limit"},
    "edits": {"story", "source", "since", "until", "edited", "limit"},
    "feeds": {"story", "limit"},
    "runs": {"since", "until", "limit"},
}
WHATS = tuple(FILTERS)


@dataclass
class ExportOptions:
    what: str
    flt: ArticleFilter
    by: str = "month"


@dataclass
class Rows:
    columns: list[str]
    rows: Iterator[dict[str, Any]]


def _stream(db: Database, sql: str, params: list[Any]) -> Rows:
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]

    def rows() -> Iterator[dict[str, Any]]:
        for values in cursor:
            yield dict(zip(columns, values, strict=True))

    return Rows(columns, rows())


def _with_snippets(found: Rows) -> Rows:
    """Theme rows with their evidence as shown: the snippet made again from the version's
    text (a tag stores where its snippet is, :mod:`monitor.text.evidence`); the text
    read for it is not a column of the export."""
    columns = [c for c in found.columns if c != "text"]

    def rows() -> Iterator[dict[str, Any]]:
        for row in found.rows:
            text = row.pop("text")
            if text is not None:
                row["evidence"] = evidence.expand_json(row["evidence"], row["title"], text)
            yield row

    return Rows(columns, rows())


def _limit(sql: str, params: list[Any], limit: int | None) -> tuple[str, list[Any]]:
    if limit:
        return sql + " limit ?", [*params, limit]
    return sql, params


def query_rows(db: Database, opts: ExportOptions) -> Rows:
    """The rows of one export, as a cursor-backed stream."""
    what, flt = opts.what, opts.flt
    if what not in FILTERS:
        raise InputError(f"export: unknown {what!r}; choose one of {', '.join(WHATS)}")
    # the article filter without its limit: the limit applies to the exported rows
    where, params = ArticleFilter(
        story=flt.story, source=flt.source, since=flt.since, until=flt.until, edited=flt.edited
    ).where()
    if what == "articles":
        sql = f"""select a.id, a.url, v.title, a.source, a.story, a.published_at, a.dated_at,
                a.first_seen_at, a.last_seen_at, a.version_count, a.current_version, v.words,
                v.byline, v.text
            from {CURRENT}
            {where} order by a.dated_at desc, a.id desc"""
    elif what == "versions":
        sql = f"""select v.article_id, v.number as version, v.observed_at, v.title, v.byline,
                v.published_at, v.words, v.origin, v.content_hash, a.source, a.story, a.url,
                v.text
            from versions v join articles a on a.id = v.article_id
            {where} order by v.article_id, v.number"""
    elif what == "themes":
        sql = f"""select a.id as article_id, v.number as version, vt.story, vt.theme,
                t.label, vt.score, vt.evidence, a.dated_at, a.source, v.title,
                case when vt.evidence like '%"at":%' then v.text end as text
            from {CURRENT}
            join version_themes vt on vt.version_id = v.id
            left join themes t on t.story = vt.story and t.slug = vt.theme
            {where} order by a.dated_at desc, a.id desc, vt.score desc, vt.theme"""
        sql, params = _limit(sql, params, flt.limit)
        return _with_snippets(_stream(db, sql, params))
    elif what == "theme-trends":
        sql = f"""select a.id, a.dated_at, vt.story, vt.theme, t.label, vt.score
            from {CURRENT}
            join version_themes vt on vt.version_id = v.id
            left join themes t on t.story = vt.story and t.slug = vt.theme
            {where}"""
        found = trends.period_rows(db, sql, params, opts.by)
        if flt.limit:
            found = found[: flt.limit]
        return Rows(list(trends.TREND_COLUMNS), iter(found))
    elif what == "edits":
        sql = f"""select d.article_id, d.from_number, d.to_number, d.observed_at,
                d.words_added, d.words_removed, d.paragraphs_added, d.paragraphs_removed,
                d.paragraphs_changed, d.title_changed, d.title_old, d.title_new,
                d.quotes_added, d.quotes_removed, d.quotes_altered, d.numbers_changed,
                d.severity, d.headline_change, d.correction_notice, d.summary,
                a.source, a.story, a.url
            from diffs d join articles a on a.id = d.article_id
            {where} order by d.observed_at, d.article_id, d.to_number"""
    elif what == "feeds":
        clause, fparams = ("where story = ?", [flt.story]) if flt.story else ("", [])
        sql, params = f"select * from feeds {clause} order by id", fparams
    else:  # runs
        clauses, params = [], []
        if flt.since:
            clauses.append("started_at >= ?")
            params.append(flt.since)
        if flt.until:
            clauses.append("started_at <= ?")
            params.append(flt.until)
        clause = (" where " + " and ".join(clauses)) if clauses else ""
        sql = f"select * from runs{clause} order by started_at, id"
    sql, params = _limit(sql, params, flt.limit)
    return _stream(db, sql, params)


def write(rows: Rows, fmt: str, out: IO[Any], safe: bool = True, bom: bool = False) -> int:
    """Write ``rows`` to ``out`` (a binary stream for xlsx, else text); return the count."""
    if fmt == "xlsx":
        from monitor.render import xlsx

        return xlsx.write_xlsx(rows.rows, out, columns=rows.columns)
    text = cast(TextIO, out)
    if fmt == "csv":
        return output.write_csv(rows.rows, text, columns=rows.columns, safe=safe, bom=bom)
    if fmt == "json":
        return output.write_json_array(rows.rows, text)
    if fmt == "nl":
        return output.write_nl(rows.rows, text)
    raise InputError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")


def export(
    db: Database,
    opts: ExportOptions,
    fmt: str,
    out: IO[Any] | None = None,
    path: Path | None = None,
    safe: bool = True,
    bom: bool = False,
) -> int:
    """Export to ``path`` (atomically) or the stream ``out`` (binary for xlsx); return the
    row count."""
    if fmt == "xlsx":
        from monitor.render import xlsx

        xlsx.require()
    rows = query_rows(db, opts)
    if path is None:
        assert out is not None
        return write(rows, fmt, out, safe, bom)
    path = Path(path)
    check_output_path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write in {path.parent} ({exc.strerror})") from exc
    try:
        if fmt == "xlsx":
            with os.fdopen(fd, "wb") as binary:
                count = write(rows, fmt, binary)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                count = write(rows, fmt, handle, safe, bom)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a quota: nothing half-written is left
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(
            f"-o {path}: could not write ({exc.strerror}); nothing was changed"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return count


def check_output_path(path: Path) -> None:
    """``-o`` writes regular files only: it never replaces a symlink, a device, a FIFO or a
    directory (as root, ``-o /dev/null`` would otherwise replace ``/dev/null``)."""
    if path.is_symlink():
        raise InputError(f"-o {path}: is a symbolic link; give the path of a regular file")
    if path.exists() and not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file (a device or a pipe)"
        raise InputError(f"-o {path}: is {kind}; give the path of a regular file, or - for stdout")
    if not path.parent.exists():
        raise InputError(f"-o {path}: folder {path.parent} does not exist")
