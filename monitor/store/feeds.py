"""The ``feeds`` table: add, list, edit (story, name, paused), remove, which feeds are
due, and each fetch's outcome.

A feed is an http(s) URL or a local file path (stored absolute; read from disk,
parsed like a download). When it is due next is :mod:`monitor.schedule`'s rule.
A 410 Gone deactivates the feed; a permanent redirect replaces its stored URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from monitor.errors import InputError, NotFoundError
from monitor.text.timeutil import iso, parse_datetime, utcnow
from monitor.text.urls import is_local, local_path, looks_like_url
from monitor.types import FetchOutcome

if TYPE_CHECKING:
    from sqlite_utils import Database


def normalise_feed_location(location: str) -> str:
    """An http(s) URL as given, or a local file as an absolute path; else a clear error."""
    location = location.strip()
    if not is_local(location):
        if not looks_like_url(location):
            raise InputError(f"feed {location!r}: not a valid http(s) URL")
        return location
    if "://" in location and not location.lower().startswith("file://"):
        raise InputError(f"feed {location!r}: only http(s) URLs and local files are supported")
    path = local_path(location)
    if not path.is_file():
        if path.exists():  # a FIFO, a device, a directory: never opened to find out more
            raise InputError(f"feed {location!r}: not a regular file; give a feed file")
        raise InputError(f"feed {location!r}: no such file (give an http(s) URL or a feed file)")
    return str(path.resolve())


def check_story(db: Database, story: str | None) -> None:
    if story and not db.execute("select 1 from stories where slug = ?", [story]).fetchone():
        raise NotFoundError(f"story {story!r}: not found; add it with 'monitor stories add FILE'")


def add_feed(
    db: Database,
    url: str,
    story: str | None = None,
    name: str | None = None,
    *,
    title: str | None = None,
    paused: bool = False,
) -> dict:
    location = normalise_feed_location(url)
    check_story(db, story)
    existing = find_feed(db, location)
    if existing:
        raise InputError(
            f"feed {location}: already followed (id {existing['id']}); "
            f"change its story or name with 'monitor feeds edit {existing['id']}'"
        )
    with db.atomic():
        feed_id = (
            db.table("feeds")
            .insert(
                {
                    "url": location,
                    "story": story,
                    "name": name,
                    "title": title,
                    "active": 1,
                    "paused": 1 if paused else 0,
                    "error_count": 0,
                    "entries_seen": 0,
                    "created_at": iso(utcnow()),
                }
            )
            .last_pk
        )
    return get_feed(db, int(feed_id or 0))


def get_feed(db: Database, feed_id: int) -> dict[str, Any]:
    rows = list(db.query("select * from feeds where id = ?", [feed_id]))
    if not rows:
        raise NotFoundError(f"feed {feed_id}: not found (see 'monitor feeds list')")
    return rows[0]


def find_feed(db: Database, url: str) -> dict[str, Any] | None:
    rows = list(db.query("select * from feeds where url = ?", [url]))
    return rows[0] if rows else None


def resolve_feed(db: Database, ref: str) -> dict[str, Any]:
    """A feed named by id, URL, or (for local feeds) path."""
    ref = ref.strip()
    if ref.isdigit():
        return get_feed(db, int(ref))
    row = find_feed(db, ref)
    if row is None and is_local(ref):
        row = find_feed(db, str(local_path(ref).resolve()))
    if row is None:
        raise NotFoundError(f"feed {ref!r}: not followed (see 'monitor feeds list')")
    return row


def remove_feed(db: Database, ref: str) -> dict[str, Any]:
    """Stop following a feed; its articles stay (their ``feed_id`` becomes empty)."""
    row = resolve_feed(db, ref)
    with db.atomic():
        db.execute("delete from feeds where id = ?", [row["id"]])
    return row


def edit_feed(
    db: Database,
    ref: str,
    *,
    story: str | None = None,
    name: str | None = None,
    paused: bool | None = None,
) -> dict[str, Any]:
    """Change a feed's story (``""``: keep every entry), name (``""``: none) or paused
    state; what is not given stays. Returns the row as it is now."""
    row = resolve_feed(db, ref)
    updates: dict[str, Any] = {}
    if story is not None:
        check_story(db, story or None)
        updates["story"] = story or None
    if name is not None:
        updates["name"] = name or None
    if paused is not None:
        updates["paused"] = 1 if paused else 0
        if not paused:
            updates["next_fetch_at"] = None  # resumed: due at the next run
    if updates:
        with db.atomic():
            db.table("feeds").update(row["id"], updates)
    return get_feed(db, row["id"])


def list_feeds(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            """select f.id, f.url, f.story, f.name, f.title, f.active, f.paused, f.last_fetched_at,
                      f.last_status, f.last_error, f.error_count, f.entries_seen,
                      f.next_fetch_at, f.created_at,
                      (select count(*) from articles a where a.feed_id = f.id) as articles
               from feeds f order by f.id"""
        )
    )


def due_feeds(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    """Active feeds, not paused, whose ``next_fetch_at`` has come (or never fetched)."""
    moment = iso(now or utcnow())
    return list(
        db.query(
            """select * from feeds where active = 1 and paused = 0
               and (next_fetch_at is null or next_fetch_at <= ?) order by id""",
            [moment],
        )
    )


def failing_feeds(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            """select id, url, story, active, last_status, last_error, error_count,
                      last_fetched_at, next_fetch_at
               from feeds where error_count > 0 or active = 0 order by error_count desc, id"""
        )
    )


def record_outcome(
    db: Database,
    feed: dict[str, Any],
    outcome: FetchOutcome,
    now: datetime,
    next_fetch_at: datetime,
) -> list[str]:
    """Write one fetch's outcome to the feed's row (call inside the feed's transaction);
    ``next_fetch_at`` comes from :func:`monitor.schedule.next_fetch`.

    Returns notes for the user (a moved or deactivated feed).
    """
    moment = now
    notes: list[str] = []
    updates: dict[str, Any] = {
        "last_fetched_at": iso(moment),
        "last_status": outcome.status,
    }
    if outcome.error is None:
        updates.update(
            error_count=0,
            last_error=f"warning: {outcome.warning}" if outcome.warning else None,
            next_fetch_at=iso(next_fetch_at),
        )
        if not outcome.not_modified:
            updates.update(
                etag=outcome.etag, last_modified=outcome.last_modified, entries_seen=outcome.entries
            )
        if outcome.title and not feed.get("title"):
            updates["title"] = outcome.title
    else:
        count = (feed.get("error_count") or 0) + 1
        updates.update(
            error_count=count,
            last_error=outcome.error,
            next_fetch_at=iso(next_fetch_at),
        )
        if outcome.status == 410:
            updates.update(active=0, last_error=f"{outcome.error}: the feed is gone; deactivated")
            notes.append(f"feed {feed['url']}: 410 Gone, deactivated")
    if outcome.moved_to and outcome.moved_to != feed["url"]:
        other = find_feed(db, outcome.moved_to)
        if other is None:
            updates["url"] = outcome.moved_to
            notes.append(f"feed {feed['url']}: moved permanently to {outcome.moved_to}")
        else:
            updates["active"] = 0
            notes.append(
                f"feed {feed['url']}: moved permanently to feed {other['id']} "
                f"({outcome.moved_to}), already followed; deactivated"
            )
    db.table("feeds").update(feed["id"], updates)
    return notes


def next_fetch_label(row: dict[str, Any], now: datetime | None = None) -> str:
    if not row.get("active"):
        return "inactive"
    if row.get("paused"):
        return "paused"
    when = parse_datetime(row["next_fetch_at"]) if row.get("next_fetch_at") else None
    if when is None or when <= (now or utcnow()):
        return "next run"
    return row["next_fetch_at"]


#: dropped headlines kept per feed
REJECTED_KEPT = 50


def record_rejected(
    db: Database, feed_id: int, entries: list[tuple[str, str | None]], when: str
) -> None:
    """Remember the (title, link) of entries the feed's story rule dropped (the last
    :data:`REJECTED_KEPT` a feed; a headline seen again is not doubled)."""
    if not entries:
        return
    known = {
        row[0]
        for row in db.execute("select title from rejected_entries where feed_id = ?", [feed_id])
    }
    fresh = [(feed_id, t[:1000], link, when) for t, link in entries if t not in known]
    db.conn.executemany(
        "insert into rejected_entries (feed_id, title, link, seen_at) values (?, ?, ?, ?)", fresh
    )
    db.execute(
        """delete from rejected_entries where feed_id = ? and id not in
           (select id from rejected_entries where feed_id = ? order by id desc limit ?)""",
        [feed_id, feed_id, REJECTED_KEPT],
    )


def rejected(db: Database, feed_id: int, limit: int = REJECTED_KEPT) -> list[dict[str, Any]]:
    """The last headlines the feed's story rule dropped, newest first."""
    rows = db.execute(
        """select seen_at, title, link from rejected_entries where feed_id = ?
           order by id desc limit ?""",
        [feed_id, limit],
    ).fetchall()
    return [{"seen_at": r[0], "title": r[1], "link": r[2]} for r in rows]
