"""Times: every stored timestamp is UTC ISO-8601 (``2026-11-24T10:00:00Z``)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from monitor.errors import InputError

_SPAN = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(dt: datetime) -> str:
    """Format an aware or naive (taken as UTC) datetime as ``YYYY-MM-DDTHH:MM:SSZ``."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


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
            dt = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if dt is None:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def parse_date_option(value: str, name: str) -> str:
    """A user's ``--published`` value as a stored timestamp, or a clear error."""
    dt = parse_datetime(value)
    if dt is None:
        raise InputError(
            f"{name}: {value!r} is not a date; use ISO form such as 2026-10-12 or 2026-10-12T08:30Z"
        )
    return iso(dt)


def parse_when(value: str, name: str = "--since", now: datetime | None = None) -> str:
    """An ISO date/time or a relative span back from now (``90m``, ``24h``, ``7d``, ``2w``)."""
    match = _SPAN.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        moment = (now or utcnow()) - timedelta(**{_UNITS[unit]: amount})
        return iso(moment)
    dt = parse_datetime(value)
    if dt is None:
        raise InputError(
            f"{name}: {value!r} is neither a date (2026-10-12, 2026-10-12T08:30Z) "
            "nor a span back from now (24h, 7d, 2w)"
        )
    return iso(dt)


def parse_until(value: str, name: str = "--until") -> str:
    """Like :func:`parse_when`, but a bare date means the end of that day."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text) + timedelta(days=1)
        except ValueError as exc:
            raise InputError(f"{name}: {value!r} is not a date ({exc}); use YYYY-MM-DD") from exc
        return iso(
            datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(seconds=1)
        )
    return parse_when(value, name)
