"""Internals (private helpers and process plumbing), kept apart from the behaviour tests.

monitor fetch against a real HTTP server on 127.0.0.1 (pytest-httpserver).

Only what fetch does with a response is tested here (stored articles, feed
state, back-off, exit codes); the HTTP client's own behaviour has its own tests.
"""

from __future__ import annotations

from feed_helpers import fetch, items, rss

from monitor.store import feeds as feedstore

XML = "application/rss+xml"


def _capture_executors(monkeypatch):
    from monitor import update as update_module

    made = []
    real = update_module.make_executor

    def make(jobs):
        made.append(real(jobs))
        return made[-1]

    monkeypatch.setattr(update_module, "make_executor", make)
    return made


def test_parallel_run_parses_feeds_in_the_main_process_and_starts_no_worker(
    db, httpserver, monkeypatch
):
    """Downloads run in threads and feeds are parsed in the main process as they
    arrive: a parallel run of feeds starts no worker process, neither for new
    entries nor for 304s (workers are for pages)."""
    from monitor.pool import LazyProcessPool

    for name in ("a", "b"):
        httpserver.expect_request(f"/{name}", headers={"If-None-Match": '"v1"'}).respond_with_data(
            "", status=304, headers={"ETag": '"v1"'}
        )
        httpserver.expect_request(f"/{name}").respond_with_data(
            rss(items(2, prefix=name)), content_type=XML, headers={"ETag": '"v1"'}
        )
        feedstore.add_feed(db, httpserver.url_for(f"/{name}"))
    made = _capture_executors(monkeypatch)
    first = fetch(db, jobs=2)
    assert (first.feeds_ok, first.new_articles) == (2, 4)
    assert isinstance(made[0], LazyProcessPool) and not made[0].started
    second = fetch(db, jobs=2)
    assert (second.feeds_ok, second.new_articles) == (2, 0)
    assert all(f.not_modified for f in second.feeds)
    assert not made[1].started


def test_lazy_pool_runs_jobs_in_lower_priority_processes():
    import os

    from monitor.pool import WORKER_NICE, LazyProcessPool

    pool = LazyProcessPool(1)
    assert pool.pool is None
    try:
        pid, nice = pool.submit(_pid_and_nice).result(timeout=60)
    finally:
        pool.shutdown()
    assert pid != os.getpid()
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICE)


def test_worker_count_is_at_most_one_per_cpu(monkeypatch):
    from monitor import pool

    monkeypatch.setattr(pool.os, "cpu_count", lambda: 2)
    assert [pool.worker_count(j) for j in (1, 2, 4, 8)] == [1, 2, 2, 2]


def _pid_and_nice():
    import os

    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)
