"""Self-contained, escaped outputs of ``monitor changes`` and ``monitor diff``, and the
Atom feed of edits (parsed by feedparser, checked against RFC 4287)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import feedparser
import pytest
from conftest import add_article
from lxml import etree

from monitor.text.timeutil import iso, utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = (
    "<script>alert(1)</script> ![img](http://x/p.png) [x](javascript:alert(1)) "
    "</title></entry>]]> & *bold* | pipe"
)
URDU = "پاکستان اور افغان طالبان کے درمیان مذاکرات ختم ہو گئے"
PASHTO = "د پاکستان او افغان طالبانو ترمنځ خبرې ودرېدې"


def ago(**kw) -> str:
    return iso(utcnow() - timedelta(**kw))


@pytest.fixture
def story(db):
    """A new article (Urdu), one edited twice in the window (hostile headline), one
    edited before it."""
    add_article(
        db,
        "https://x.example/ur",
        URDU,
        "متن۔",
        source="Jang",
        published=ago(days=9),
        observed=ago(hours=5),
    )
    text = 'Officials said "talks will resume soon" and 60 people were hurt.'
    a = add_article(
        db, "https://x.example/a", "Talks resume", text, published=ago(days=2), observed=ago(days=2)
    ).article_id
    add_article(db, "https://x.example/a", HOSTILE, text.replace("60", "70"), observed=ago(hours=3))
    add_article(
        db,
        "https://x.example/a",
        HOSTILE,
        text.replace("60", "70") + " More.",
        observed=ago(hours=2),
    )
    add_article(
        db, "https://x.example/ps", PASHTO, "لومړی متن.", source="Pajhwok", observed=ago(days=3)
    )
    add_article(
        db,
        "https://x.example/ps",
        PASHTO,
        "لومړی متن. دوهم متن.",
        source="Pajhwok",
        observed=ago(hours=1),
    )
    return a


def out(invoke, *args):
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_digest_carries_url_outlet_published_and_command(story, invoke):
    data = json.loads(out(invoke, "changes", "--since", "24h", "--json"))
    (new,) = data["new_articles"]["top"]
    assert (new["url"], new["source"], new["command"]) == (
        "https://x.example/ur",
        "Jang",
        "monitor show 1",
    )
    assert new["published_at"] == ago(days=9)[:10] + new["published_at"][10:]
    edited = {e["id"]: e for e in data["edited_articles"]}[story]
    assert edited["url"] == "https://x.example/a" and edited["command"] == f"monitor diff {story}"
    assert [x["severity"] for x in edited["edits"]] == ["substantive", "minor"]
    assert edited["severity"] == "substantive"
    assert "numbers 60 → 70" in edited["edits"][0]["summary"]


def test_text_and_markdown_carry_links_and_escape(story, invoke):
    text = out(invoke, "changes", "--since", "24h")
    assert "https://x.example/a" in text and f"see: monitor diff {story}" in text
    assert "[substantive]" in text
    md = out(invoke, "changes", "--since", "24h", "--format", "markdown")
    assert "(<https://x.example/a>)" in md  # the title links to the article
    assert "<script>" not in md and "\\<script\\>" in md
    assert "](javascript" not in md and "\\]\\(javascript" in md
    assert "Jang" in md and f"`monitor diff {story}`" in md


def test_html_digest_escapes_and_reads_right_to_left(story, invoke):
    page = out(invoke, "changes", "--since", "24h", "--format", "html")
    etree.fromstring(page.split("\n", 1)[1].encode(), etree.HTMLParser())  # parses
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert f'dir="auto" lang="ur">{URDU}</a>' in page
    assert 'href="https://x.example/ur"' in page and f"monitor diff {story}" in page
    assert f'lang="ps">{PASHTO}' in page


def test_diff_html_page_and_json_stand_alone(story, invoke):
    page = out(invoke, "diff", str(story), "--format", "html")
    assert '<a href="https://x.example/a">' in page and "published " + ago(days=2)[:10] in page
    assert f"monitor diff {story} 2 3" in page and "Dawn" in page
    assert "<script>" not in page and 'class=headline dir="auto"' in page
    data = json.loads(out(invoke, "diff", str(story), "--format", "json"))
    assert data["url"] == "https://x.example/a" and data["source"] == "Dawn"
    ps = out(invoke, "diff", "3", "--format", "html")
    assert 'lang="ps"' in ps and 'dir="auto"' in ps


# -- the Atom feed of edits


def check_rfc4287(xml: bytes) -> etree._Element:
    """The required elements and forms of RFC 4287 (atom:feed and atom:entry)."""
    root = etree.fromstring(xml)
    assert root.tag == f"{ATOM}feed"

    def one(node, name):
        found = node.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{name}: {len(found)}"
        return found[0]

    date = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    iri = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
    assert iri.match(one(root, "id").text)
    assert one(root, "title").text
    assert date.match(one(root, "updated").text)
    feed_author = root.findall(f"{ATOM}author")
    for author in feed_author:
        assert one(author, "name").text
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        ids.append(one(entry, "id").text)
        assert iri.match(ids[-1])
        assert one(entry, "title").text
        assert date.match(one(entry, "updated").text)
        for name in ("published",):
            for node in entry.findall(f"{ATOM}{name}"):
                assert date.match(node.text)
        assert feed_author or entry.findall(f"{ATOM}author")
        content = entry.findall(f"{ATOM}content")
        assert len(content) <= 1 and len(entry.findall(f"{ATOM}summary")) <= 1
        if not content:
            assert [
                x for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"
            ]
        else:
            assert content[0].get("type") in ("text", "html", "xhtml")
        alternates = [
            x for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"
        ]
        assert len({(x.get("type"), x.get("hreflang")) for x in alternates}) == len(alternates)
        for link in entry.findall(f"{ATOM}link"):
            assert link.get("href")
        for category in entry.findall(f"{ATOM}category"):
            assert category.get("term")
    assert len(ids) == len(set(ids))
    return root


def test_atom_feed_is_valid_and_ids_are_stable(story, invoke, tmp_path):
    feed_path = tmp_path / "edits.atom"
    result = invoke("changes", "--since", "24h", "--format", "atom", "-o", str(feed_path))
    assert result.exit_code == 0, result.stderr
    xml = feed_path.read_bytes()
    root = check_rfc4287(xml)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # one entry per new article (Urdu) and per edited version (2 of story, 1 of Pashto)
    assert len(parsed.entries) == 4
    by_id = {e.id: e for e in parsed.entries}
    first = by_id[f"tag:monitor.invalid,2026:article-{story}-v2"]
    assert first.link == "https://x.example/a" and first.author == "Dawn"
    assert "<script>" not in xml.decode() and first.title.startswith("[substantive] <script>")
    body = first.content[0].value
    assert "numbers 60 → 70" in body and f"monitor diff {story} 1 2" in body
    assert "<del>60</del><ins>70</ins>" in body  # the diff inline
    ur = [e for e in parsed.entries if e.title == URDU][0]
    assert ur.published.startswith(ago(days=9)[:10])
    assert 'lang="ur"' in ur.content[0].value
    # a later run (wider window) keeps ids and updated times of the same versions
    again = feedparser.parse(out(invoke, "changes", "--since", "7d", "--format", "atom"))
    stable = {e.id: e.updated for e in again.entries}
    assert all(stable[e.id] == e.updated for e in parsed.entries)
    assert len(again.entries) == 6 and root is not None


def test_hostile_titles_in_atom_stay_text(db, invoke):
    add_article(
        db, "javascript:alert(1)", "a \x1b[2J\x07 <b>x</b> ]]> \u202e", "t", observed=ago(hours=1)
    )
    xml = out(invoke, "changes", "--since", "24h", "--format", "atom")
    check_rfc4287(xml.encode())
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    (entry,) = parsed.entries
    assert "\x1b" not in xml and "\u202e" not in xml and "<b>" not in xml
    assert not entry.get("link", "").startswith("javascript")
