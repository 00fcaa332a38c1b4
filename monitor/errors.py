"""Errors the library raises and the exit codes the CLI maps them to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in ``monitor --help`` and the README."""

    OK = 0
    #: a user error: bad input, unknown id, invalid date, a file that cannot be read
    ERROR = 1
    #: usage error (Click's own code for a bad option or argument)
    USAGE = 2
    #: ``fetch`` ran to the end but one or more feeds failed
    PARTIAL = 3
    #: ``fetch`` could not run at all (no feeds followed, or every fetched feed failed)
    NOTHING_RAN = 4
    #: another ``fetch`` holds the lock
    LOCKED = 5


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
