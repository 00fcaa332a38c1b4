"""The lxml fast path for plain RSS 2.0 (monitor.fastfeed) gives exactly the entries
feedparser gives, and leaves every document it cannot vouch for to feedparser."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import fastfeed, parse

URL = "https://news.example/feeds/main.xml"
RSS = "application/rss+xml; charset=utf-8"


def both(content: bytes, url: str | None = URL, content_type: str | None = RSS):
    """(fast path's ParsedFeed or None when it declined, feedparser's ParsedFeed)."""
    fast = None
    if fastfeed.parse_rss20(content, url=url, content_type=content_type) is not None:
        fast = parse.parse_feed(content, url=url, content_type=content_type)
    real = fastfeed.parse_rss20
    fastfeed.parse_rss20 = lambda *a, **k: None  # type: ignore[assignment]
    try:
        slow = parse.parse_feed(content, url=url, content_type=content_type)
    finally:
        fastfeed.parse_rss20 = real  # type: ignore[assignment]
    return fast, slow


def doc(items: str, channel: str = "<title>Main &amp; more</title>", head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel>{channel}<link>https://news.example/</link>{items}</channel></rss>"
    ).encode()


FAST = {
    "plain": "<item><title>Talks resume</title><link>https://news.example/a/1</link>"
    "<guid>https://news.example/a/1</guid><pubDate>Mon, 20 Oct 2025 07:15:00 GMT</pubDate>"
    "<description>Officials said talks would resume.</description></item>",
    "escaped markup and entities": "<item><title>A &lt;b&gt;bold&lt;/b&gt; &amp;amp; 5 &lt; 6"
    "</title><link>/a/2</link><description>&lt;p&gt;Hi &lt;a href='/x'&gt;link&lt;/a&gt;"
    "&lt;script&gt;evil()&lt;/script&gt;&lt;applet&gt;app&lt;/applet&gt;&lt;/p&gt;"
    "&lt;p&gt;Caf&amp;eacute; &amp;#8212; done&lt;/p&gt;</description></item>",
    "cdata and comments": "<item><title><![CDATA[Quotes \u201chere\u201d]]></title>"
    "<description><![CDATA[<div style='x'>One<br>two<!-- c --><svg><text>s</text></svg></div>]]>"
    "</description><guid isPermaLink='false'>tag:1</guid></item>",
    "relative guid permalink, no link": "<item><title>T</title><guid>/story/9</guid></item>",
    "permalink false and link": "<item><title>T</title><guid isPermaLink='false'>x-1</guid>"
    "<link>rel/b.html</link></item>",
    "guid before link": "<item><guid>https://g.example/1</guid><link>https://l.example/1</link>"
    "<title>T</title></item>",
    "ispermalink True is not true": "<item><guid isPermaLink='True'>/p/1</guid><title>T</title>"
    "</item>",
    "content encoded longer": "<item><title>T</title><description>short</description>"
    "<content:encoded>&lt;p&gt;A much longer body of text here.&lt;/p&gt;</content:encoded></item>",
    "content before description": "<item><content:encoded>Body one two three</content:encoded>"
    "<description>Short</description><title>T</title></item>",
    "dc creator and dc date": "<item><title>T</title><dc:creator> Jane Doe </dc:creator>"
    "<dc:date>2025-10-20T07:15:00+05:00</dc:date></item>",
    "author email": "<item><title>T</title><author>jane@news.example (Jane Doe)</author></item>",
    "odd dates": "<item><title>A</title><pubDate>20 Oct 2025 07:15 +0500</pubDate></item>"
    "<item><title>B</title><pubDate>not a date</pubDate></item>"
    "<item><title>C</title><pubDate>Tue, 31 Feb 1899 07:15:00 GMT</pubDate></item>",
    "duplicate ids with other links": "<item><title>A</title><guid>same</guid><link>/a</link>"
    "</item><item><title>B</title><guid>same</guid><link>/b</link></item>",
    "empty and whitespace": "<item><title>  </title><description> </description></item>"
    "<item><title>\n Spaced \t title \n</title><guid isPermaLink='false'>  g  </guid></item>",
    "mojibake": "<item><title>CafÃ© Ã¼ber</title><description>naÃ¯ve</description></item>",
    "non-latin": "<item><title>\u067e\u0627\u06a9\u0633\u062a\u0627\u0646 \u0939\u093f\u0902\u0926\u0940</title></item>",
    "categories and enclosure": "<item><title>T</title><category>a</category><category>b"
    "</category><enclosure url='https://x/a.mp3' length='1' type='audio/mpeg'/></item>",
    "no items": "",
}

FALLBACK = {
    "unknown item element": "<item><title>T</title><media:title xmlns:media="
    "'http://search.yahoo.com/mrss/'>M</media:title></item>",
    "unescaped markup": "<item><title>T</title><description><p>raw</p></description></item>",
    "two titles": "<item><title>A</title><title>B</title></item>",
    "author and creator": "<item><title>T</title><author>a</author><dc:creator>b</dc:creator>"
    "</item>",
    "source element": "<item><title>T</title><source url='https://s/'>S</source></item>",
    "xml base": "<item xml:base='https://other.example/'><title>T</title><link>a</link></item>",
}


@pytest.mark.parametrize("name", sorted(FAST))
def test_fast_path_agrees_with_feedparser(name):
    fast, slow = both(doc(FAST[name]))
    assert fast is not None, "the fast path declined a plain RSS 2.0 document"
    assert fast == slow


@pytest.mark.parametrize("name", sorted(FALLBACK))
def test_fast_path_declines_what_it_cannot_vouch_for(name):
    fast, slow = both(doc(FALLBACK[name]))
    assert fast is None
    assert slow.error is None


@pytest.mark.parametrize(
    "content, content_type",
    [
        (doc(FAST["plain"]).replace(b"UTF-8", b"ISO-8859-1"), "application/rss+xml"),
        (doc(FAST["plain"]), "text/xml"),  # US-ASCII to feedparser (RFC 3023)
        (doc(FAST["plain"]), "text/html; charset=utf-8"),
        (doc(FAST["plain"]), "application/rss+xml; charset=windows-1252"),
        (doc(FAST["plain"], head="<!DOCTYPE rss [<!ENTITY x 'y'>]>"), RSS),
        (doc(FAST["plain"]).replace(b'version="2.0"', b'version="0.91"'), RSS),
        (doc(FAST["plain"]).replace(b"</rss>", b""), RSS),  # malformed
        (doc(FAST["plain"]).replace(b"Talks", b"Talks \xff"), RSS),  # not UTF-8
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', RSS),
    ],
)
def test_other_encodings_formats_and_broken_documents_go_to_feedparser(content, content_type):
    assert fastfeed.parse_rss20(content, url=URL, content_type=content_type) is None


def test_no_url_and_no_content_type():
    fast, slow = both(doc(FAST["relative guid permalink, no link"]), url=None, content_type=None)
    assert fast is not None and fast == slow


TEXT = st.lists(
    st.sampled_from(
        [*"ab <>&;\"'/=#?\n\t\x85\x93\u00c3\u00a9\u00e9\u2014\u0628", "&amp;", "<p>", "&#x93;"]
    ),
    max_size=30,
).map("".join)


@st.composite
def items(draw):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        fields = []
        for tag in draw(
            st.permutations(["title", "link", "description", "guid", "pubDate", "content"])
        )[: draw(st.integers(0, 6))]:
            value = escape(draw(TEXT))
            if tag == "guid":
                attr = draw(st.sampled_from(["", " isPermaLink='false'", " isPermaLink='true'"]))
                value = draw(st.sampled_from(["", "/rel/", "https://a.example/", "x:"])) + value
                fields.append(f"<guid{attr}>{value}</guid>")
            elif tag == "link":
                prefix = draw(st.sampled_from(["", "/", "https://b.example/", "../"]))
                fields.append(f"<link>{prefix}{value}</link>")
            elif tag == "pubDate":
                date = draw(
                    st.sampled_from(
                        ["Mon, 20 Oct 2025 07:15:00 GMT", "2025-10-20T07:15:00Z", "", "20 Oct"]
                    )
                )
                fields.append(f"<pubDate>{date}</pubDate>")
            elif tag == "content":
                fields.append(f"<content:encoded>{value}</content:encoded>")
            else:
                cdata = draw(st.booleans()) and "]]>" not in value
                fields.append(
                    f"<{tag}><![CDATA[{value}]]></{tag}>" if cdata else f"<{tag}>{value}</{tag}>"
                )
        parts.append("<item>" + "".join(fields) + "</item>")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(items(), TEXT)
def test_random_plain_feeds_agree(generated, title):
    fast, slow = both(doc(generated, channel=f"<title>{escape(title)}</title>"))
    assert fast is not None
    assert fast == slow


CORPUS = [SHARED / "corpus" / "feeds", SHARED / "corpus" / "feedparser_suite"]


@pytest.mark.skipif(
    not all(folder.is_dir() for folder in CORPUS),
    reason=f"the shared corpus is absent ({CORPUS[0].parent} not found next to the repository)",
)
@pytest.mark.slow
def test_real_feeds_of_the_shared_corpus_agree():
    files = sorted(p for folder in CORPUS for p in folder.rglob("*") if p.is_file())
    taken = 0
    for path in files:
        content = path.read_bytes()
        for content_type in (None, "application/rss+xml"):
            fast, slow = both(
                content, url=f"https://x.example/{path.name}", content_type=content_type
            )
            if fast is not None:
                taken += 1
                assert fast == slow, path.name
    assert taken >= 20, "the fast path took almost none of the corpus: it proves little"
