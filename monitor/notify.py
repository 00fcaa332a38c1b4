"""``monitor notify``: alerts where people read. The new and edited articles of a
window go to destinations named by Apprise URLs (``mailto://``, ``json://``,
``slack://``, ``matrix://``, ``ntfy://`` and 100 more), as one digest or one message
per substantive edit.

Each destination gets each change once: what it accepted is recorded in the
``deliveries`` table (:mod:`monitor.store.deliveries`); a failed attempt is recorded
as failed, never as delivered, and the next run sends it again. Two runs on one
database do not send the same change twice: they take turns (a lock file).

Apprise is an optional dependency (``pip install 'monitor[notify]'``), imported
when a message is sent.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.analysis import delivery
from monitor.errors import InputError
from monitor.render import message
from monitor.store import deliveries

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class NotifyOptions:
    to: list[str] = field(default_factory=list)
    config: Path | None = None
    each: bool = False
    min_severity: str = "minor"
    since: str = ""  # ISO start of the window of changes considered
    until: str = ""
    story: str | None = None


@dataclass
class DestinationResult:
    label: str
    items: int = 0  # changes delivered this run
    messages: int = 0
    pending: int = 0  # changes that waited for this destination
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def destinations_from(path: Path) -> list[str]:
    """The Apprise URLs of a TOML file: ``destinations = ["mailto://...", ...]``, each
    a string or a table with ``url``."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"--config {path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"--config {path}: not valid TOML ({exc})") from None
    found = data.get("destinations")
    if not isinstance(found, list) or not found:
        raise InputError(f'--config {path}: give destinations = ["mailto://...", ...]')
    urls = []
    for entry in found:
        url = entry.get("url") if isinstance(entry, dict) else entry
        if not isinstance(url, str) or not url.strip():
            raise InputError(f"--config {path}: each destination is a URL string or {{url = ...}}")
        urls.append(url.strip())
    return urls


def _apprise() -> Any:
    try:
        import apprise
    except ImportError:
        raise InputError(
            "monitor notify needs Apprise: pip install 'monitor[notify]' (or pip install apprise)"
        ) from None
    return apprise


def destination_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class Destination:
    """One Apprise URL, checked when made; ``send`` returns None or the error."""

    def __init__(self, url: str):
        apprise = self.apprise = _apprise()
        self.key = destination_key(url)
        self.client = apprise.Apprise()
        if not self.client.add(url):
            scheme = url.split("://", 1)[0] if "://" in url else url[:20]
            raise InputError(f"--to {scheme}://...: not a destination Apprise can send to")
        self.label = str(self.client[0].url(privacy=True))
        # pieces of the URL that the label hides (passwords, tokens): kept out of errors
        self._secrets = sorted(
            {p for p in re.split(r"[:/@?&=#]+", url) if len(p) >= 6 and p not in self.label},
            key=len,
            reverse=True,
        )

    def send(self, title: str, body: str) -> str | None:
        apprise = self.apprise
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = self.client.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
        if ok:
            return None
        detail = " ".join(captured.getvalue().split())
        for secret in self._secrets:
            detail = detail.replace(secret, "***")
        return detail[:300] or "the destination did not accept the message"


def candidates(db: Database, opts: NotifyOptions) -> list[dict[str, Any]]:
    """The changes of the window worth sending: edits at or above ``min_severity`` and,
    for a digest, new articles; each edit with its changed passages."""
    floor = delivery.rank(opts.min_severity)
    items = []
    for item in delivery.version_items(db, opts.since, opts.until, opts.story):
        if item["kind"] == "new":
            if opts.each:
                continue
        elif delivery.rank(item["severity"]) < floor:
            continue
        items.append(item)
    return items


def _with_passages(db: Database, item: dict[str, Any]) -> dict[str, Any]:
    if item["kind"] == "edit" and "passages" not in item:
        cmp = delivery.comparison(db, item)
        item["passages"] = delivery.passages(cmp) if cmp is not None else []
    return item


def run(db: Database, opts: NotifyOptions) -> list[DestinationResult]:
    """Send what each destination has not received yet; record every attempt."""
    if opts.min_severity not in delivery.LEVELS:
        raise InputError(
            f"--min-severity {opts.min_severity}: choose one of {', '.join(delivery.LEVELS)}"
        )
    urls = list(opts.to) + (destinations_from(opts.config) if opts.config else [])
    if not urls:
        raise InputError("no destination: give --to URL (Apprise URL) or --config FILE")
    targets = [Destination(url) for url in dict.fromkeys(urls)]  # all checked before sending
    items = candidates(db, opts)
    results = []
    for target in targets:
        done = deliveries.delivered(db, target.key)
        pending = [_with_passages(db, i) for i in items if i["key"] not in done]
        result = DestinationResult(target.label, pending=len(pending))
        results.append(result)
        if not pending:
            continue
        batches = [[i] for i in pending] if opts.each else [pending]
        for batch in batches:
            if opts.each:
                title, body = message.item_title(batch[0]), message.item_body(batch[0])
            else:
                title = message.digest_title(batch, opts.story)
                body = message.digest_body(batch)
            error = target.send(title, body)
            deliveries.record(db, target.key, target.label, batch, error)
            if error is None:
                result.items += len(batch)
                result.messages += 1
            else:
                log.warning("notify %s: %s", target.label, error)
                result.errors.append(error)
    return results
