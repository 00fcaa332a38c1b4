"""Internals (private helpers and process plumbing), kept apart from the behaviour tests.

monitor.http against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest
from pytest_httpserver import HTTPServer

from monitor.http import (
    HttpClient,
    HttpOptions,
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_makes_its_own_connections(httpserver: HTTPServer) -> None:
    global _inherited
    httpserver.expect_request("/feed").respond_with_data(RSS)
    c = _inherited = HttpClient(HttpOptions(retries=0))
    assert c.get(httpserver.url_for("/feed")).ok  # the parent's pool holds a live connection
    parent_pool = c._client
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            pid, same_pool, status = pool.submit(
                _get_inherited, httpserver.url_for("/feed")
            ).result()
    finally:
        _inherited = None
    assert pid != os.getpid() and status == 200
    assert not same_pool  # the child built its own pool instead of sharing the parent's socket
    assert c._client is parent_pool and c.get(httpserver.url_for("/feed")).ok
    c.close()


RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def _get_inherited(url: str) -> tuple[int, bool, int]:
    """Runs in a forked worker, on the client object it inherited."""
    assert _inherited is not None
    before = _inherited._client
    r = _inherited.get(url)
    return os.getpid(), _inherited._client is before, r.status
