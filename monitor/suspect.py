"""Is a fetched page a real new version, or a wall, an error page or a failed extraction?

A page fetched again (``fetch --recheck``, ``fetch --full-text``, ``monitor add URL``
again) sometimes shows a paywall, a cookie-consent wall or an error page with a
200 status, or the extractor keeps only a fragment of the article. Stored as a
version, that makes two invented edits: the cut ("+10 −111") and the restored
page ("+111 −10"). :func:`judge` (pure, no I/O) tells such a page apart from an
edit, by mechanisms that do not depend on one site:

* **HTTP status**: a 4xx/5xx page is an error page, whatever its text;
* **vocabulary** of walls and error pages, counted only where the new text has it
  and the previous version did not (an article *about* cookies or subscriptions
  stays an article): paywall ("subscribe", "to continue reading", "already a
  subscriber" ...), consent ("cookies", "accept all", "manage preferences" ...),
  error ("page not found", "access denied", "something went wrong" ...). Such a
  phrase marks the page when it is also much shorter than the previous version
  (under :data:`WALL_RATIO` of its words), or when two of them come with a text
  that lost more than a fifth of the previous words (:data:`WALL_KEPT`);
* **loss**: fewer than :data:`KEPT_MIN` of the previous version's words kept and
  the new text under :data:`SHORT_RATIO` of the previous length ("truncated"). A
  text of similar length that shares few words is a plausible rewrite, not a loss.

A suspect page is recorded as an observation (``suspects`` table), not a version.
Only a loss that persists becomes a version: :func:`confirmed` is true when there
have been at least :data:`CONFIRM_CHECKS` suspect observations in a row spanning
at least :data:`CONFIRM_HOURS` hours; that version is flagged as a major cut.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.text.timeutil import parse_datetime

#: a page with wall vocabulary and fewer than this share of the previous words is a wall
WALL_RATIO = 0.7
#: ... or has two such phrases and keeps less than this share of the previous words
WALL_KEPT = 0.8
#: less than this share of the previous version's words kept ...
KEPT_MIN = 0.4
#: ... by a text shorter than this share of the previous one: a truncated extraction
SHORT_RATIO = 0.5
#: previous versions shorter than this (words) are not judged by length
MIN_PREVIOUS_WORDS = 20
#: a loss becomes a version after this many suspect observations in a row ...
CONFIRM_CHECKS = 2
#: ... spanning at least this many hours (one flaky afternoon is not a cut)
CONFIRM_HOURS = 6.0

VOCABULARY: dict[str, tuple[str, ...]] = {
    "paywall": (
        "subscribe",
        "subscribers",
        "subscription",
        "already a subscriber",
        "to continue reading",
        "continue reading",
        "sign in to read",
        "log in to read",
        "log in to continue",
        "sign in to continue",
        "register to continue",
        "free trial",
        "unlock this article",
        "premium content",
        "exclusive to members",
        "become a member",
        "paywall",
    ),
    "consent": (
        "cookie",
        "cookies",
        "consent",
        "accept all",
        "reject all",
        "manage preferences",
        "manage options",
        "privacy settings",
        "privacy choices",
        "we and our partners",
        "personalised ads",
        "personalized ads",
        "legitimate interest",
    ),
    "error page": (
        "page not found",
        "not found",
        "404",
        "access denied",
        "forbidden",
        "error occurred",
        "something went wrong",
        "temporarily unavailable",
        "service unavailable",
        "are you a robot",
        "captcha",
        "enable javascript",
        "unusual traffic",
        "page you requested",
        "no longer available",
        "page does not exist",
    ),
}

_WORD = re.compile(r"\w+", re.UNICODE)
_PATTERNS = {
    kind: [(p, re.compile(r"\b" + re.escape(p) + r"\b", re.IGNORECASE)) for p in phrases]
    for kind, phrases in VOCABULARY.items()
}


@dataclass(frozen=True)
class Verdict:
    """Why a page is suspect: ``kind`` (paywall, consent, error page, truncated) and
    the measures behind it."""

    kind: str
    reason: str
    kept: float  # share of the previous version's words the page kept
    ratio: float  # the page's words / the previous version's words


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def kept_share(previous: str, new: str) -> float:
    """Share of ``previous``'s words (as a multiset) that ``new`` still has."""
    old = Counter(words(previous))
    total = sum(old.values())
    if not total:
        return 1.0
    kept = Counter(words(new)) & old
    return sum(kept.values()) / total


def wall_phrases(previous: str, new: str) -> dict[str, list[str]]:
    """Wall and error-page phrases in ``new`` that ``previous`` does not have, by kind."""
    found: dict[str, list[str]] = {}
    for kind, patterns in _PATTERNS.items():
        hits = [text for text, p in patterns if p.search(new) and not p.search(previous)]
        if hits:
            found[kind] = hits
    return found


def judge(
    previous_text: str,
    new_text: str,
    *,
    previous_title: str = "",
    new_title: str = "",
    status: int | None = None,
) -> Verdict | None:
    """``None`` when the new page may be stored as a version; else why it is suspect."""
    old_n, new_n = len(words(previous_text)), len(words(new_text))
    ratio = new_n / old_n if old_n else 1.0
    kept = kept_share(previous_text, new_text)
    if status is not None and status >= 400:
        return Verdict("error page", f"HTTP status {status}", kept, ratio)
    phrases = wall_phrases(f"{previous_title}\n{previous_text}", f"{new_title}\n{new_text}")
    if phrases:
        kind = max(phrases, key=lambda k: len(phrases[k]))
        count = sum(len(v) for v in phrases.values())
        if ratio < WALL_RATIO or (count >= 2 and kept < WALL_KEPT):
            shown = ", ".join(f'"{p}"' for p in phrases[kind][:3])
            return Verdict(kind, f"{kind} wording ({shown}), {ratio:.0%} of the words", kept, ratio)
    if old_n >= MIN_PREVIOUS_WORDS and kept < KEPT_MIN and ratio < SHORT_RATIO:
        return Verdict(
            "truncated",
            f"kept {kept:.0%} of the previous words, {ratio:.0%} of the length",
            kept,
            ratio,
        )
    return None


#: a first page with two wall phrases and fewer words than this is a wall, not the article
FIRST_PAGE_WORDS = 200


def first_page(
    summary: str, text: str, *, title: str = "", summary_title: str = ""
) -> Verdict | None:
    """Whether a new article's page (``--full-text``) is a wall or an error page rather
    than the article its feed summary announces: two or more wall or error phrases the
    summary does not have, in a page of under :data:`FIRST_PAGE_WORDS` words. Then the
    summary is stored instead (no version is made of the wall)."""
    phrases = wall_phrases(f"{summary_title}\n{summary}", f"{title}\n{text}")
    count = sum(len(v) for v in phrases.values())
    n = len(words(text))
    if count < 2 or n >= FIRST_PAGE_WORDS:
        return None
    kind = max(phrases, key=lambda k: len(phrases[k]))
    shown = ", ".join(f'"{p}"' for p in phrases[kind][:3])
    old = len(words(summary))
    return Verdict(
        kind,
        f"{kind} wording ({shown}) in a {n}-word page",
        kept_share(summary, text),
        n / old if old else 1.0,
    )


def confirmed(earlier: Sequence[str], observed: str) -> bool:
    """Whether a suspect observation at ``observed``, after the suspect observations
    ``earlier`` (ISO times, since the current version), makes the loss persistent."""
    if len(earlier) + 1 < CONFIRM_CHECKS:
        return False
    times = [parse_datetime(t) for t in earlier]
    then, now = min(t for t in times if t is not None), parse_datetime(observed)
    return now is not None and (now - then).total_seconds() >= CONFIRM_HOURS * 3600
