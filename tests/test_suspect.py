"""monitor.suspect.judge / confirmed: walls, error pages and failed extractions told
apart from edits (pure functions; the texts are written for the tests)."""

from __future__ import annotations

import pytest

from monitor.suspect import CONFIRM_HOURS, confirmed, judge

ARTICLE = " ".join(
    [
        "The regional council voted on Tuesday to close the eastern bridge for repairs after",
        "engineers found cracks in two of its supporting piers during a routine inspection.",
        "Traffic will be diverted through the old town for at least four months, officials said,",
        "and buses will run every ten minutes between the two river banks while work goes on.",
        "Shop owners in the old town said they feared the extra traffic would drive customers",
        "away, and asked the council to pay for more parking on the northern edge of the centre.",
        "The mayor said the repairs could not wait and promised a decision on parking next week.",
    ]
)


def test_a_real_edit_is_not_suspect():
    edited = ARTICLE.replace("four months", "six months") + " The council meets again Friday."
    assert judge(ARTICLE, edited) is None


def test_a_plausible_rewrite_of_similar_length_is_not_suspect():
    rewrite = " ".join(
        [
            "Engineers inspecting the eastern bridge discovered cracked piers, and councillors",
            "decided on Tuesday that it must shut while contractors strengthen its foundations.",
            "Drivers face detours through narrow streets until spring; a shuttle bus service will",
            "link both banks at short intervals. Traders worry that congestion will keep shoppers",
            "from visiting and want extra car parks built north of the centre; the mayor insisted",
            "safety came first and said a plan for parking would follow in the coming days.",
        ]
    )
    assert judge(ARTICLE, rewrite) is None


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        (
            "The regional council voted on Tuesday to close the eastern bridge. "
            "Subscribe to continue reading. Already a subscriber? Sign in.",
            "paywall",
        ),
        (
            "We value your privacy. We and our partners use cookies to store and access "
            "information on your device. Accept all or manage preferences.",
            "consent",
        ),
        (
            "Sorry, the page you requested could not be found. Page not found. "
            "Return to the home page or try searching for the story.",
            "error page",
        ),
        (
            "Access denied. You do not have permission to view this page on this server "
            "because of unusual traffic from your network.",
            "error page",
        ),
    ],
)
def test_walls_and_error_pages_are_suspect(page, kind):
    verdict = judge(ARTICLE, page)
    assert verdict is not None and verdict.kind == kind
    assert verdict.ratio < 0.5


def test_a_truncated_extraction_is_suspect():
    first_sentence = ARTICLE.split(" engineers")[0]
    verdict = judge(ARTICLE, first_sentence)
    assert verdict is not None and verdict.kind == "truncated" and verdict.kept < 0.4


def test_wall_words_already_in_the_article_do_not_count():
    about = ARTICLE + " Readers who subscribe to the council newsletter will get cookie recipes."
    shorter = about.split(" Shop owners")[0] + " Readers who subscribe get cookie recipes."
    verdict = judge(about, shorter)
    # shorter by a third, but "subscribe" and "cookie" were in the article before
    assert verdict is None or verdict.kind == "truncated"


def test_an_http_error_status_is_an_error_page_whatever_the_text():
    verdict = judge(ARTICLE, ARTICLE, status=503)
    assert verdict is not None and verdict.kind == "error page" and "503" in verdict.reason


def test_a_short_previous_version_is_not_judged_by_length():
    assert judge("Bridge to close for repairs, council says.", "Bridge closes.") is None


def test_a_loss_is_confirmed_only_after_two_checks_over_the_minimum_span():
    t0 = "2025-10-01T00:00:00+00:00"
    soon = "2025-10-01T01:00:00+00:00"
    later = f"2025-10-01T{int(CONFIRM_HOURS):02d}:00:00+00:00"
    assert not confirmed([], t0)  # the first suspect observation
    assert not confirmed([t0], soon)  # two checks, one hour apart: could be a flaky hour
    assert confirmed([t0], later)
    assert confirmed([t0, soon], later)
