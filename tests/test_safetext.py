"""monitor.safetext and the renderers that use it: untrusted text is shown, never obeyed."""

from __future__ import annotations

import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import search
from monitor.analysis.edits import Comparison, compare
from monitor.render import article as presenters
from monitor.render import atom, changes_html
from monitor.render import changes as report_render
from monitor.render import diff as diff_render
from monitor.render import rows as output
from monitor.text import safetext

ESC = "\x1b"
HOSTILE = (
    f"Talks [/bold] [link=http://evil]x[/link] {ESC}]0;pwned\x07{ESC}[2J"
    f"{ESC}]8;;http://evil{ESC}\\click{ESC}]8;;{ESC}\\ \u202eevil\u202c \x00nul \x9b31m c1 \x7f"
)
#: what no output may hold: ESC, other C0/C1 controls, DEL, bidi controls (\n, \t allowed)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_clean_removes_whole_sequences_and_controls() -> None:
    out = safetext.clean(HOSTILE)
    assert not FORBIDDEN.search(out)
    assert "pwned" not in out  # the window title went with its OSC sequence
    assert "http://evil" in out and "[link=http://evil]" in out  # markup stays literal text
    assert "click" in out and "8;;" not in out  # OSC 8 hyperlink removed, its text kept
    assert "[2J" not in out and "31m" not in out
    assert "evil" in out and "nul" in out and "c1" in out


def test_clean_keeps_newlines_and_tabs_only_when_asked() -> None:
    text = "a\tb\r\nc\nd"
    assert safetext.clean(text, newlines=True, tabs=True) == "a\tb\nc\nd"
    assert safetext.clean(text, newlines=True) == "ab\nc\nd"
    assert safetext.line(text) == "a b c d"


def test_unterminated_osc_stops_at_the_next_escape_and_is_linear() -> None:
    assert safetext.clean(f"a{ESC}]0;title b{ESC}[1mc") == "ac"
    many = (ESC + "]") * 50_000
    assert safetext.clean(many) == ""


def test_rich_text_escapes_markup() -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200)
    console.print(safetext.rich_text("a [/bold] b [link=http://x]y[/link]"))
    assert "a [/bold] b [link=http://x]y[/link]" in console.file.getvalue()  # type: ignore[attr-defined]


def test_md_inline_neutralises_links_images_and_html() -> None:
    md = safetext.md_inline("![img](http://x/p.png) [x](javascript:alert(1)) <script>a</script> |")
    # every character Markdown could read as syntax is backslash-escaped
    assert re.search(r"(?<!\\)[!\[\]()<>|]", md) is None
    assert md.replace("\\", "") == (
        "![img](http://x/p.png) [x](javascript:alert(1)) <script>a</script> |"
    )


def test_html_text_escapes_and_cleans() -> None:
    assert safetext.html_text('<b a="1">&\x1b[2J') == "&lt;b a=&quot;1&quot;&gt;&amp;"


def test_json_safe_keeps_the_data() -> None:
    value = {"t": "a\u202eb\x9bc\x7fd\x1be"}
    text = safetext.json_safe(json.dumps(value, ensure_ascii=False))
    assert not FORBIDDEN.search(text)
    assert json.loads(text) == value


def test_table_shows_markup_literally_and_strips_escapes() -> None:
    out = io.StringIO()
    assert output.print_table([{"title": HOSTILE}], [("title", "title")], out, wide="title")
    text = out.getvalue()
    assert "[/bold]" in text and not FORBIDDEN.search(text)


def test_json_and_csv_writers_are_terminal_safe() -> None:
    for write in (output.write_json_array, output.write_nl, output.write_csv):
        out = io.StringIO()
        write([{"title": HOSTILE}], out)
        assert not FORBIDDEN.search(out.getvalue().replace("\r\n", "\n")), write.__name__
    out = io.StringIO()
    output.write_nl([{"title": "a\u202eb"}], out)
    assert json.loads(out.getvalue()) == {"title": "a\u202eb"}  # JSON keeps the data


def test_search_mark_keeps_markers_and_cleans_between() -> None:
    marked = search.mark(f"{ESC}]0;x\x07a{search.OPEN}b{ESC}[2J{search.CLOSE}c", "<", ">")
    assert marked == "a<b>c"


def _detail(text: str) -> dict:
    return {
        "id": 1,
        "title": text,
        "url": text,
        "source": text,
        "story": text,
        "byline": text,
        "published_at": None,
        "first_seen_at": "2026-11-01T00:00:00Z",
        "version": 2,
        "version_count": 2,
        "observed_at": "2026-11-02T00:00:00Z",
        "origin": "feed",
        "words": 3,
        "text": text + "\n\n" + text,
        "themes": [{"label": text}],
        "versions": [
            {"number": 1, "observed_at": "x", "title": text, "edits": text},
            {"number": 2, "observed_at": "y", "title": text, "edits": None},
        ],
    }


def _comparison(old: str, new: str) -> Comparison:
    return compare(
        1,
        {"number": 1, "observed_at": old, "title": old, "text": f"same {old}\n\n{old} end"},
        {"number": 2, "observed_at": new, "title": new, "text": f"same {new}\n\n{new} end"},
    )


def _report(text: str) -> dict:
    item = {"label": text, "story": text, "count": 2, "previous": 1, "change": 1}
    return {
        "window": {
            "since": "a",
            "until": "b",
            "story": text,
            "previous_since": "c",
            "previous_until": "d",
        },
        "new_articles": {
            "count": 1,
            "by_source": [{"source": text, "count": 1}],
            "top": [{"id": 1, "dated_at": text, "source": text, "title": text}],
        },
        "edited_articles": [
            {
                "id": 1,
                "title": text,
                "title_old": text,
                "title_new": text,
                "headline_rewritten": True,
                "from_version": 1,
                "to_version": 2,
                "words_added": 1,
                "words_removed": 1,
                "quotes_altered": 0,
                "command": "monitor diff 1",
            }
        ],
        "themes": {"rising": [item], "fading": [item], "new": [item]},
        "terms": [{"term": text, "count": 2, "previous": 1, "score": 1.0}],
    }


def _renderings(text: str) -> dict[str, str]:
    cmp = _comparison(text, text + "x")
    report = _report(text)
    return {
        "show": presenters.render_detail(_detail(text)),
        "show colour": presenters.render_detail(_detail(text), colour=True).replace(
            ESC, "<esc>"
        ),  # colour codes are ours; check the rest
        "diff": diff_render.render_text(cmp),
        "diff stat": diff_render.stat_line(cmp),
        "diff html": diff_render.render_html([cmp]),
        "changes text": report_render.render_text(report),
        "changes markdown": report_render.render_markdown(report),
        "changes html": changes_html.render_html(report),
        "atom": atom.render_atom(
            {
                **report,
                "entries": [
                    {
                        "kind": "edit",
                        "key": "a1v2",
                        "article_id": 1,
                        "from_version": 1,
                        "version": 2,
                        "observed_at": "2026-11-20T00:00:00Z",
                        "title": text,
                        "title_old": text + "x",
                        "url": text,
                        "source": text,
                        "published_at": None,
                        "first_seen_at": None,
                        "severity": "minor",
                        "summary": text,
                        "command": "monitor diff 1 1 2",
                        "comparison": cmp,
                    }
                ],
            }
        ),
    }


def test_every_renderer_strips_the_hostile_title() -> None:
    for name, text in _renderings(HOSTILE).items():
        assert not FORBIDDEN.search(text), name
        assert "pwned" not in text, name


def test_markdown_report_escapes_titles() -> None:
    md = report_render.render_markdown(
        _report("![img](http://x/p.png) [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    )
    assert "\\!\\[img\\]\\(http" in md and "\\[x\\]\\(javascript" in md
    assert re.search(r"(?<!\\)(<img|\]\()", md) is None


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(max_codepoint=0x3000),
            st.sampled_from(["\x1b", "[", "]", "/", "\x07", "\\", "\u202e", "\u2066", "\x9b"]),
        ),
        max_size=80,
    )
)
def test_no_control_character_survives_any_renderer(text: str) -> None:
    assert not FORBIDDEN.search(safetext.clean(text, newlines=True, tabs=True))
    assert not FORBIDDEN.search(safetext.line(text))
    assert not FORBIDDEN.search(safetext.md_inline(text))
    assert not FORBIDDEN.search(safetext.html_text(text))
    for name, rendered in _renderings(text).items():
        assert not FORBIDDEN.search(rendered), (name, rendered)
    out = io.StringIO()
    output.print_table([{"title": text, "source": text}], [("title", "t"), ("source", "s")], out)
    assert not FORBIDDEN.search(out.getvalue())


def _xml_text(text: str) -> str:
    """``text`` as XML character data: escaped; control characters XML forbids as NCRs
    are dropped by the parser anyway, so write them as they would arrive raw."""
    from xml.sax.saxutils import escape

    return escape(text)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(max_codepoint=0x3000, exclude_categories=("Cs",)),
            st.sampled_from(["\x1b", "[/bold]", "[link=x]", "\x07", "\u202e", "\x9b", "]8;;"]),
        ),
        min_size=1,
        max_size=40,
    ).map("".join),
    st.booleans(),
)
def test_random_feed_titles_come_out_clean(text: str, cdata: bool) -> None:
    """Random text as a feed entry's title -> parse -> store normalisation -> renderers."""
    from monitor.parse import parse_feed
    from monitor.text.normalise import normalise_text, normalise_title

    title = f"<![CDATA[{text.replace(']]>', '')}]]>" if cdata else _xml_text(text)
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>'
        + title
        + "</title><item><title>"
        + title
        + "</title><link>http://example.com/a</link><description>"
        + title
        + " body words here</description></item></channel></rss>"
    ).encode("utf-8")
    parsed = parse_feed(feed)  # never raises, whatever the bytes
    for entry in parsed.entries:
        stored_title, stored_text = normalise_title(entry.title), normalise_text(entry.text)
        assert not FORBIDDEN.search(stored_title) and not FORBIDDEN.search(stored_text)
        for rendered in _renderings(entry.title).values():
            assert not FORBIDDEN.search(rendered)
        out = io.StringIO()
        output.print_table([{"t": entry.title, "s": parsed.title}], [("t", "t"), ("s", "s")], out)
        assert not FORBIDDEN.search(out.getvalue())
