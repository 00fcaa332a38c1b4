"""``monitor add``: one article (a text or HTML file, stdin, or a URL) -> an observation.

An HTML page's ``rel=canonical`` (or ``og:url``) is the article's identity unless
``--url`` or a URL header names one, and its raw HTML is kept with the version.

A text file may start with a header block of ``Key: value`` lines (Title, URL,
Source, Published, Byline, Story, and Note, which is dropped) ended by a blank
line; command-line options win over it. The sample articles in ``samples/articles`` use one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlite_utils import Database

from monitor import ingest
from monitor.errors import InputError
from monitor.extract import extract_html
from monitor.ingest import IngestResult, Observation
from monitor.sources import decode_text, read_source
from monitor.text.normalise import normalise_text, split_headline
from monitor.text.timeutil import parse_date_option
from monitor.text.urls import looks_like_url
from monitor.themes import stories

# "note" is read and dropped: a remark about the file, not part of the article
#: ``GUID`` identifies an article that has no URL, so a later revision joins it
HEADER_KEYS = {"title", "url", "guid", "source", "published", "byline", "story", "note"}
_HEADER_LINE = re.compile(r"^([A-Za-z]+):[ \t]*(.*)$")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading ``Key: value`` block (known keys only) from the body."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    header: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if header:
                return header, "\n".join(lines[index + 1 :])
            break
        match = _HEADER_LINE.match(line)
        if not match or match.group(1).lower() not in HEADER_KEYS:
            break
        header[match.group(1).lower()] = match.group(2).strip()
    return {}, text


@dataclass
class AddOptions:
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published_at: str | None = None  # already parsed to ISO
    story: str | None = None
    byline: str | None = None


@dataclass
class AddOutcome:
    result: IngestResult
    title: str
    notes: list[str] = field(default_factory=list)


def observation_from_source(
    source: str, options: AddOptions, stdin: BinaryIO | None = None
) -> tuple[Observation, list[str]]:
    """Read and decode ``source``, extract the article from HTML, apply the options."""
    if options.url is not None and not looks_like_url(options.url):
        raise InputError(f"--url: {options.url!r} is not an http(s) URL")
    fetched_url = None
    if looks_like_url(source):
        from monitor.pages import read_url

        raw, fetched_url = read_url(source)
    else:
        raw = read_source(source, stdin)
    notes: list[str] = []
    header: dict[str, str] = {}
    text = ""
    if not raw.is_html:  # HTML goes to the extractor as bytes: it reads <meta charset>
        text, warning = decode_text(raw)
        if warning:
            notes.append(warning)
        header, text = split_header(text)
    if header.get("url") and not looks_like_url(header["url"]):
        raise InputError(f"{raw.name}: URL header {header['url']!r} is not an http(s) URL")
    title = options.title or header.get("title")
    byline = options.byline or header.get("byline")
    published = options.published_at or (
        parse_date_option(header["published"], f"{raw.name}: Published header")
        if header.get("published")
        else None
    )
    site = options.source or header.get("source")
    url = options.url or header.get("url") or fetched_url
    story = options.story or header.get("story")
    canonical = None
    if raw.is_html:
        extracted = extract_html(raw.data, url=url)
        if extracted is None:
            raise InputError(f"{raw.name}: no article text found in this HTML page")
        text = extracted.text
        title = title or extracted.title
        byline = byline or extracted.byline
        published = published or extracted.published_at
        site = site or extracted.source
        if not (options.url or header.get("url")):  # a URL the user gave wins
            canonical = extracted.url  # rel=canonical / og:url: the article's identity
        url = url or extracted.url
    text = normalise_text(text)
    if not text:
        raise InputError(f"{raw.name}: has no text once whitespace is removed; nothing to add")
    if not title:
        title, text = split_headline(text)
        notes.append(f"no --title given: using {title!r} (give --title to set it)")
    origin = "page" if fetched_url else "stdin" if source == "-" else "file"
    obs = Observation(
        title=title,
        text=text,
        origin=origin,
        url=url,
        guid=header.get("guid") or None,
        source=site,
        byline=byline,
        published_at=published,
        story=story,
        canonical=canonical,
        html=raw.data if raw.is_html else None,
    )
    return obs, notes


def add_source(
    db: Database, source: str, options: AddOptions, stdin: BinaryIO | None = None
) -> AddOutcome:
    obs, notes = observation_from_source(source, options, stdin)
    if obs.story:
        stories.get_story(db, obs.story)  # an unknown story fails before anything is stored
    result = ingest.store(db, obs)
    return AddOutcome(result=result, title=obs.title, notes=notes)
