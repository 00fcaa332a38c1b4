"""Random bytes as an article *page*: through ``fetch --full-text``, ``add URL`` and
``add FILE``, the real code paths, never a traceback and never garbage stored as text.

"Garbage" is checked by what no stored title or text may hold: control characters
(C0/C1 but tab and newline), bidi controls, NUL, and U+FFFD (bytes that did not
decode were read as text)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from feed_helpers import Item, rss
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.store import db as dbmod

GARBAGE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd]")
WORDS = b"The delegations met in Doha on Monday to resume the talks that stalled. "

#: what a broken or hostile server sends as a page: bytes, bytes inside HTML, a
#: real page cut short or with bytes spliced in, text in an unexpected encoding
PAGES = st.one_of(
    st.binary(max_size=3000),
    st.binary(min_size=1, max_size=3000).map(
        lambda b: b"<html><body><article><p>" + b + b"</p></article></body></html>"
    ),
    st.tuples(st.binary(max_size=400), st.integers(0, 40)).map(
        lambda t: b"<html><body><article><p>" + WORDS * t[1] + t[0] + WORDS * 3 + b"</p>"
    ),
    st.text(max_size=600).map(lambda s: s.encode("utf-16-le")),
)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def stored(db_path: Path) -> list[tuple[str, str]]:
    if not db_path.exists():
        return []
    db = dbmod.connect(db_path, create=False)  # monitor_text() unpacks the texts
    try:
        return list(db.execute("select title, text from versions"))
    finally:
        db.close()


def assert_no_garbage(db_path: Path) -> None:
    for title, text in stored(db_path):
        assert not GARBAGE.search(title), title
        assert not GARBAGE.search(text), text[:300]


def assert_clean_exit(result) -> None:
    assert result.exit_code in (0, 1, 3), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for line in result.stderr.splitlines():
        assert not GARBAGE.search(line), line


@SETTINGS
@given(body=PAGES, content_type=st.sampled_from(["text/html", "application/octet-stream", ""]))
def test_random_pages_through_fetch_full_text(
    invoke, httpserver, db_path: Path, body: bytes, content_type: str
) -> None:
    httpserver.clear()
    link = httpserver.url_for("/article")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Talks resume in Doha", link=link)]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/article").respond_with_data(body, content_type=content_type)
    if not stored(db_path):
        assert invoke("feeds", "add", httpserver.url_for("/feed")).exit_code == 0
    result = invoke(
        "fetch", "--full-text", "--allow-private", "--feed", httpserver.url_for("/feed")
    )
    assert_clean_exit(result)
    assert_no_garbage(db_path)


@SETTINGS
@given(body=PAGES, content_type=st.sampled_from(["text/html", "text/plain", ""]))
def test_random_pages_through_add_url(
    invoke, httpserver, db_path: Path, body: bytes, content_type: str
) -> None:
    httpserver.clear()
    httpserver.expect_request("/page").respond_with_data(body, content_type=content_type)
    assert_clean_exit(invoke("add", httpserver.url_for("/page")))
    assert_no_garbage(db_path)


@SETTINGS
@given(body=PAGES, suffix=st.sampled_from([".html", ".txt", ""]))
def test_random_files_through_add(invoke, tmp_path: Path, db_path: Path, body: bytes, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_bytes(body)
    assert_clean_exit(invoke("add", str(path)))
    assert_no_garbage(db_path)


# -- the rules the property tests found missing, one example each

NOISE = bytes(b or 1 for b in random.Random(10).randbytes(600))  # no NUL: not "binary"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(11).randbytes(400)


def test_bytes_no_encoding_reads_are_refused_not_stored(invoke, tmp_path: Path, db_path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(NOISE)
    result = invoke("add", str(path))
    assert result.exit_code == 1 and "noise.txt: is not text" in result.stderr
    assert stored(db_path) == []


def test_undecodable_bytes_are_not_stored_as_text(invoke, tmp_path: Path, db_path) -> None:
    # found by the property test: stored as an article titled U+FFFD
    path = tmp_path / "two.txt"
    path.write_bytes(b"\x01\x8d")
    result = invoke("add", str(path))
    assert result.exit_code == 1 and "has no text" in result.stderr
    assert stored(db_path) == []


def test_a_binary_page_is_not_extracted() -> None:
    from monitor.extract import ExtractionRefused, extract_html

    with pytest.raises(ExtractionRefused, match="not a web page"):
        extract_html(b"<html><body><p>" + PNG + b"</p>" + WORDS * 5, url="https://x.example/p")


def test_full_text_keeps_the_summary_when_the_page_is_an_image(
    invoke, httpserver, db_path: Path
) -> None:
    link = httpserver.url_for("/photo")
    httpserver.expect_request("/feed").respond_with_data(
        rss([Item("g1", "Talks resume in Doha", link=link, summary=WORDS.decode() * 2)]),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/photo").respond_with_data(PNG, content_type="text/html")
    assert invoke("feeds", "add", httpserver.url_for("/feed")).exit_code == 0
    result = invoke("fetch", "--full-text", "--allow-private")
    assert_clean_exit(result)
    assert "not a web page (binary data)" in result.stdout + result.stderr
    [(title, text)] = stored(db_path)
    assert title == "Talks resume in Doha" and text.startswith("The delegations met")
