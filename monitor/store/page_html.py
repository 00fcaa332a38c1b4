"""The ``page_html`` table: the raw HTML of each page version, zlib-compressed (the
standard library's ``zlib``, level 6: news HTML shrinks 4-8x), so the text can be
extracted again by a better extractor (``monitor reextract``). The one module that
writes it; the caller owns the transaction."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database


def compress(html: bytes) -> bytes:
    return zlib.compress(html, 6)


def decompress(blob: bytes, encoding: str = "zlib") -> bytes:
    if encoding != "zlib":
        raise ValueError(f"unknown page encoding {encoding!r}")
    return zlib.decompress(blob)


def save(db: Database, version_id: int, html: bytes, url: str | None) -> None:
    db.execute(
        "insert or replace into page_html (version_id, url, encoding, size, html) "
        "values (?, ?, 'zlib', ?, ?)",
        [version_id, url, len(html), compress(html)],
    )


def load(db: Database, version_id: int) -> bytes | None:
    row = db.execute(
        "select html, encoding from page_html where version_id = ?", [version_id]
    ).fetchone()
    return None if row is None else decompress(row[0], row[1])


def current_pages(db: Database, article_ids: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The stored HTML of each article's current version (all articles, or these),
    with the version's row: what ``monitor reextract`` goes over."""
    where = ""
    params: list[Any] = []
    if article_ids:
        where = f"and a.id in ({', '.join('?' for _ in article_ids)})"
        params = list(article_ids)
    cursor = db.execute(
        f"""select a.id, a.url, v.id, v.number, v.title, v.byline, v.text, p.html, p.encoding,
                   p.url
            from articles a join versions v
              on v.article_id = a.id and v.number = a.current_version
            join page_html p on p.version_id = v.id
            where 1 = 1 {where} order by a.id""",
        params,
    )
    names = ["article_id", "url", "version_id", "number", "title", "byline", "text"]
    for row in cursor:
        item = dict(zip(names, row[:7], strict=True))
        item["html"] = decompress(row[7], row[8])
        item["page_url"] = row[9]
        yield item
