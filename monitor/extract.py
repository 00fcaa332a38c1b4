"""HTML -> article text and metadata, with trafilatura (the field's benchmark leader).

One page has a budget, because extraction time grows faster than the page (a 7 MB
page of 500,000 spans took 36 s):

- size: a page over :data:`MAX_HTML_BYTES` (5 MB of HTML) is not parsed;
- structure: a page with more than :data:`MAX_ELEMENTS` (50,000) start tags is
  not parsed (counted with one regular-expression pass, before any parsing);
- time: :data:`TIME_BUDGET` (10 s) of wall-clock time, on whatever thread the
  extraction runs (the CLI's main thread, fetch's worker processes, a thread of
  a program using :mod:`monitor.api`). The two limits above do not bound the
  time by themselves: 24,000 ``<b>`` in one paragraph (0.4 MB) took 90 s, most
  of it in single libxml2 calls. So the extraction runs in a forked child: a
  watchdog stops its Python code at the budget, and the child is killed
  :data:`KILL_GRACE` later if a C call holds it (where there is no ``fork``, the
  watchdog alone).

Over any budget :func:`extract_html` raises :class:`ExtractionRefused`, an
:class:`~monitor.errors.InputError` with one readable line.
"""

from __future__ import annotations

import ctypes
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from monitor.errors import InputError
from monitor.text.timeutil import parse_published
from monitor.types import Extracted, PageBody, PageResult

# trafilatura logs every page it finds hard to parse; the caller reports instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


#: fewer words than this is a menu or a banner, not an article
MIN_WORDS = 8
#: larger pages are not parsed (bytes, or characters for text)
MAX_HTML_BYTES = 5_000_000
#: pages with more start tags than this are not parsed
MAX_ELEMENTS = 50_000
#: seconds one extraction may take
TIME_BUDGET = 10.0
#: more of the text than this share undecodable (U+FFFD): not an article
MAX_UNREADABLE_SHARE = 0.02

_START_TAG = re.compile(r"<[A-Za-z]")
_LINK_OR_META = re.compile(r"<(?:link|meta)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
#: how much of a page is searched for its canonical URL (it is in the <head>)
HEAD_BYTES = 300_000
_START_TAG_BYTES = re.compile(rb"<[A-Za-z]")


class ExtractionRefused(InputError):
    """A page over the size, structure or time budget of one extraction."""


class _OutOfTime(BaseException):
    # a BaseException, so no ``except Exception`` inside trafilatura swallows it
    pass


class _Watchdog:
    """Raise :class:`_OutOfTime` in the thread that made it, ``seconds`` from now, unless
    :meth:`disarm` comes first.

    A timer thread raises the exception *in* the extracting thread
    (``PyThreadState_SetAsyncExc``): it works on any thread, where a timer signal
    works on the main thread only, and it leaves the process's signal handlers and
    timers alone. The exception arrives between two Python bytecodes, as a signal
    handler's would (trafilatura's work is Python over lxml, so it arrives soon; a
    single lxml parse is bounded by :data:`MAX_HTML_BYTES`). It is not a hard bound:
    a long call into libxml2 delays it, and one that lands in a weakref callback or a
    ``__del__`` is printed and dropped by Python; :func:`_extract_in_child` adds the
    hard bound.
    """

    def __init__(self, seconds: float) -> None:
        self._thread = threading.get_ident()
        self._lock = threading.Lock()
        self._armed = True
        self._fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.name = "extract-budget"
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._armed:
                self._fired = True
                _raise_in(self._thread, _OutOfTime)

    def disarm(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._armed = False
            if self._fired:  # not raised yet: it must not go off after the block
                _raise_in(self._thread, None)


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in ``thread`` (``None``: cancel what is scheduled there)."""
    target = ctypes.c_ulong(thread)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        target, ctypes.py_object(exc) if exc is not None else None
    )


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`_OutOfTime` after ``seconds``, on any thread."""
    if seconds <= 0 or not hasattr(ctypes, "pythonapi"):
        yield
        return
    watchdog = _Watchdog(seconds)
    try:
        yield
    finally:
        watchdog.disarm()


def check_budget(html: str | bytes, url: str | None = None) -> None:
    """Raise :class:`ExtractionRefused` when ``html`` is over the size or structure budget."""
    where = url or "page"
    if len(html) > MAX_HTML_BYTES:
        raise ExtractionRefused(
            f"{where}: page too large to extract ({len(html):,} bytes, limit {MAX_HTML_BYTES:,})"
        )
    if isinstance(html, bytes):
        elements = sum(1 for _ in _START_TAG_BYTES.finditer(html))
    else:
        elements = sum(1 for _ in _START_TAG.finditer(html))
    if elements > MAX_ELEMENTS:
        raise ExtractionRefused(
            f"{where}: page has too many elements to extract ({elements:,}, limit {MAX_ELEMENTS:,})"
        )


def _looks_binary(html: bytes) -> bool:
    """NUL bytes near the start, and no UTF-16 byte-order mark: an image, a PDF, an archive."""
    head = html[:8192]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def extract_html(
    html: str | bytes, url: str | None = None, *, time_budget: float | None = None
) -> Extracted | None:
    """Extract the main article from an HTML page; ``None`` when there is no article text.

    Raises :class:`ExtractionRefused` for a page over the budget (see the module doc);
    ``time_budget`` defaults to :data:`TIME_BUDGET`.
    """
    # imported lazily (it costs ~0.5 s), and here, so a forked child finds it loaded
    import trafilatura  # noqa: F401

    if time_budget is None:
        time_budget = TIME_BUDGET
    check_budget(html, url)
    if isinstance(html, bytes) and _looks_binary(html):
        raise ExtractionRefused(f"{url or 'page'}: not a web page (binary data); page skipped")
    where = url or "page"
    if _forkable():
        result = _extract_in_child(html, url, time_budget, where)
    else:  # no fork (Windows), or a daemonic process: the watchdog alone
        try:
            result = _extract_bounded(html, url, time_budget)
        except _OutOfTime:
            result = _OUT_OF_TIME
    if result == _OUT_OF_TIME:  # (a copy, when it came through the pipe)
        raise ExtractionRefused(
            f"{where}: extraction took longer than {time_budget:g} s; page skipped"
        )
    if result is not None:
        assert isinstance(result, Extracted)
        result.url = canonical_url(html, url) or result.url
    return result


#: the marker of an extraction stopped at its time budget
_OUT_OF_TIME = "out of time"
#: seconds a child is given past its own budget before it is killed
KILL_GRACE = 1.0
_warm = False
_WARM_PAGE = (
    "<html><head><title>Warm</title></head><body><article><p>"
    + "The delegations met in Doha on Monday to resume the talks. " * 3
    + "</p></article></body></html>"
)


def _extract_bounded(html: str | bytes, url: str | None, budget: float) -> Extracted | None:
    import trafilatura

    with _time_limit(budget):
        document = _extract(trafilatura, html, url)
        return None if document is None else _result(document)


def _quiet_unraisable(unraisable: Any) -> None:
    if not isinstance(unraisable.exc_value, _OutOfTime):
        sys.__unraisablehook__(unraisable)


def _forkable() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and not (
        multiprocessing.current_process().daemon
    )


def _extract_in_child(
    html: str | bytes, url: str | None, budget: float, where: str
) -> Extracted | str | None:
    """Extract in a forked child, killed :data:`KILL_GRACE` seconds past ``budget``.

    The watchdog stops Python code, not one long call into libxml2 (one XPath over
    a paragraph of 24,000 ``<b>`` took 90 s); only a process can be stopped there.
    A fork shares the parent's memory (trafilatura loaded, the page not copied), so
    it costs milliseconds; it runs only the extraction and leaves by ``os._exit``.
    """
    import multiprocessing

    global _warm
    if not _warm:  # trafilatura fills caches on first use: once here, not in every child
        _warm = True
        try:  # a known small page: the page's own budget is not for this
            _extract_bounded(_WARM_PAGE, None, 30.0)
        except _OutOfTime:
            pass
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(writer, html, url, budget), name="extract", daemon=True
    )
    child.start()
    writer.close()
    try:
        if not reader.poll(budget + KILL_GRACE):
            return _OUT_OF_TIME
        kind, value = reader.recv()
    except (EOFError, OSError):
        kind, value = "died", None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()
    if kind == "died":
        kind, value = "error", f"the extraction process ended (exit {child.exitcode})"
    if kind == "error":
        raise ExtractionRefused(f"{where}: extraction failed ({value}); page skipped")
    return value


def _child(conn: Any, html: str | bytes, url: str | None, budget: float) -> None:
    # the watchdog's exception may land in a weakref callback or a __del__, where Python
    # prints it as "Exception ignored" and goes on: say nothing (the parent kills this
    # process at the deadline)
    sys.unraisablehook = _quiet_unraisable
    try:
        try:
            conn.send(("ok", _extract_bounded(html, url, budget)))
        except _OutOfTime:
            conn.send(("ok", _OUT_OF_TIME))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    finally:
        conn.close()


def canonical_url(html: str | bytes, base: str | None = None) -> str | None:
    """The page's own URL: ``<link rel="canonical">``, else ``<meta property="og:url">``,
    made absolute against ``base``; ``None`` when neither is an http(s) URL."""
    from urllib.parse import urljoin

    from monitor.text.urls import looks_like_url

    head = html[:HEAD_BYTES]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    canonical = og = None
    for tag in _LINK_OR_META.finditer(text):
        attrs = {
            m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "").strip()
            for m in _ATTRIBUTE.finditer(tag.group(0))
        }
        if tag.group(0)[1:5].lower() == "link":
            if canonical is None and "canonical" in attrs.get("rel", "").lower().split():
                canonical = attrs.get("href")
        elif og is None and attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            og = attrs.get("content")
    for found in (canonical, og):
        if found:
            absolute = urljoin(base, found) if base else found
            if looks_like_url(absolute):
                return absolute
    return None


def _extract(trafilatura: Any, html: str | bytes, url: str | None) -> Any:
    return trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )


def _result(document: Any) -> Extracted | None:
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    title = (data.get("title") or "").strip() or None
    # trafilatura puts one paragraph a line; the store separates paragraphs by a blank line
    lines = [line.strip() for line in (data.get("text") or "").splitlines() if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the headline repeated as the first line of the body
    text = "\n\n".join(lines)
    # U+FFFD: bytes the page's encoding has no character for; many mean it is not text
    unreadable = text.count("\ufffd")
    if unreadable > max(2, len(text) * MAX_UNREADABLE_SHARE):
        return None
    text = text.replace("\ufffd", "")
    title = title.replace("\ufffd", "").strip() or None if title else None
    if len(text.split()) < MIN_WORDS:
        return None  # navigation or a cookie banner, not an article
    published = parse_published(str(data["date"]), what="page date") if data.get("date") else None
    return Extracted(
        text=text,
        title=title,
        byline=(data.get("author") or None),
        published_at=published,
        url=(data.get("url") or None),
        source=(data.get("sitename") or data.get("hostname") or None),
    )


def extract_page_job(body: PageBody) -> PageResult:
    """Extract a downloaded page's article (CPU-heavy: for a worker process). Never raises."""
    try:
        extracted = extract_html(body.content, url=body.final_url)
        if extracted is None:
            return PageResult(body.url, error="no article text found in the page")
        return PageResult(body.url, extracted=extracted, html=body.content)
    except InputError as exc:  # over the page's size, structure or time budget
        return PageResult(body.url, error=str(exc))
    except Exception as exc:
        return PageResult(body.url, error=f"internal error: {exc!r}"[:300])
