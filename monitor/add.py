"""``monitor add``: one local article (text or HTML file, or stdin) -> an observation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from sqlite_utils import Database

from . import ingest, stories
from .errors import InputError
from .extract import extract_html
from .ingest import IngestResult, Observation
from .sources import decode_text, read_source
from .textnorm import normalise_text, split_headline
from .urls import looks_like_url


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
    raw = read_source(source, stdin)
    notes: list[str] = []
    text, warning = decode_text(raw)
    if warning:
        notes.append(warning)
    title = options.title
    byline = options.byline
    published = options.published_at
    site = options.source
    url = options.url
    if raw.is_html:
        extracted = extract_html(text, url=url)
        if extracted is None:
            raise InputError(f"{raw.name}: no article text found in this HTML page")
        text = extracted.text
        title = title or extracted.title
        byline = byline or extracted.byline
        published = published or extracted.published_at
        site = site or extracted.source
        url = url or extracted.url
    text = normalise_text(text)
    if not text:
        raise InputError(f"{raw.name}: has no text once whitespace is removed; nothing to add")
    if not title:
        title, text = split_headline(text)
        notes.append(f"no --title given: using {title!r} (give --title to set it)")
    origin = "stdin" if source == "-" else "file"
    obs = Observation(
        title=title,
        text=text,
        origin=origin,
        url=url,
        source=site,
        byline=byline,
        published_at=published,
        story=options.story,
    )
    return obs, notes


def add_source(
    db: Database, source: str, options: AddOptions, stdin: BinaryIO | None = None
) -> AddOutcome:
    if options.story:
        stories.get_story(db, options.story)  # fail early on an unknown story
    obs, notes = observation_from_source(source, options, stdin)
    result = ingest.store(db, obs)
    return AddOutcome(result=result, title=obs.title, notes=notes)
