"""Times for people: stored UTC ISO strings shown in the local time zone (the ``TZ``
environment variable, else the system's), or in UTC when asked; the zone is named."""

from __future__ import annotations

from datetime import datetime, timezone

from monitor.text.timeutil import parse_datetime


def zone_name(utc: bool = False, when: datetime | None = None) -> str:
    """``UTC``, or the local zone's abbreviation (``PKT``, ``CET``) or offset (``+05``)."""
    if utc:
        return "UTC"
    moment = (when or datetime.now(timezone.utc)).astimezone()
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        offset = moment.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("", "+0000") else "UTC"
    return name


def shown(value: str | None, utc: bool = False, *, date_only: bool = False) -> str:
    """A stored UTC time as ``YYYY-MM-DD HH:MM`` (or ``YYYY-MM-DD``) in local time, or in
    UTC with ``utc``; a bare date, or a value that is not a time, is returned as given."""
    if not value:
        return ""
    if len(value) == 10 and value[4] == "-":  # a bare date: a day, in no zone
        return value
    moment = parse_datetime(value)
    if moment is None:
        return value
    moment = moment.astimezone(timezone.utc) if utc else moment.astimezone()
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    return day if date_only else f"{day} {moment.hour:02d}:{moment.minute:02d}"
