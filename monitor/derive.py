"""What is derived from a version once it is stored: edit statistics of the pair it
ends, and its theme tags; and the backfill of derived data for old databases.

Every path that stores a version (files, feeds, re-checks) calls
:func:`version_stored` inside the same transaction, so every version gets the
same derived data. The pair's edits (a diff, which can be long) may be computed
by the caller before its write transaction (:func:`pair_row`) and handed in, so
the transaction only writes them; a pair stored without its row (a crash between)
is found and filled by :func:`backfill` (``diffs.missing_pairs``). The computing is done by :mod:`monitor.analysis.edits` and
:mod:`monitor.themes.tagger`; the writing by :mod:`monitor.store`.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from monitor.analysis import edits
from monitor.errors import NotFoundError
from monitor.store import articles, backfills, diffs, memberships
from monitor.store import stories as storymod
from monitor.store import tags as tagstore
from monitor.text.timeutil import now_iso
from monitor.themes import retag_scope, tagger

#: versions re-tagged per transaction (well under a second of tagging)
BATCH = 1000
#: seconds ``retag`` leaves the write lock free after each batch. SQLite's busy handler
#: is not a queue: a waiting writer polls, at most 100 ms apart, and would never find a
#: lock released and taken again at once. Sleeping costs wall time, no CPU.
PAUSE_S = 0.12


def version_stored(
    db: Database,
    article_id: int,
    version_id: int,
    previous_id: int | None,
    document: tuple[str | None, str, str] | None = None,
    *,
    pair: dict[str, Any] | None = None,
) -> None:
    """Called by :func:`monitor.ingest.store` after inserting a version.

    ``document`` is the article's (story, title, text) when the caller has it
    at hand, which saves reading the version back. ``pair``: the pair's
    ``diffs`` row when the caller computed it already (before its transaction).
    """
    if previous_id is not None:
        record_pair(db, article_id, previous_id, version_id, row=pair)
    document = document or tagstore.version_document(db, version_id)
    taggers = tagger.load_taggers(db)
    tag_version(db, version_id, document, taggers)
    record_membership(db, article_id, document, taggers)


def record_membership(
    db: Database,
    article_id: int,
    document: tuple[str | None, str, str],
    taggers: dict[str, tagger.StoryTagger] | None = None,
) -> None:
    """The stories the article belongs to: the one it is filed under, and every story
    whose relevance rule matches its current version (many-to-many)."""
    story, title, text = document
    if story:
        memberships.file(db, article_id, story)
    found = rule_matches(taggers or tagger.load_taggers(db), title, text)
    memberships.set_rule_matches(db, article_id, found)


def rule_matches(taggers: dict[str, tagger.StoryTagger], title: str, text: str) -> set[str]:
    doc = tagger.document(title, text)
    return {slug for slug, one in taggers.items() if one.rule is not None and one.relevant(doc)}


def reevaluate_story(db: Database, story: str) -> tuple[int, int]:
    """After a story was added or changed: which stored articles its rule now takes in
    (joined) and lets go (left). Tags are ``retag``'s job."""
    taggers = tagger.load_taggers(db)
    one = taggers.get(story)
    matching: set[int] = set()
    if one is not None and one.rule is not None:
        doc = tagger.document
        for article_id, title, text in memberships.current_texts(db):
            if one.relevant(doc(title, text)):
                matching.add(article_id)
    with db.atomic():
        return memberships.set_story_rule(db, story, matching)


def pair_row(article_id: int, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The ``diffs`` row of (old -> new) version rows (``new`` need not be stored yet)."""
    return edits.pair_row(article_id, old, new)


def record_pair(
    db: Database, article_id: int, old_id: int, new_id: int, row: dict[str, Any] | None = None
) -> None:
    """Store the edit counts of (old version -> new version) in ``diffs`` (``row``: the
    pair's row computed already; else the pair is compared here)."""
    if row is None:
        old, new = diffs.version(db, old_id), diffs.version(db, new_id)
        row = edits.pair_row(article_id, old, new)
    diffs.write_pair(db, row)


def tag_version(
    db: Database,
    version_id: int,
    document: tuple[str | None, str, str] | None = None,
    taggers: dict[str, tagger.StoryTagger] | None = None,
) -> int:
    """Tag one stored version; returns the number of tags written.

    ``document``: the article's (story, title, text), if the caller has them;
    ``taggers``: the stories' taggers, if the caller loaded them.
    """
    story, title, text = document or tagstore.version_document(db, version_id)
    taggers = taggers or tagger.load_taggers(db)
    rows = tagger.tag_rows(version_id, tagger.tags_for(taggers, story, title, text))
    tagstore.replace_version(db, version_id, rows)
    return len(rows)


@dataclass
class RetagResult:
    versions: int
    tags: int
    seconds: float
    resumed_from: int = 0  # the version id an interrupted run had reached, else 0
    #: the stories re-tagged (none: no taxonomy changed since the last retag)
    stories: list[str] | None = None
    #: versions read but left alone: the edit cannot change their tags
    skipped: int = 0

    @property
    def per_second(self) -> float:
        return self.versions / self.seconds if self.seconds > 0 else float("inf")


def taxonomy_digest(taggers: dict[str, tagger.StoryTagger]) -> str:
    """A digest of the taxonomies (and relevance rules) ``taggers`` apply."""
    parts = [
        (slug, repr(one.rule.node) if one.rule else "", repr(one.parsed))
        for slug, one in sorted(taggers.items())
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def retag(
    db: Database, story: str | None = None, batch: int = BATCH, every: bool = False
) -> RetagResult:
    """Re-apply the current taxonomies to the stored versions, ``batch`` versions a
    transaction (``fetch`` and ``add`` write between two batches; they wait for the
    write lock instead of failing).

    Only what a changed taxonomy can affect is re-tagged: without ``story``, the
    stories whose taxonomy differs from the one their tags were last re-applied with
    (every story with ``every``), each on its own articles and the unfiled ones; tags
    of stories that no longer exist are dropped. With ``story``, that story's tags
    (its own articles and unfiled articles its rule matches); other stories' are kept.

    Resumable: each batch records the last version id it did in ``retag_progress``
    with the taxonomies' digest; a run interrupted (even by ``kill -9``) and started
    again with the same taxonomies goes on from there. Versions stored meanwhile are
    tagged on store with the same taxonomies, so the result equals a run in one go.
    """
    started = time.perf_counter()
    taggers = tagger.load_taggers(db)
    if story is not None:
        if story not in taggers:
            known = ", ".join(sorted(taggers)) or "none"
            raise NotFoundError(f"story {story!r}: not found (known: {known})")
        taggers = {story: taggers[story]}
    digests = {slug: taxonomy_digest({slug: one}) for slug, one in taggers.items()}
    scope = story or "*"
    if story is None and not every:
        # (an interrupted run recorded none of its stories as done: the same set again)
        done = tagstore.tagged_with(db)
        taggers = {
            slug: one
            for slug, one in taggers.items()
            if done.get(slug) != digests[slug] or _saved_since(db, slug)
        }
    # what each story's edit can affect (with ``every``, or unrecorded: everything)
    specs = {} if every else tagstore.tagged_specs(db)
    scopes = {
        slug: (
            retag_scope.StoryScope(specs.get(slug, (None,))[0], one.rule_source, one.parsed),
            specs.get(slug, (None, 0))[1],
        )
        for slug, one in taggers.items()
    }
    # (one story: its own digest is the same)
    digest = digests[next(iter(taggers))] if len(taggers) == 1 else taxonomy_digest(taggers)
    saved = tagstore.progress(db, scope)
    last = saved[1] if saved and saved[0] == digest else 0
    resumed_from = last
    # None: every story's tags are replaced (as many stories as exist)
    stories = None if story is None and len(taggers) == len(digests) else list(taggers)
    with db.atomic():
        if story is None:  # tags of stories that no longer exist
            tagstore.drop_stories_except(db, list(digests))
        for slug, one in taggers.items():
            storymod.replace_themes(
                db,
                slug,
                [
                    {
                        "slug": t.theme.slug,
                        "label": t.theme.label,
                        "description": t.theme.description,
                    }
                    for t in one.themes
                ],
            )
        tagstore.set_progress(db, scope, digest, last, now_iso())
    end = articles.last_version_id(db) if taggers else 0
    with _old_objects_frozen():
        versions, tags, skipped = _retag_batches(
            db, taggers, scopes, stories, scope, digest, last, end, batch
        )
    with db.atomic():
        tagstore.clear_progress(db, scope)
        for slug, one in taggers.items():
            spec = retag_scope.spec(one.rule_source, one.parsed)
            tagstore.set_tagged_with(db, slug, digests[slug], now_iso(), spec, end)
    return RetagResult(
        versions - skipped,
        tags,
        time.perf_counter() - started,
        resumed_from,
        list(taggers),
        skipped,
    )


def _retag_batches(
    db: Database,
    taggers: dict[str, tagger.StoryTagger],
    scopes: dict[str, tuple[retag_scope.StoryScope, int]],
    stories: list[str] | None,
    scope: str,
    digest: str,
    last: int,
    end: int,
    batch: int,
) -> tuple[int, int, int]:
    """Re-tag the versions after ``last`` up to ``end``, ``batch`` a transaction, each
    recording where it stands; returns (versions read, tags, versions left alone)."""
    versions = tags = skipped = 0
    while last < end:
        with db.atomic():
            rows_in = tagstore.versions_to_tag(db, last, stories, batch)
            upto = rows_in[-1][0] if rows_in else end
            if len(rows_in) < batch:
                upto = max(upto, end)  # the last batch also clears the ids after it
            rows: list[tagstore.TagRow] = []
            #: (version, story) whose stored tags stay: the edit cannot change them
            kept: set[tuple[int, str]] = set()
            for version_id, article_story, title, text in rows_in:
                mine = _affected(scopes, taggers, version_id, article_story, title, text, kept)
                if not mine:
                    skipped += 1
                    continue
                rows += tagger.tag_rows(
                    version_id, tagger.tags_for(mine, article_story, title, text)
                )
            # (only the rows that changed are written: most survive a taxonomy edit)
            old = tagstore.rows_between(db, stories, last, upto)
            if kept:
                old = {r for r in old if (r[0], r[1]) not in kept}
            tagstore.replace_changed(db, old, rows)
            tagstore.set_progress(db, scope, digest, upto, now_iso())
        versions += len(rows_in)
        tags += len(rows)
        last = upto
        if last < end:
            time.sleep(PAUSE_S)
    return versions, tags, skipped


@contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """Leave the objects alive before the loop (compiled taxonomies and their memos,
    the lemma caches: ~100k objects) out of the cyclic collector's passes while it
    runs. A full pass otherwise walks them all (~35 ms) for the short-lived tuples
    tagging makes; nothing else changes. A caller that froze objects itself keeps
    its own arrangement."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _saved_since(db: Database, slug: str) -> bool:
    """Whether the story was saved again since its last retag and versions were stored
    since: the same taxonomy as then now, but those versions may have been tagged with
    another one in between (an edit, then its undoing)."""
    recorded = tagstore.tagged_specs(db).get(slug)
    saved = {row["slug"]: row["updated_at"] for row in storymod.rows(db)}.get(slug)
    if recorded is None or saved is None:
        return False
    return saved >= recorded[2] and articles.last_version_id(db) > recorded[1]


def _affected(
    scopes: dict[str, tuple[retag_scope.StoryScope, int]],
    taggers: dict[str, tagger.StoryTagger],
    version_id: int,
    article_story: str | None,
    title: str,
    text: str,
    kept: set[tuple[int, str]],
) -> dict[str, tagger.StoryTagger]:
    """The stories whose tags of one version the edit can change; the others are added
    to ``kept`` (a version stored after the last retag was tagged with whatever
    taxonomy was current then: always re-tagged)."""
    if article_story is not None:
        mine = [article_story] if article_story in taggers else []
    else:
        mine = list(taggers)
    out: dict[str, tagger.StoryTagger] = {}
    doc: str | None = None
    for slug in mine:
        story_scope, last_id = scopes[slug]
        if not story_scope.everything and version_id <= last_id:
            doc = doc if doc is not None else tagger.document(title, text)
            if not story_scope.affects(article_story is not None, doc, taggers[slug].rule):
                kept.add((version_id, slug))
                continue
        out[slug] = taggers[slug]
    return out


def backfill(db: Database) -> dict[str, int]:
    """Fill the derived data that migrations asked for (edit stats of version pairs
    stored before they were recorded); run after migrating. Returns what was filled."""
    done: dict[str, int] = {}
    for name in backfills.pending_backfills(db):
        if name == "story_membership":
            with db.atomic():
                taggers = tagger.load_taggers(db)
                count = 0
                for article_id, title, text in memberships.current_texts(db):
                    memberships.set_rule_matches(db, article_id, rule_matches(taggers, title, text))
                    count += 1
                backfills.backfill_done(db, name)
            done[name] = count
        if name in ("edit_stats", "new_pairs"):  # new_pairs: a fetch died before its pairs
            with db.atomic():
                missing = diffs.missing_pairs(db)
                for row in missing:
                    record_pair(db, row["article_id"], row["old_id"], row["new_id"])
                backfills.backfill_done(db, name)
            done[name] = len(missing)
        if name == "packed_texts":
            done[name] = pack_texts(db)
    return done


#: versions packed and indexed per transaction by the ``packed_texts`` backfill
PACK_BATCH = 2000


def pack_texts(db: Database) -> int:
    """The ``packed_texts`` backfill (migration m100): train the text dictionary, then
    in short transactions (a fetch can write between them; an interrupted run resumes
    where it stopped) index the versions stored before the migration and pack their
    texts. Returns the versions done."""
    name = "packed_texts"
    with db.atomic():
        articles.train_dictionary(db)
    position = backfills.backfill_position(db, name) or (0, 0)
    after, upto = position
    done = 0
    while after < upto:
        with db.atomic():
            last = min(after + PACK_BATCH, upto)
            articles.index_texts(db, after, last)
            articles.pack_plain(db, after, last - after)
            backfills.set_backfill_position(db, name, last)
        done += last - after
        after = last
    with db.atomic():
        after_all: int | None = upto
        while after_all is not None:  # stored by a writer since, before the dictionary
            after_all = articles.pack_plain(db, after_all, PACK_BATCH)
        articles.optimize_index(db)
        backfills.backfill_done(db, name)
    return done
