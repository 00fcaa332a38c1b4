"""The cron run (``monitor fetch``): due feeds -> download/parse jobs -> one
transaction per feed -> page rechecks -> the run report.

Work split:

* **Downloads** run in ``jobs`` threads of the main process (waiting on the
  network releases the GIL), sharing one HTTP client: :func:`download_feed_job`
  makes a conditional GET with the stored ``ETag``/``Last-Modified`` (a local
  file is read from disk).
* **Feed parsing** (:func:`parse_feed_job`) runs in the main process, between
  stores, as each download completes: a worker process would cost its start-up,
  its imports and its memory, and pickling every entry back, for a parse that
  takes a tenth of a millisecond an entry; and on a loaded machine the main
  process, which must store everything anyway, never waits for a starved worker.
  At most ``2 * jobs`` downloads are in flight or waiting to be parsed, so the
  bodies of a 500-feed run are never all in memory at once.
* **Worker processes** (:mod:`monitor.pool`) do the heavy work of pages:
  :func:`fetch_page_job` downloads an article page and extracts its text. They
  return plain data. With ``jobs = 1`` everything runs inline, feed by feed.
* **The main process alone writes** SQLite: each feed's outcome and all its
  entries in one transaction, so a run killed half way leaves every feed either
  fully stored or untouched, and the next run completes the work.

Which entries are kept: all of them for a feed without a story; otherwise those
whose title and text match the story's relevance rule.

Identity (a normalised link, else a feed-scoped GUID) and which sighting makes a
version (a feed summary never replaces a page, a file or another feed's text) are
:mod:`monitor.ingest`'s rules (``decide()``).

* ``--recheck HOURS`` re-fetches the pages of articles first seen within HOURS,
  each at most every ``max(15 min, age / 4)`` (so older articles are checked
  less often), and stores a new ``page`` version when the text changed. The
  first recheck of an article stored from a summary stores its page text. A page
  that looks like a paywall, consent wall, error page or a failed extraction is
  recorded as a suspect observation, not a version, until the loss persists
  (:mod:`monitor.suspect`); its edits are computed before the write transaction.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from monitor import ingest, schedule, suspect
from monitor.extract import extract_page_job
from monitor.fetch import (
    FeedJob,
    PageJob,
    close_clients,
    download_feed_job,
    download_page_job,
)
from monitor.http import HttpOptions
from monitor.parse import parse_feed_job
from monitor.pool import make_downloader, make_executor
from monitor.runreport import FeedReport, RunReport
from monitor.store import articles, runs
from monitor.store import feeds as feedstore
from monitor.text.safetext import line
from monitor.text.timeutil import iso, utcnow
from monitor.text.urls import looks_like_url, normalise_url
from monitor.themes import rules, stories
from monitor.types import (
    Entry,
    FeedBody,
    FeedResult,
    FetchOutcome,
    Observation,
    Origin,
    PageBody,
    PageResult,
)

log = logging.getLogger("monitor")


#: the default run budget: a run started by a 15-minute cron job ends before the next one
DEFAULT_BUDGET_S = 600.0


class _OutOfTime(Exception):
    """The run budget is spent."""


@dataclass
class FetchOptions:
    jobs: int = 1
    full_text: bool = False
    recheck_hours: float | None = None
    feed: str | None = None  # only this feed (id, URL or path), due or not
    http: HttpOptions = field(default_factory=HttpOptions)
    #: pages that feeds link to may be on loopback/private/link-local addresses
    allow_private: bool = False
    #: wall-clock seconds the whole run may take; feeds not reached stay due for the next run
    budget: float | None = DEFAULT_BUDGET_S

    @property
    def page_http(self) -> HttpOptions:
        """HTTP options for pages: the SSRF guard is on unless the user allowed them."""
        return replace(self.http, allow_private=self.allow_private)


def fetch_feed_job(job: FeedJob) -> FeedResult:
    """Download (or read) and parse one feed. Never raises."""
    got = download_feed_job(job)
    return got if isinstance(got, FeedResult) else parse_feed_job(got)


def fetch_page_job(job: PageJob) -> PageResult:
    """Download one article page and extract its text. Never raises."""
    got = download_page_job(job)
    return got if isinstance(got, PageResult) else extract_page_job(got)


@dataclass
class _Pending:
    feed: dict[str, Any]
    result: FeedResult
    kept: list[Entry]
    waiting: set[str]  # normalised URLs of pages not fetched yet


class _Run:
    def __init__(
        self,
        db: Database,
        options: FetchOptions,
        executor: Executor,
        progress: Callable[[FeedReport], None] | None,
        downloader: Executor | None = None,
    ):
        self.db = db
        self.options = options
        self.executor = executor
        # None: each feed is downloaded and parsed in one job of ``executor``
        self.downloader = downloader
        self.progress = progress
        self.now = utcnow()
        self.futures: dict[Future[Any], tuple[str, Any]] = {}
        self.pages: dict[str, PageResult] = {}
        self.page_futures: dict[str, Future[Any]] = {}
        self.pending: dict[int, _Pending] = {}
        self.rules: dict[str, rules.Rule | None] = {}  # None: the story keeps everything
        self.dropped: dict[int, list[tuple[str, str | None]]] = {}  # by the story's rule
        self.deadline = (
            None if options.budget is None else time.monotonic() + max(options.budget, 0.0)
        )
        self.report: RunReport | None = None
        self.deferred: ingest.Deferred = []  # the current feed's pairs still to compare
        self.backlog: deque[dict[str, Any]] = deque()  # feeds not submitted yet
        self.downloading = 0  # feed downloads in flight or done and not parsed yet
        self.max_downloading = 2 * max(1, options.jobs)

    # -- scheduling

    def queue_feeds(self, feeds: Iterable[dict[str, Any]]) -> None:
        """Download ``feeds`` (``downloader`` threads), a few at a time (see top_up)."""
        self.backlog.extend(feeds)
        self.top_up()

    def top_up(self) -> None:
        """Keep at most ``max_downloading`` feed bodies in flight or waiting for the
        main process to parse them: a fast network must not pile up every body."""
        while self.backlog and self.downloading < self.max_downloading:
            self.submit_feed(self.backlog.popleft())
            self.downloading += 1

    def submit_feed(self, feed: dict[str, Any]) -> None:
        job = FeedJob(
            feed["id"], feed["url"], feed["etag"], feed["last_modified"], self.options.http
        )
        if self.downloader is None:
            self.futures[self.executor.submit(fetch_feed_job, job)] = ("feed", feed)
        else:
            self.futures[self.downloader.submit(download_feed_job, job)] = ("download", feed)

    def submit_page(self, url: str) -> str:
        key = normalise_url(url)
        if key not in self.page_futures and key not in self.pages:
            self.page_futures[key] = self.submit_page_job(
                PageJob(url, self.options.page_http), "page", key
            )
        return key

    def submit_page_job(self, job: PageJob, kind: str, payload: Any) -> Future[Any]:
        """Download in a thread then extract in a worker, or both in one job inline."""
        future: Future[Any]
        if self.downloader is None:
            future = self.executor.submit(fetch_page_job, job)
            self.futures[future] = (kind, payload)
        else:
            future = self.downloader.submit(download_page_job, job)
            self.futures[future] = ("page-download", (kind, payload))
        return future

    def page_downloaded(self, then: tuple[str, Any], future: Future[Any]) -> None:
        kind, payload = then
        following: Future[Any]
        try:
            got = future.result()
        except Exception as exc:  # reported as a dead worker is
            following = Future()
            following.set_exception(exc)
        else:
            if isinstance(got, PageBody):
                following = self.executor.submit(extract_page_job, got)
            else:
                following = Future()
                following.set_result(got)
        self.futures[following] = (kind, payload)
        if kind == "page":
            self.page_futures[payload] = following

    def drain(self) -> None:
        while self.futures:
            left = None if self.deadline is None else self.deadline - time.monotonic()
            if left is not None and left <= 0:
                raise _OutOfTime
            done, _ = wait(list(self.futures), timeout=left, return_when=FIRST_COMPLETED)
            for future in done:
                kind, payload = self.futures.pop(future)
                if kind == "feed":
                    self.feed_done(payload, _result(future, payload))
                elif kind == "download":
                    self.downloading -= 1
                    self.downloaded(payload, future)
                    self.top_up()
                elif kind == "page-download":
                    self.page_downloaded(payload, future)
                elif kind == "page":
                    self.page_done(payload, future)
                else:
                    self.recheck_done(payload, future)

    # -- feeds

    def downloaded(self, feed: dict[str, Any], future: Future[Any]) -> None:
        got = _result(future, feed)
        if isinstance(got, FeedBody):  # parsed here, between stores (see the module doc)
            got = parse_feed_job(got)
        self.feed_done(feed, got)

    def is_relevant(self, feed: dict[str, Any], entry: Entry) -> bool:
        slug = feed["story"]
        if not slug:
            return True
        if slug not in self.rules:
            rule = stories.get_story(self.db, slug).rule
            self.rules[slug] = rules.compile_rule(rule) if rule.strip() else None
        node = self.rules[slug]
        return node is None or node.matches(f"{entry.title}\n{entry.text}")

    def feed_done(self, feed: dict[str, Any], result: FeedResult) -> None:
        kept = [e for e in result.entries if self.is_relevant(feed, e)]
        if len(kept) < len(result.entries):
            kept_ids = {id(e) for e in kept}
            self.dropped[feed["id"]] = [
                (e.title, e.link) for e in result.entries if id(e) not in kept_ids
            ]
        waiting: set[str] = set()
        if self.options.full_text and result.outcome.error is None:
            for entry in kept:
                if entry.link and looks_like_url(entry.link) and not self._known(feed, entry):
                    key = self.submit_page(entry.link)
                    if key not in self.pages:
                        waiting.add(key)
        pending = _Pending(feed, result, kept, waiting)
        if waiting:
            self.pending[feed["id"]] = pending
        else:
            self.store_feed(pending)

    def _known(self, feed: dict[str, Any], entry: Entry) -> bool:
        return ingest.find_article(self.db, ingest.entry_observation(feed, entry)) is not None

    def page_done(self, key: str, future: Future[Any]) -> None:
        self.page_futures.pop(key, None)
        try:
            self.pages[key] = future.result()
        except Exception as exc:  # a dead worker
            self.pages[key] = PageResult(key, error=f"worker failed: {exc!r}"[:300])
        page = self.pages[key]
        assert self.report is not None
        self.report.pages_fetched += 1
        if page.error:
            self.report.page_errors.append((page.url, page.error))
        for feed_id, pending in list(self.pending.items()):
            pending.waiting.discard(key)
            if not pending.waiting:
                del self.pending[feed_id]
                self.store_feed(pending)

    def store_feed(self, pending: _Pending) -> None:
        feed, result = pending.feed, pending.result
        outcome = result.outcome
        report = FeedReport(
            feed_id=feed["id"],
            url=feed["url"],
            error=outcome.error,
            warning=outcome.warning,
            status=outcome.status,
            not_modified=outcome.not_modified,
            entries=len(result.entries),
            kept=len(pending.kept),
            dropped=len(self.dropped.get(feed["id"], [])),
        )
        before = len(self.deferred)  # pairs a busy database left from earlier feeds stay
        try:
            with self.db.atomic():  # BEGIN IMMEDIATE: nothing else adds articles meanwhile
                if outcome.error is None:
                    self.store_entries(feed, pending.kept, outcome, report)
                    dropped = self.dropped.pop(feed["id"], [])
                    feedstore.record_rejected(self.db, feed["id"], dropped, iso(self.now))
                if report.skipped:
                    first = report.skip_reasons[0]
                    note = f"{report.skipped} entries skipped (first: {first})"
                    outcome.warning = f"{outcome.warning}; {note}" if outcome.warning else note
                report.notes = self.record_outcome(feed, outcome)
        except sqlite3.OperationalError as exc:  # busy past the timeout, disk full ...
            # nothing of this feed was stored and its schedule is untouched: the next
            # run fetches it again
            report.new_articles = report.new_versions = report.seen = report.skipped = 0
            report.error = f"could not store its entries ({exc}); it is retried next run"
            del self.deferred[before:]  # rolled back with the feed
        except Exception as exc:  # rolled back: this feed fails, the run goes on
            report.new_articles = report.new_versions = report.seen = 0
            report.error = f"could not store its entries: {exc!r}"[:300]
            failed = FetchOutcome(status=outcome.status, error=report.error)
            del self.deferred[before:]  # rolled back with the feed
            with self.db.atomic():
                report.notes = self.record_outcome(feed, failed)
        else:
            self.store_pairs()
        if report.failure is not None:
            log.warning("feed failed: %s", report.failure)
        elif report.warning:
            log.info("feed %s: %s", report.url, report.warning)
        assert self.report is not None
        self.report.feeds.append(report)
        if self.progress:
            self.progress(report)

    def store_pairs(self) -> None:
        """The edits of the feed's new version pairs: compared after its commit (a long
        diff never holds the write lock), written in one short transaction. A crash or
        a busy database in between leaves the backfill request stored with the versions:
        the next open compares them (:func:`monitor.derive.backfill`)."""
        try:
            ingest.store_pairs(self.db, self.deferred)
        except sqlite3.OperationalError as exc:
            log.warning(
                "edits of %d new versions left for the next run: %s", len(self.deferred), exc
            )

    def store_entries(
        self,
        feed: dict[str, Any],
        kept: list[Entry],
        outcome: FetchOutcome,
        report: FeedReport,
    ) -> None:
        """Store a feed's kept entries; an entry that cannot be stored is rolled back
        alone, skipped and counted, so it never costs the others.

        They are first stored under one savepoint for them all (a savepoint an entry
        costs four statements), and only when an entry fails is that rolled back and
        the feed stored again entry by entry, each under its own savepoint. The new
        versions are added to the full-text index together at the end: one segment of
        the index a feed, not one an entry (:func:`monitor.store.articles.insert_version`)."""
        source = feed["name"] or feed["title"] or outcome.title
        observed = iso(self.now)
        assert self.report is not None
        marks = (len(self.deferred), len(self.report.page_errors))
        first = articles.last_version_id(self.db)
        try:
            with self.db.atomic():
                statuses = self._store_all(feed, kept, source, observed, None)
        except sqlite3.OperationalError:
            raise  # the database, not an entry: the whole feed waits for the next run
        except Exception:
            del self.deferred[marks[0] :]
            del self.report.page_errors[marks[1] :]
            statuses = self._store_all(feed, kept, source, observed, report)
        articles.index_texts(self.db, first)
        for status in statuses:
            if status == "new":
                report.new_articles += 1
            elif status == "updated":
                report.new_versions += 1
            elif status is not None:
                report.seen += 1

    def _store_all(
        self,
        feed: dict[str, Any],
        kept: list[Entry],
        source: str | None,
        observed: str,
        report: FeedReport | None,
    ) -> list[str | None]:
        """Each entry's status (None: skipped); with ``report``, each entry under its own
        savepoint, a failing one skipped and counted there."""
        observations = [
            ingest.entry_observation(feed, entry, source, observed_at=observed) for entry in kept
        ]
        known = ingest.KnownArticles(self.db, observations)
        if report is None:
            return [
                self.store_entry(feed, entry, obs, known)
                for entry, obs in zip(kept, observations, strict=True)
            ]
        statuses: list[str | None] = []
        for entry, obs in zip(kept, observations, strict=True):
            try:
                with self.db.atomic():
                    statuses.append(self.store_entry(feed, entry, obs, known))
            except sqlite3.OperationalError:
                raise  # the database, not the entry: the whole feed waits for next run
            except Exception as exc:
                report.skipped += 1
                what = (entry.link or entry.guid or entry.title)[:120]
                report.skip_reasons.append(line(f"{what}: {exc}")[:300])
                log.info("feed %s: entry skipped: %s: %s", feed["url"], what, exc)
                statuses.append(None)
        return statuses

    def record_outcome(self, feed: dict[str, Any], outcome: FetchOutcome) -> list[str]:
        errors = 0 if outcome.error is None else (feed.get("error_count") or 0) + 1
        when = schedule.next_fetch(self.now, errors, outcome.retry_after)
        return feedstore.record_outcome(self.db, feed, outcome, self.now, when)

    def store_entry(
        self, feed: dict[str, Any], entry: Entry, obs: Observation, known: ingest.KnownArticles
    ) -> str:
        """Store one kept entry; which sighting makes a version is :func:`ingest.decide`'s rule."""
        # (the caller's savepoint holds the entry: none of store's own)
        if not known.surely_new(obs):
            stored = ingest.store(
                self.db, obs, deferred=self.deferred, savepoint=False, index=False
            )
            return stored.status
        page = self.pages.get(normalise_url(entry.link)) if entry.link and self.pages else None
        wall = (
            page
            and page.extracted
            and suspect.first_page(
                obs.text,
                page.extracted.text,
                title=page.extracted.title or "",
                summary_title=obs.title,
            )
        )
        if wall:  # a paywall or error page instead of the article: keep the summary
            assert self.report is not None and page is not None
            self.report.page_errors.append((page.url, f"suspect page: {wall.reason}"))
        elif page and page.extracted:
            ingest.use_page(obs, page.extracted, page.html)
        # a canonical URL may name an article stored under another link
        result = ingest.store(
            self.db,
            obs,
            surely_new=not obs.canonical,
            deferred=self.deferred,
            savepoint=False,
            index=False,
        )
        known.add(obs)
        if obs.origin == Origin.PAGE:
            articles.update(self.db, result.article_id, {"last_checked_at": iso(self.now)})
        return result.status

    # -- recheck

    def submit_rechecks(self, hours: float) -> None:
        for article in schedule.due_for_recheck(self.db, hours, self.now):
            self.submit_page_job(
                PageJob(article["url"], self.options.page_http), "recheck", article
            )

    def recheck_done(self, article: dict[str, Any], future: Future[Any]) -> None:
        try:
            page: PageResult = future.result()
        except Exception as exc:
            page = PageResult(article["url"], error=f"worker failed: {exc!r}"[:300])
        assert self.report is not None
        self.report.rechecked += 1
        if page.extracted:
            obs = Observation(
                title=page.extracted.title or article["title"],
                text=page.extracted.text,
                origin="page",
                url=article["url"],
                byline=page.extracted.byline,
                observed_at=iso(self.now),
                canonical=page.extracted.url,
                html=page.html,
            )
            # its own transaction, the pair's diff computed before it (not under a lock)
            status = ingest.store(self.db, obs).status
            self.report.recheck_versions += status == "updated"
            self.report.suspects += status == "suspect"
        else:
            self.report.page_errors.append((article["url"], page.error or "no text"))
            log.info("page %s: %s", article["url"], page.error or "no text")
        with self.db.atomic():
            articles.update(self.db, article["id"], {"last_checked_at": iso(self.now)})


def _result(future: Future[Any], feed: dict[str, Any]) -> Any:
    try:
        result: FeedResult | FeedBody = future.result()
    except Exception as exc:  # the worker process died
        return FeedResult(feed["id"], FetchOutcome(error=f"worker failed: {exc!r}"[:300]))
    return result


def run_fetch(
    db: Database,
    options: FetchOptions,
    progress: Callable[[FeedReport], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunReport:
    """One run: fetch the due feeds, store their entries, recheck pages; log it in ``runs``."""
    started = time.monotonic()
    feeds = schedule.choose_feeds(db, options.feed)
    report = RunReport(run_id=runs.start_run(db, "fetch"))
    report.followed = db["feeds"].count_where("active = 1 and paused = 0")
    report.recheck_asked = bool(options.recheck_hours)
    if on_start:
        on_start(len(feeds))
    parallel = len(feeds) > 1 or options.full_text or options.recheck_hours
    jobs = options.jobs if parallel else 1
    executor = make_executor(jobs)
    downloader = make_downloader(jobs) if jobs > 1 else None
    run = _Run(db, options, executor, progress, downloader)
    run.report = report
    completed = False
    try:
        if downloader is None:
            for feed in feeds:  # store each feed before fetching the next
                run.submit_feed(feed)
                run.drain()
        else:
            run.queue_feeds(feeds)
        run.drain()
        if options.recheck_hours:
            run.submit_rechecks(options.recheck_hours)
            run.drain()
        completed = True
    except _OutOfTime:
        # what was not stored stays due: the next run fetches it
        report.out_of_time = len(feeds) - len(report.feeds)
        log.warning(
            "run budget of %.0f s spent; %d feeds left", options.budget or 0, report.out_of_time
        )
        completed = True
    finally:
        # downloads still in flight end by their own deadline; nothing waits for them now
        wait_for_work = not report.out_of_time
        if downloader is not None:
            downloader.shutdown(wait=wait_for_work, cancel_futures=True)
        executor.shutdown(wait=wait_for_work, cancel_futures=True)
        close_clients()
        report.seconds = time.monotonic() - started
        runs.finish_run(
            db,
            report.run_id,
            status=report.status if completed else "interrupted",
            feeds_ok=report.feeds_ok,
            feeds_failed=report.feeds_failed,
            new_articles=report.new_articles,
            new_versions=report.new_versions,
            errors=[
                {
                    "feed": f.url,
                    "error": f.error or "",
                    "skipped": f.skipped,
                    "why": f.skip_reasons[:5],
                }
                for f in report.feeds
                if f.error or f.skipped
            ],
        )
    return report
