"""monitor changes: each section on a database with known dates, edits and themes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from conftest import add_article

from monitor.analysis import changes as report
from monitor.render import changes as report_render
from monitor.text.timeutil import parse_datetime

SINCE, UNTIL = "2026-11-10T00:00:00Z", "2026-11-16T23:59:59Z"
# a story without a taxonomy, so only the tags this test writes exist
STORY = "report-test"


def set_edit_stats(db, row):
    """Replace the stats recorded on store with chosen numbers (to test ordering)."""
    db.execute(
        "delete from diffs where article_id = ? and from_number = ? and to_number = ?",
        [row["article_id"], row["from_number"], row["to_number"]],
    )
    db["diffs"].insert(row)


def add(db, url, title, text, when, source="Dawn", observed=None, story=STORY):
    return add_article(
        db,
        url,
        title,
        text,
        source=source,
        story=story,
        published=when,
        observed=observed or when,
        origin="feed",
    )


def tag(db, article_id, *themes):
    vid = db.execute(
        "select v.id from versions v join articles a on a.id = v.article_id "
        "and v.number = a.current_version where a.id = ?",
        [article_id],
    ).fetchone()[0]
    for theme in themes:
        db["version_themes"].insert({"version_id": vid, "story": STORY, "theme": theme, "score": 1})


@pytest.fixture
def newsroom(db):
    db["stories"].insert(
        {"slug": STORY, "name": "Report test", "rule": "", "created_at": "x", "updated_at": "x"}
    )
    db["themes"].insert_all(
        [
            {"story": STORY, "slug": "talks", "label": "Peace talks"},
            {"story": STORY, "slug": "attacks", "label": "Attacks"},
            {"story": STORY, "slug": "refugees", "label": "Refugees"},
        ]
    )
    talk = "Pakistan and Taliban envoys held ceasefire talks in Doha. Officials in Islamabad welcomed the talks."
    # long before: one talks article (so "talks" is not new)
    a = add(db, "https://x/old", "Early talks", talk, "2026-09-01T10:00:00Z").article_id
    tag(db, a, "talks")
    # previous window (2026-11-03 .. 11-09): three talks, one attack
    for i in range(3):
        a = add(
            db, f"https://x/p{i}", f"Talks round {i}", talk, f"2026-11-0{4 + i}T10:00:00Z"
        ).article_id
        tag(db, a, "talks")
    a = add(
        db,
        "https://x/p-att",
        "Attack in Bannu",
        "Pakistan police said Taliban attacked a post.",
        "2026-11-08T10:00:00Z",
        source="Geo",
    ).article_id
    tag(db, a, "attacks")
    # this window: three attacks (rising), one talks (fading), two refugees (new)
    strike = (
        "A drone strike in Waziristan killed militants, Pakistan officials said. "
        "Residents of Waziristan reported another drone over the valley."
    )
    for i in range(3):
        a = add(
            db,
            f"https://x/n{i}",
            f"Drone strike in Waziristan {i}",
            strike,
            f"2026-11-1{1 + i}T10:00:00Z",
            source="Geo" if i else "Dawn",
        ).article_id
        tag(db, a, "attacks")
    a = add(db, "https://x/n-talk", "Talks stall", talk, "2026-11-14T10:00:00Z").article_id
    tag(db, a, "talks")
    for i in range(2):
        a = add(
            db,
            f"https://x/n-ref{i}",
            f"Refugees return {i}",
            "Afghan refugees crossed at Torkham as Pakistan deadlines passed. Zanzibar.",
            f"2026-11-15T1{i}:00:00Z",
            source="Jang",
        ).article_id
        tag(db, a, "refugees")
    # an article from the previous window edited in this window: headline rewrite
    big = add(
        db,
        "https://x/p0",
        "Talks collapse in Doha",
        talk + " Then the talks collapsed.",
        "2026-11-04T10:00:00Z",
        observed="2026-11-12T09:00:00Z",
    )
    assert big.status == "updated"
    tag(db, big.article_id, "talks")  # the themes capability tags every new version
    set_edit_stats(
        db,
        {
            "article_id": big.article_id,
            "from_number": 1,
            "to_number": 2,
            "observed_at": "2026-11-12T09:00:00Z",
            "words_added": 25,
            "words_removed": 4,
            "title_changed": 1,
            "title_old": "Talks round 0",
            "title_new": "Talks collapse in Doha",
            "quotes_altered": 2,
        },
    )
    small = add(
        db,
        "https://x/p1",
        "Talks round 1",
        talk + " Updated.",
        "2026-11-05T10:00:00Z",
        observed="2026-11-13T09:00:00Z",
    )
    tag(db, small.article_id, "talks")
    set_edit_stats(
        db,
        {
            "article_id": small.article_id,
            "from_number": 1,
            "to_number": 2,
            "observed_at": "2026-11-13T09:00:00Z",
            "words_added": 1,
            "words_removed": 0,
        },
    )
    # an edit outside the window is not reported
    add(
        db,
        "https://x/old",
        "Early talks",
        talk + " Late fix.",
        "2026-09-01T10:00:00Z",
        observed="2026-11-01T00:00:00Z",
    )
    return {"big": big.article_id, "small": small.article_id}


def test_new_articles_section(newsroom, db):
    data = report.build(db, SINCE, UNTIL)
    new = data["new_articles"]
    assert new["count"] == 6
    assert [(s["source"], s["count"]) for s in new["by_source"]] == [
        ("Dawn", 2),
        ("Geo", 2),
        ("Jang", 2),
    ]
    assert new["top"][0]["title"] == "Refugees return 1"  # newest first


def test_edited_section_most_edited_first_with_headline(newsroom, db):
    edits = report.build(db, SINCE, UNTIL)["edited_articles"]
    assert [e["id"] for e in edits] == [newsroom["big"], newsroom["small"]]
    big = edits[0]
    assert big["headline_rewritten"] is True
    assert (big["title_old"], big["title_new"]) == ("Talks round 0", "Talks collapse in Doha")
    assert (big["words_added"], big["words_removed"], big["quotes_altered"]) == (25, 4, 2)
    assert big["command"] == f"monitor diff {newsroom['big']}"
    assert edits[1]["headline_rewritten"] is False


def test_edits_without_diff_stats_still_show_headline(db):
    add(db, "https://x/e", "Old headline", "Text one.", "2026-11-11T00:00:00Z")
    add(
        db,
        "https://x/e",
        "New headline",
        "Text two.",
        "2026-11-11T00:00:00Z",
        observed="2026-11-12T00:00:00Z",
    )
    (edit,) = report.build(db, SINCE, UNTIL)["edited_articles"]
    # storing the version recorded its edit stats
    assert (edit["words_added"], edit["words_removed"]) == (1, 1)
    db.execute("delete from diffs")  # e.g. a pair whose stats were never recorded
    (edit,) = report.build(db, SINCE, UNTIL)["edited_articles"]
    assert edit["words_added"] is None and edit["title_old"] == "Old headline"
    assert "v1→v2" in report_render.render_text(report.build(db, SINCE, UNTIL))


def test_themes_rising_fading_new(newsroom, db):
    themes = report.build(db, SINCE, UNTIL)["themes"]
    # previous window: talks 3 (+1 edited later, still dated before) , attacks 1
    assert [(t["theme"], t["count"], t["previous"], t["change"]) for t in themes["rising"]] == [
        ("attacks", 3, 1, 2)
    ]
    assert [(t["theme"], t["count"], t["previous"]) for t in themes["fading"]] == [("talks", 1, 3)]
    assert [(t["theme"], t["label"], t["count"]) for t in themes["new"]] == [
        ("refugees", "Refugees", 2)
    ]


def test_distinctive_terms(newsroom, db):
    terms = report.build(db, SINCE, UNTIL)["terms"]
    words = [t["term"] for t in terms]
    assert {"drone", "waziristan"} <= set(words[:4])
    assert "pakistan" not in words  # frequent in both windows
    assert "the" not in words and "in" not in words  # stopwords
    if "zanzibar" in words:
        assert words.index("zanzibar") > words.index("drone")  # rare noise does not dominate


def test_cli_text_json_markdown(newsroom, invoke):
    args = ("changes", "--since", SINCE, "--until", "2026-11-16")
    text = invoke(*args)
    assert text.exit_code == 0, text.stderr
    out = text.stdout
    for needle in (
        "New articles: 6",
        "Edited articles: 2",
        "headline: Talks round 0 → Talks collapse in Doha",
        f"see: monitor diff {newsroom['big']}",
        "Themes rising",
        "Attacks (report-test): 3 now, 1 before (+2)",
        "Themes fading",
        "New themes",
        "Distinctive terms",
    ):
        assert needle in out, needle
    data = json.loads(invoke(*args, "--json").stdout)
    assert set(data) == {"window", "new_articles", "edited_articles", "themes", "terms"}
    assert data["window"]["since"] == SINCE and data["window"]["until"] == UNTIL
    assert data["window"]["previous_since"] == "2026-11-03T00:00:01Z"
    assert json.loads(invoke(*args, "--format", "json").stdout) == data
    md = invoke(*args, "--format", "markdown").stdout
    assert md.startswith(f"# Changes {SINCE} → {UNTIL}")
    assert "## Themes rising" in md and "| Attacks | report-test | 3 | 1 | +2 |" in md
    assert f"`monitor diff {newsroom['big']}`" in md


def test_story_filter(newsroom, db):
    add(db, "https://x/other", "Other story", "Cricket.", "2026-11-12T00:00:00Z", story="cricket")
    assert report.build(db, SINCE, UNTIL)["new_articles"]["count"] == 7
    assert report.build(db, SINCE, UNTIL, story=STORY)["new_articles"]["count"] == 6


def test_empty_window_is_a_short_report(newsroom, invoke):
    result = invoke("changes", "--since", "2030-01-01", "--until", "2030-01-02")
    assert result.exit_code == 0
    assert "Nothing new in this window" in result.stdout
    assert len(result.stdout.splitlines()) <= 4
    data = json.loads(
        invoke("changes", "--since", "2030-01-01", "--until", "2030-01-02", "--json").stdout
    )
    assert data["new_articles"]["count"] == 0 and data["terms"] == []


def test_runs_without_a_cursor_move_nothing(db, invoke):
    """Regression: every run without --until moved the one bookmark, so an interactive
    look (--since 60d, --json) made the next cron digest cover a second."""
    first = json.loads(invoke("changes", "--json").stdout)["window"]
    assert first["from"] == "default 24h"
    start, end = parse_datetime(first["since"]), parse_datetime(first["until"])
    assert end - start == timedelta(hours=24)
    invoke("changes", "--since", "60d")
    second = json.loads(invoke("changes", "--json").stdout)["window"]
    assert second["from"] == "default 24h"
    # runs holds fetch runs only, and no cursor was created
    assert list(db.query("select * from runs")) == []
    assert db.execute("select count(*) from cursors").fetchone()[0] == 0


def test_status_lists_fetch_runs_only(db, invoke):
    """Regression: two runs of changes used to show in status as fetch runs."""
    invoke("changes", "--json")
    invoke("changes", "--json")
    status = json.loads(invoke("status", "--json").stdout)
    assert status["runs"] == []


def test_relative_since(db, invoke):
    data = json.loads(invoke("changes", "--since", "7d", "--json").stdout)["window"]
    start, end = parse_datetime(data["since"]), parse_datetime(data["until"])
    assert abs((end - start) - timedelta(days=7)) < timedelta(seconds=5)
    assert abs(end - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_bad_since_is_one_line(db, invoke):
    result = invoke("changes", "--since", "yesterdayish")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--since" in result.stderr
    result = invoke("changes", "--since", "2026-11-20", "--until", "2026-11-10")
    assert result.exit_code == 2
