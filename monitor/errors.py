"""Errors the library raises and the exit codes the CLI maps them to.

``MonitorError`` and its subclasses carry one clear line for the user. Feed and
page failures are :class:`FeedError`\\ s carrying the URL and the cause; a fetch
run records them on the feed and logs them on ``logging.getLogger("monitor")``
(``monitor -v`` shows them) instead of stopping.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes: ``monitor --help`` and the README's table are made from
    :data:`EXIT_CODE_MEANINGS` (a test checks the README)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    PARTIAL = 3
    NOTHING_RAN = 4
    LOCKED = 5


#: what each exit code means, in the words the help and the README use
EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.ERROR: "error: bad input, unknown id, unreadable file (one line on stderr, nothing written)",
    ExitCode.USAGE: "usage error: bad option or argument",
    ExitCode.PARTIAL: "`fetch`: the run completed but some feeds failed (each listed on stderr)",
    ExitCode.NOTHING_RAN: "`fetch`: nothing could run: no feeds followed, or every fetched feed failed",
    ExitCode.LOCKED: "`fetch`: another `fetch` holds the lock on this database (after `--wait` seconds)",
}


def exit_codes_help() -> str:
    """The exit-code table for ``--help`` epilogs (Click's ``\\b`` keeps its lines)."""
    lines = ["\b", "Exit codes:"]
    lines += [
        f"  {code.value}  {text.replace('`', '')}" for code, text in EXIT_CODE_MEANINGS.items()
    ]
    return "\n".join(lines)


class MonitorError(Exception):
    """Base of every error meant for the user: its message is one clear line."""

    exit_code: int = ExitCode.ERROR


class InputError(MonitorError):
    """The input given (a file, a date, an option value) cannot be used."""


class NotFoundError(MonitorError):
    """An article, version, story or feed named by the user does not exist."""


class LockedError(MonitorError):
    """Another process holds the lock this command needs."""

    exit_code = ExitCode.LOCKED


class FeedError(MonitorError):
    """A feed or page could not be fetched or read: the URL and the cause."""

    def __init__(self, url: str, cause: str):
        super().__init__(f"{url}: {cause}")
        self.url = url
        self.cause = cause


class HttpError(FeedError):
    """The server could not be reached, or answered with an error."""


class ParseError(FeedError):
    """The document is not a feed (or not an article page)."""
