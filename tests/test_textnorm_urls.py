from __future__ import annotations

import pytest

from monitor.text.normalise import content_hash, normalise_text, split_headline, word_count
from monitor.text.timeutil import parse_until, parse_when
from monitor.text.urls import normalise_url


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "HTTPS://Dawn.COM/news/123?utm_source=twitter&utm_medium=social",
            "https://dawn.com/news/123",
        ),
        ("https://dawn.com/news/123#comments", "https://dawn.com/news/123"),
        ("https://dawn.com:443/news/123?id=5&fbclid=abc", "https://dawn.com/news/123?id=5"),
        ("http://example.com:8080/Path/Case", "http://example.com:8080/Path/Case"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_normalise_text_paragraphs_and_spaces():
    assert normalise_text(" a\u00a0 b\r\nc\n\n\n d ") == "a b c\n\nd"


def test_content_hash_ignores_whitespace_only():
    assert content_hash("T", "a b\n\nc") == content_hash(" T ", "a  b\n\n\n c\n")
    assert content_hash("T", "a b") != content_hash("T2", "a b")


def test_word_count_unicode():
    assert word_count("پاکستان نے افغان طالبان کو خبردار کیا") == 7
    assert word_count("Pakistan's army, TTP-linked men") == 5


def test_split_headline_short_first_line():
    assert split_headline("Asif warns Kabul\n\nHe said things.") == (
        "Asif warns Kabul",
        "He said things.",
    )


def test_split_headline_long_first_paragraph_keeps_body():
    text = "Defence Minister Khawaja Asif said on Wednesday that Pakistan would act. More followed."
    title, body = split_headline(text)
    assert title == "Defence Minister Khawaja Asif said on Wednesday that Pakistan would act."
    assert body == text


def test_parse_when_relative_and_iso():
    from datetime import datetime, timezone

    now = datetime(2026, 1, 2, 12, 0, tzinfo=timezone.utc)
    assert parse_when("24h", now=now) == "2026-01-01T12:00:00Z"
    assert parse_when("7d", now=now) == "2025-12-26T12:00:00Z"
    assert parse_when("2025-10-01") == "2025-10-01T00:00:00Z"
    assert parse_when("2025-10-01T08:30+05:00") == "2025-10-01T03:30:00Z"
    assert parse_until("2025-10-01") == "2025-10-01T23:59:59Z"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(), st.text())
def test_normalising_twice_changes_nothing(title, text):
    # ingest hashes the normalised title and text directly, relying on this
    from monitor.text.normalise import content_hash, normalise_text, normalise_title

    assert normalise_text(normalise_text(text)) == normalise_text(text)
    assert normalise_title(normalise_title(title)) == normalise_title(title)
    import hashlib

    direct = hashlib.sha256(
        (normalise_title(title) + "\x00" + normalise_text(text)).encode()
    ).hexdigest()
    assert content_hash(normalise_title(title), normalise_text(text)) == direct


def test_stored_text_loses_nul_controls_and_bidi_overrides():
    text = "a\x00b \u202eevil\u202c \x1b[31mred\x1b[0m\x0bnext\n\nline\x85two"
    assert normalise_text(text) == "ab evil red next\n\nline two"


def test_stored_title_is_one_clean_line():
    from monitor.text.normalise import normalise_title

    title = "Talks\x00 \u2066resume\u2069\x1b]0;pwned\x07 in\tDoha\n"
    assert normalise_title(title) == "Talks resume in Doha"


def test_a_megabyte_title_is_capped_at_a_word():
    from monitor.text.normalise import MAX_TITLE_CHARS, normalise_title

    title = normalise_title("word " * 200_000)
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("word…")
    assert len(normalise_title("x" * 5000)) == MAX_TITLE_CHARS
    assert normalise_title("short title") == "short title"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://[::1]:8080/a?utm_source=x", "http://[::1]:8080/a"),
        ("https://[2001:DB8::1]/feed", "https://[2001:db8::1]/feed"),
        ("http://example.com:99999/x", "http://example.com:99999/x"),  # unchanged, no raise
        ("  http://[::1/x  ", "http://[::1/x"),
    ],
)
def test_normalise_url_never_raises_and_keeps_ipv6_brackets(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://example.com:99999/x", "is not a valid URL"),
        ("http://example.com:0/x", "has port 0"),
        ("ftp://example.com/x", "is not an http(s) URL"),
        ("javascript:alert(1)", "is not an http(s) URL"),
        ("file:///etc/passwd", "is not an http(s) URL"),
        ("http:///path", "has no host"),
        ("http://exa\x00mple.com/", "has control characters"),
        ("http://[::1/x", "is not a valid URL"),
    ],
)
def test_url_problem_names_what_is_wrong(url, problem):
    from monitor.text.urls import acceptable_url, url_problem

    assert (url_problem(url) or "").startswith(problem)
    assert not acceptable_url(url)


def test_acceptable_urls():
    from monitor.text.urls import acceptable_url

    for url in ("https://dawn.com/a b", "HTTP://Example.com:8080/", "http://[::1]/"):
        assert acceptable_url(url), url


def test_add_with_a_bad_port_in_url_is_one_clear_line(invoke, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: T\n\nThe delegations met in Doha on Monday to resume talks.\n")
    result = invoke("add", str(path), "--url", "http://example.com:99999/x")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert "http://example.com:99999/x" in result.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_word_count_of_ascii_text_is_the_unicode_patterns(text):
    """ASCII text is counted with re (faster); the count is the regex module's."""
    from monitor.text import normalise

    assert word_count(text) == len(normalise._WORD.findall(text))
