"""Text handled by maintained libraries: lxml for feed summaries, charset-normalizer for
file encodings, the regex module for words, filelock where there is no fcntl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitor import lock
from monitor.analysis import diffing, terms
from monitor.errors import LockedError
from monitor.parse import html_to_text, parse_feed
from monitor.sources import RawSource, decode_text, guess_encoding
from monitor.text.normalise import word_count

FIXTURES = Path(__file__).parent / "fixtures" / "encodings"
URDU_TITLE = "پاکستان اور افغان طالبان کے درمیان مذاکرات".replace("ی", "ي")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("5 < 6 and 7 > 3 soldiers.", "5 < 6 and 7 > 3 soldiers."),
        ("<p>5 < 6 and 7 > 3 soldiers.</p>", "5 < 6 and 7 > 3 soldiers."),
        ("Casualties <10, says <b>ISPR</b>", "Casualties <10, says ISPR"),
        ("<p>One &amp; two.</p><p>Three<br>four</p>", "One & two.\n\nThree\n\nfour"),
        ("<div>a<script>alert(1)</script> b<style>p{}</style></div><!-- x -->c", "a b\n\nc"),
        ("&lt;b&gt; is shown, not obeyed", "<b> is shown, not obeyed"),
        ("<ul><li>پاکستان</li><li>کابل</li></ul>", "پاکستان\n\nکابل"),
    ],
)
def test_html_to_text_parses_html(html, text):
    assert html_to_text(html) == text


def test_feed_summary_keeps_angle_brackets():
    feed = parse_feed(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>Count</title><link>https://n.example/a</link>"
        b"<description><![CDATA[<p>5 < 6 and 7 > 3 soldiers.</p>]]></description>"
        b"</item></channel></rss>"
    )
    assert feed.ok
    assert feed.entries[0].text == "5 < 6 and 7 > 3 soldiers."


def test_cp1256_urdu_is_detected_and_reported():
    raw = RawSource("urdu-cp1256.txt", (FIXTURES / "urdu-cp1256.txt").read_bytes(), False)
    text, warning = decode_text(raw)
    assert URDU_TITLE in text
    assert warning is not None and "cp1256" in warning and "charset-normalizer" in warning


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café crème: the talks in Doha resumed.", "cp1252"),
        ("Переговоры в Дохе возобновились.", "cp1251"),
        ("مذاكرات", "cp1256"),
    ],
)
def test_guess_encoding_prefers_the_common_encodings(text, encoding):
    assert guess_encoding(text.encode(encoding)) == encoding


def test_add_cp1256_file_stores_urdu_and_says_which_encoding(invoke):
    result = invoke("add", str(FIXTURES / "urdu-cp1256.txt"))
    assert result.exit_code == 0, result.stderr
    assert "cp1256" in result.stderr
    shown = json.loads(invoke("show", "1", "--json").stdout)
    assert shown["title"] == URDU_TITLE
    assert "دوحہ" in shown["text"]


def test_hindi_words_keep_their_combining_marks(invoke):
    words = "रक्षा मंत्री ने कहा"
    assert word_count(words) == 4
    assert diffing.word_units("हिन्दी समाचार") == ["हिन्दी", " ", "समाचार"]
    assert diffing.count_words("हिन्दी समाचार") == 2
    assert list(terms.tokens("तालिबान बातचीत")) == ["तालिबान", "बातचीत"]
    assert invoke("add", str(FIXTURES / "hindi-utf8.txt")).exit_code == 0
    shown = json.loads(invoke("show", "1", "--json").stdout)
    assert shown["title"] == "पाकिस्तान और तालिबान के बीच बातचीत"
    assert shown["versions"][0]["words"] == len(shown["text"].split()) == 22


def test_hindi_edit_diffs_whole_words():
    ops = diffing.diff_words("रक्षा मंत्री ने कहा", "रक्षा मंत्रालय ने कहा")
    changed = [op for op in ops if op[0] != 0]
    assert [text for _, text in changed] == ["मंत्री", "मंत्रालय"]


def test_lock_module_imports_without_fcntl(tmp_path):
    """As on Windows: no fcntl module at all. The CLI and the lock still load and lock."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"
        "from monitor import lock\n"
        "from monitor.cli import cli\n"
        "assert lock.fcntl is None\n"
        f"with lock.exclusive({str(tmp_path / 'x.db')!r}):\n"
        f"    assert lock.is_held({str(tmp_path / 'x.db')!r})\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_portable_lock_excludes_and_waits(tmp_path, monkeypatch):
    pytest.importorskip("filelock", reason="filelock is in the test extra")
    monkeypatch.setattr(lock, "fcntl", None)
    db = tmp_path / "x.db"
    assert not lock.is_held(db)
    with lock.exclusive(db):
        assert lock.is_held(db)
        with (
            pytest.raises(LockedError, match="another 'monitor fetch'"),
            lock.exclusive(db, wait=0.2),
        ):
            pass
    assert not lock.is_held(db)
    with lock.exclusive(db):  # free again
        pass


def test_lines_are_paragraphs_when_a_text_has_no_blank_lines():
    from monitor.text.normalise import normalise_text

    long_line = "The talks in Doha ended without agreement, officials said on Monday. " * 2
    text = f"{long_line}\nA heading\n- a list item\n{long_line}"
    assert normalise_text(text).split("\n\n") == [
        long_line.strip(),
        "A heading",
        "- a list item",
        long_line.strip(),
    ]
    # hard-wrapped prose (short lines) is still one paragraph
    assert normalise_text("One short line\nand its wrap.") == "One short line and its wrap."
    # with blank lines, lines within a paragraph are joined as before
    assert normalise_text(f"{long_line}\nmore\n\nNext.") == f"{long_line.strip()} more\n\nNext."


def test_guid_header_joins_a_revision_without_url(invoke, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("Title: Talks\nGUID: local:talks-1\n\nThe talks began.\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text(
        "Title: Talks end\nGUID: local:talks-1\n\nThe talks ended.\n", encoding="utf-8"
    )
    assert invoke("add", str(first)).stdout.strip() == "article 1: new, stored version 1"
    assert invoke("add", str(second)).stdout.startswith("article 1: changed, stored version 2")
    shown = json.loads(invoke("show", "1", "--json").stdout)
    assert "GUID" not in shown["text"]
