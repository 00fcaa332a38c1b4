"""The report of one fetch run: per feed (entries kept, stored, skipped, failures as
typed errors) and for the run (status, exit code, the one-line summary cron mails)."""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.errors import ExitCode, FeedError, HttpError, ParseError


@dataclass
class FeedReport:
    feed_id: int
    url: str
    error: str | None = None
    warning: str | None = None
    status: int = 0
    not_modified: bool = False
    entries: int = 0
    kept: int = 0
    dropped: int = 0  # entries the feed's story rule did not keep ('feeds rejected ID')
    new_articles: int = 0
    new_versions: int = 0
    seen: int = 0  # kept entries already stored and unchanged
    skipped: int = 0  # entries that could not be stored (each rolled back alone)
    skip_reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def failure(self) -> FeedError | None:
        """The failure as an exception carrying the URL and the cause."""
        if self.error is None:
            return None
        kind = ParseError if self.error.startswith(("not a feed", "empty response")) else HttpError
        return kind(self.url, self.error)


@dataclass
class RunReport:
    run_id: int
    feeds: list[FeedReport] = field(default_factory=list)
    followed: int = 0  # active feeds in the database (not paused)
    pages_fetched: int = 0
    page_errors: list[tuple[str, str]] = field(default_factory=list)
    rechecked: int = 0
    recheck_versions: int = 0
    suspects: int = 0  # pages recorded as suspect instead of a version
    out_of_time: int = 0  # feeds left when the run budget was spent
    recheck_asked: bool = False
    seconds: float = 0.0

    @property
    def feeds_ok(self) -> int:
        return sum(1 for f in self.feeds if f.ok)

    @property
    def feeds_failed(self) -> int:
        return sum(1 for f in self.feeds if not f.ok)

    @property
    def new_articles(self) -> int:
        return sum(f.new_articles for f in self.feeds)

    @property
    def new_versions(self) -> int:
        return sum(f.new_versions for f in self.feeds) + self.recheck_versions

    @property
    def status(self) -> str:
        if self.out_of_time:
            return "partial" if self.feeds_ok or self.rechecked else "failed"
        if not self.feeds:
            if self.rechecked:
                return "ok"
            if self.recheck_asked:
                return "idle"  # nothing due: not a failure
            return "nothing" if not self.followed else "idle"
        if not self.feeds_failed:
            return "ok"
        return "failed" if not self.feeds_ok else "partial"

    @property
    def exit_code(self) -> int:
        return {
            "ok": ExitCode.OK,
            "idle": ExitCode.OK,
            "partial": ExitCode.PARTIAL,
            "failed": ExitCode.NOTHING_RAN,
            "nothing": ExitCode.NOTHING_RAN,
        }[self.status]

    def summary(self) -> str:
        if self.out_of_time:
            return (
                f"stopped when the run budget was spent: {len(self.feeds)} feeds stored, "
                f"{self.out_of_time} left for the next run (--timeout to allow more)"
            )
        if self.status == "nothing":
            return "no feeds to fetch: add one with 'monitor feeds add URL'"
        if self.status == "idle" and not self.feeds and not self.rechecked and self.recheck_asked:
            return f"no feed due yet ({self.followed} followed) and no page due a recheck"
        if self.status == "idle":
            return f"no feed due yet ({self.followed} followed); nothing fetched"
        if not self.feeds:
            return (
                f"no feed fetched; {self.rechecked} pages rechecked, "
                f"{self.recheck_versions} new versions"
                + (f", {self.suspects} suspect pages held back" if self.suspects else "")
                + f" in {self.seconds:.1f} s"
            )
        failed = f" ({self.feeds_failed} failed)" if self.feeds_failed else ""
        extra = ""
        if self.pages_fetched:
            extra += f", {self.pages_fetched} pages"
            if self.page_errors:
                extra += f" ({len(self.page_errors)} failed)"
        if self.rechecked:
            extra += f", {self.rechecked} rechecked"
        if self.suspects:
            extra += f", {self.suspects} suspect pages held back"
        dropped = sum(f.dropped for f in self.feeds)
        if dropped:
            extra += f", {dropped} entries dropped by story rules"
        skipped = sum(f.skipped for f in self.feeds)
        if skipped:
            extra += f", {skipped} entries skipped"
        return (
            f"fetched {len(self.feeds)} feed{'s' if len(self.feeds) != 1 else ''}{failed}, "
            f"{self.new_articles} new articles, {self.new_versions} new versions{extra} "
            f"in {self.seconds:.1f} s"
        )
