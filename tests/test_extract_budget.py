"""One page's extraction has a size, structure and time budget."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.extract import MAX_ELEMENTS, MAX_HTML_BYTES, ExtractionRefused, extract_html

PARA = "<p>" + "The delegations met in Doha on Monday to resume the talks. " * 5 + "</p>"


def page(spans: int = 0, padding: int = 0) -> str:
    return (
        "<html><head><title>Talks resume</title></head><body><article>"
        + PARA * 3
        + "<div>"
        + "<span>x</span>" * spans
        + "</div>"
        + "<!--"
        + "x" * padding
        + "-->"
        + "</article></body></html>"
    )


def test_an_ordinary_page_is_extracted() -> None:
    result = extract_html(page(100))
    assert result is not None and "delegations met in Doha" in result.text
    assert issubclass(ExtractionRefused, InputError)


def test_a_page_over_the_size_budget_is_not_parsed() -> None:
    with pytest.raises(ExtractionRefused, match="page too large to extract"):
        extract_html(page(padding=MAX_HTML_BYTES).encode(), url="https://x.example/a")


def test_a_page_with_too_many_elements_is_not_parsed() -> None:
    with pytest.raises(ExtractionRefused, match=f"limit {MAX_ELEMENTS:,}"):
        extract_html(page(spans=MAX_ELEMENTS + 10))


def test_a_slow_page_is_stopped_at_the_time_budget() -> None:
    assert threading.current_thread() is threading.main_thread()
    with pytest.raises(ExtractionRefused, match="took longer than 0.2 s"):
        extract_html(page(spans=40_000), time_budget=0.2)
    # the timer is gone afterwards: a later extraction is not interrupted
    assert extract_html(page(10)) is not None


def test_add_of_a_huge_page_is_one_clear_line(invoke, tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    path.write_text(page(spans=MAX_ELEMENTS + 10), encoding="utf-8")
    result = invoke("add", str(path))
    assert result.exit_code == 1 and "too many elements" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_outer_timer_survives_an_extraction() -> None:
    import signal

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        extract_html(page(10))
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25 < left <= 30 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
