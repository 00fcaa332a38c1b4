"""Times: every stored timestamp is UTC ISO-8601 (``2026-11-24T10:00:00Z``).

Years are always four digits (``0099``, never ``99``), so stored timestamps
compare correctly as strings. A date from outside (a feed, a page, a header) with
a year outside :data:`FIRST_YEAR`..:data:`LAST_YEAR` is a mistake or a trick, not
a publication date: :func:`published_iso` drops it (``None``) with a logged note.
For ``--since``/``--until``, a span reaching back before 1900 means "from the
start" and a date after 2100 (``9999-12-31``) means "no end".
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from monitor.errors import InputError

_SPAN = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}

#: the plausible range of a publication year; outside it a date from outside is dropped
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: what ``--since`` means when it reaches back before FIRST_YEAR: from the start
EARLIEST = f"{FIRST_YEAR}-01-01T00:00:00Z"
#: what ``--until`` means after LAST_YEAR (``9999-12-31``): no end; sorts after every timestamp
NO_END = "9999-12-31T23:59:59Z"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(dt: datetime) -> str:
    """Format an aware or naive (taken as UTC) datetime as ``YYYY-MM-DDTHH:MM:SSZ``."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    # not strftime("%Y"): it writes year 99 as "99" on glibc, and "99-01-02" sorts after "2026"
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z"
    )


def now_iso() -> str:
    return iso(utcnow())


def parse_datetime(value: str) -> datetime | None:
    """Parse an ISO-8601 or RFC 2822 date/time; ``None`` when it is neither.

    A date without a time is midnight UTC; a time without a zone is UTC.
    """
    text = value.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime  # only feeds need it (7 ms)

            dt = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if dt is None:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC
        return None


def plausible(dt: datetime) -> bool:
    """Whether ``dt`` could be a publication date: its year is in FIRST_YEAR..LAST_YEAR."""
    return FIRST_YEAR <= dt.year <= LAST_YEAR


def published_iso(dt: datetime | None, *, what: str = "date") -> str | None:
    """``dt`` as a stored timestamp, or ``None`` (with a logged note) when it is implausible."""
    if dt is None:
        return None
    if not plausible(dt):
        import logging  # here: logging is 4 ms of every command's start-up

        logging.getLogger(__name__).info(
            "%s %s dropped: year outside %d-%d", what, iso(dt), FIRST_YEAR, LAST_YEAR
        )
        return None
    return iso(dt)


def parse_published(value: str, *, what: str = "date") -> str | None:
    """A publication date from outside as a stored timestamp; ``None`` when it is not a
    date or its year is outside FIRST_YEAR..LAST_YEAR."""
    return published_iso(parse_datetime(value), what=what)


def parse_date_option(value: str, name: str) -> str:
    """A user's ``--published`` value as a stored timestamp, or a clear error."""
    dt = parse_datetime(value)
    if dt is None:
        raise InputError(
            f"{name}: {value!r} is not a date; use ISO form such as 2026-10-12 or 2026-10-12T08:30Z"
        )
    if not plausible(dt):
        raise InputError(
            f"{name}: {value!r} is not a plausible publication date; "
            f"give a year from {FIRST_YEAR} to {LAST_YEAR}"
        )
    return iso(dt)


def parse_when(value: str, name: str = "--since", now: datetime | None = None) -> str:
    """An ISO date/time or a relative span back from now (``90m``, ``24h``, ``7d``, ``2w``)."""
    match = _SPAN.match(value)
    if match:
        digits, unit = match.group(1), match.group(2).lower()
        if len(digits) > 12:  # more than any span since 1900 in any unit; int() may refuse it
            return EARLIEST
        try:
            moment = (now or utcnow()) - timedelta(**{_UNITS[unit]: int(digits)})
        except OverflowError:  # further back than datetime goes: from the start
            return EARLIEST
        return iso(moment) if moment.year >= FIRST_YEAR else EARLIEST
    dt = parse_datetime(value)
    if dt is None:
        raise InputError(
            f"{name}: {value!r} is neither a date (2026-10-12, 2026-10-12T08:30Z) "
            "nor a span back from now (24h, 7d, 2w)"
        )
    return iso(dt)


def parse_until(value: str, name: str = "--until") -> str:
    """Like :func:`parse_when`, but a bare date means the end of that day, and a
    date after LAST_YEAR (``9999-12-31``) means no end (:data:`NO_END`)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise InputError(f"{name}: {value!r} is not a date ({exc}); use YYYY-MM-DD") from exc
        if day.year > LAST_YEAR:
            return NO_END
        end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)
        return iso(end)
    moment = parse_when(value, name)
    return NO_END if moment > f"{LAST_YEAR + 1}" else moment
