"""Named edits beyond counts: cosmetic vs rewritten headlines, punctuation-only
consistency, byline / correction / update edits, severity, and where it is stored."""

from __future__ import annotations

import json

import pytest

from monitor.analysis import edits, severity, wording
from monitor.ingest import Observation, store
from monitor.store import db as dbmod


def row(number, title, text, byline=None, published_at=None):
    return {
        "number": number,
        "observed_at": f"2026-11-0{number}T00:00:00Z",
        "title": title,
        "text": text,
        "byline": byline,
        "published_at": published_at,
    }


def named(title_old, title_new, old="", new="", **extra):
    return edits.compare(1, row(1, title_old, old), row(2, title_new, new, **extra)).edits


@pytest.mark.parametrize(
    ("old", "new", "kind", "details"),
    [
        ("Floods hit the north", "Floods hit the north", "unchanged", []),
        ("Floods hit the north", "Floods hit the north.", "cosmetic", ["punctuation"]),
        ("Floods Hit The North", "Floods hit the north", "cosmetic", ["case"]),
        (
            "Flood warning for coastl towns",
            "Flood warning for coastal towns",
            "cosmetic",
            ["spelling"],
        ),
        ("Vote set for Oct. 8", "Vote set for October 8", "cosmetic", ["abbreviation"]),
        (
            "U.S. envoy visits Oslo",
            "United States envoy visits Oslo",
            "cosmetic",
            ["abbreviation"],
        ),
        (
            "Queen Margrethe: who is at the ball?",
            "Queen Margrethe II: who is at the ball?",
            "cosmetic",
            ["name form"],
        ),
        ("Koncert w Krakow odwołany", "Koncert w Krakowie odwołany", "cosmetic", ["spelling"]),
        ("Senate debates the bill", "Senate debate the bill", "rewritten", []),
        ("U.S. troops leave", "American troops leave", "rewritten", []),
        ("Blast kills 20", "Blast kills 30", "rewritten", []),
        ("Talks fail in Doha", "Doha talks collapse", "rewritten", []),
    ],
)
def test_headline_cosmetic_or_rewritten(old, new, kind, details):
    found = wording.compare(old, new)
    assert (found.kind, found.details) == (kind, details)


def test_punctuation_only_is_named_never_identical():
    e = named(
        "Talks end", "Talks end", "The well-known firm said so.", "The well known firm said so."
    )
    assert e.any and e.text.describe() == "punctuation only"
    assert e.paragraphs_changed == 1
    assert "text: punctuation only" in e.summary() and e.severity == "cosmetic"


def test_punctuation_only_version_is_not_identical_in_diff(invoke, tmp_path):
    for i, text in enumerate(["Police said it was over.", "Police said it was over!"], 1):
        path = tmp_path / f"v{i}.txt"
        path.write_text(
            f"Title: Siege ends\nURL: https://x.example/p\n\n{text}\n", encoding="utf-8"
        )
        assert invoke("add", str(path)).exit_code == 0
    result = invoke("diff", "1")
    assert "identical" not in result.stderr
    data = json.loads(invoke("diff", "1", "--format", "json").stdout)
    assert data["stats"]["paragraphs_changed"] == 1
    assert data["edits"]["text_change"] == "punctuation only"
    assert data["edits"]["severity"] == "cosmetic"
    assert "cosmetic" in invoke("diff", "1", "--stat").stdout


def test_byline_and_update_time_changes_are_named():
    e = edits.compare(
        1,
        row(1, "T", "Same text.", byline="A. Writer", published_at="2026-11-01T08:00:00Z"),
        row(2, "T", "Same text.", byline="B. Writer", published_at="2026-11-01T10:00:00Z"),
    ).edits
    assert e.byline_changed and e.dateline_changed and e.any
    assert "byline changed" in e.summary() and "update time changed" in e.summary()
    assert e.named()["byline"] == {"old": "A. Writer", "new": "B. Writer"}
    assert e.severity == "minor"


@pytest.mark.parametrize(
    "notice",
    [
        "Correction: the first version named the wrong town.",
        "An earlier version of this article gave the wrong date.",
        "Editor's note: this story was changed to give the right name.",
    ],
)
def test_correction_notice_added(notice):
    e = named("Toll rises", "Toll rises", "The toll rose.", notice + "\n\nThe toll rose.")
    assert e.correction_notice and not e.update_notice
    assert "correction notice added" in e.summary()
    assert e.severity == "substantive"


@pytest.mark.parametrize(
    "notice",
    [
        "[UPDATE] The launch went ahead.",
        "Update: the launch went ahead.",
        "This story has been updated.",
    ],
)
def test_update_notice_is_not_a_correction(notice):
    e = named(
        "Launch today", "Launch today", "The launch is set.", notice + "\n\nThe launch is set."
    )
    assert e.update_notice and not e.correction_notice


def test_quotes_replaced_under_a_correction_are_major():
    e = named(
        "Leader praises rival",
        "Leader praises rival",
        'She called him "a legend".',
        'Correction: the quote was misattributed. She called him "a hero".',
    )
    assert e.severity == "major"


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        (
            ("Storm hits coast", "Ten homes flooded."),
            ("Storm hits coast", "Ten homes flooded!"),
            "cosmetic",
        ),
        (
            ("Storm hits coast", "Ten homes flooded."),
            ("Coast hit by storm", "Ten homes flooded."),
            "minor",
        ),
        (
            ("Storm kills 20", "Twenty people died."),
            ("Storm kills 34", "34 people died."),
            "substantive",
        ),
        (("Storm kills 20", "Twenty people died."), ("Storm kills 60", "60 people died."), "major"),
        (
            ("Quake kills 12", "Rescuers dug."),
            ("Quake kills 12", 'Rescuers dug. "We lost everything," one said.'),
            "substantive",
        ),
        (
            ("Watch live as the rocket attempts a launch", "The launch is due at 6pm."),
            ("The rocket reaches orbit", "The launch is due at 6pm."),
            "major",
        ),
        (
            ("Storm hits coast", "Ten homes flooded."),
            ("Storm hits coast", "Ten homes flooded, Mayor Anna Kowalska said."),
            "substantive",
        ),
    ],
)
def test_severity_levels(old, new, level):
    e = named(old[0], new[0], old[1], new[1])
    assert e.severity == level, e.severity_reason
    assert e.summary().endswith(f"[{level}]")
    assert severity.rank(level) == severity.LEVELS.index(level)


def obs(title, text, when, url="https://x.example/a"):
    return Observation(title=title, text=text, origin="file", url=url, observed_at=when)


def test_record_pair_stores_severity_and_named_edit_flags(db):
    store(db, obs("Storm kills 20", "Twenty people died.", "2026-11-01T00:00:00Z"))
    store(db, obs("Storm kills 34", "Correction: 34 people died.", "2026-11-02T00:00:00Z"))
    (stored,) = db["diffs"].rows
    assert stored["severity"] == "major"  # a figure changed under a correction
    assert stored["headline_change"] == "rewritten" and stored["correction_notice"] == 1
    assert stored["severity_reason"]


def test_backfill_grades_pairs_stored_before_severities(db_path):
    database = dbmod.connect(db_path)
    store(database, obs("A calm day", "Nothing happened.", "2026-11-01T00:00:00Z"))
    store(database, obs("A calm day", "Nothing happened!", "2026-11-02T00:00:00Z"))
    # an older database: no severity columns, and this migration not applied yet (nor the
    # later m080, whose edits view reads those columns)
    database.execute("drop view edits")
    database.execute("delete from _sqlite_migrations where name = 'm080_datasette'")
    for column in (
        "severity",
        "severity_reason",
        "headline_change",
        "correction_notice",
        "update_notice",
        "byline_changed",
    ):
        database.execute(f"alter table diffs drop column {column}")
    database.execute("delete from _sqlite_migrations where name = 'm060_edit_severity'")
    database.conn.commit()
    database.close()
    import monitor

    with monitor.open(db_path) as m:  # migrates, then runs the backfill it asked for
        assert [r["severity"] for r in m.db["diffs"].rows] == ["cosmetic"]


def test_list_min_severity(invoke, tmp_path):
    texts = {
        "a": [
            ("Storm hits coast", "Ten homes flooded."),
            ("Storm hits coast", "Ten homes flooded!"),
        ],
        "b": [("Storm kills 20", "Twenty people died."), ("Storm kills 34", "34 people died.")],
    }
    for name, versions in texts.items():
        for i, (title, text) in enumerate(versions, 1):
            path = tmp_path / f"{name}{i}.txt"
            path.write_text(
                f"Title: {title}\nURL: https://x.example/{name}\n\n{text}\n", encoding="utf-8"
            )
            assert invoke("add", str(path)).exit_code == 0
    listed = json.loads(
        invoke("list", "--edited", "--min-severity", "substantive", "--json").stdout
    )
    assert [a["title"] for a in listed] == ["Storm kills 34"]
    listed = json.loads(invoke("list", "--edited", "--min-severity", "cosmetic", "--json").stdout)
    assert len(listed) == 2
    bad = invoke("list", "--min-severity", "huge")
    assert bad.exit_code != 0 and "huge" in bad.stderr


def test_export_edits_carries_severity(invoke, tmp_path):
    for i, text in enumerate(["Twenty people died.", "34 people died."], 1):
        path = tmp_path / f"v{i}.txt"
        path.write_text(f"Title: Storm\nURL: https://x.example/s\n\n{text}\n", encoding="utf-8")
        assert invoke("add", str(path)).exit_code == 0
    out = invoke("export", "edits", "--format", "json")
    assert out.exit_code == 0, out.stderr
    (edit,) = json.loads(out.stdout)
    assert edit["severity"] == "substantive"


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        # a hedge dropped: the claim is now stated as fact
        (
            ("Minister said to own offshore firm", ""),
            ("Minister owns offshore firm", ""),
            "substantive",
        ),
        # a quote leaving the headline but still in the text: moved, not removed
        (
            ("Minister: 'We will not resign' as talks stall", 'She said: "We will not resign."'),
            ("Minister stays as talks stall", 'She said: "We will not resign."'),
            "minor",
        ),
        # a name new to the headline is news, even when the text had it
        (
            ("Killer faces life in prison", "Jan Kowalski attacked the woman."),
            ("Jan Kowalski faces life in prison", "Jan Kowalski attacked the woman."),
            "substantive",
        ),
        # a rolling page now leading on another event
        (
            ("Storm live: power cut in the north", "Winds cut power to 3,000 homes."),
            ("Storm live: ferry runs aground off the coast", "A ferry ran aground on Tuesday."),
            "major",
        ),
        # the month of May announces nothing
        (
            ("Teachers strike in May over pay", "Teachers left schools."),
            ("Teachers strike over pay", "Teachers left schools."),
            "minor",
        ),
        # a question headline reports no outcome
        (
            ("Parade will be held at noon", "The town turns out today."),
            ("What time is the parade?", "The town turns out today."),
            "minor",
        ),
    ],
)
def test_severity_reads_claims_not_only_counts(old, new, level):
    e = named(old[0], new[0], old[1], new[1])
    assert e.severity == level, e.severity_reason


def test_a_new_sentence_in_an_edited_paragraph_is_a_new_fact():
    e = named(
        "Officers stop 9 drivers",
        "Officers stop 9 drivers",
        "Officers stopped 9 drivers on the bypass, the spokesman wrote.",
        "Officers stopped 9 drivers on the bypass, the spokesman wrote. "
        "A judge then ordered a review of the checkpoint.",
    )
    assert e.paragraphs_changed == 1 and e.severity == "substantive", e.severity_reason
    dropped = named(
        "Officers stop 9 drivers",
        "Officers stop 9 drivers",
        "A judge ordered a review. Officers stopped 9 drivers on the bypass.",
        "Officers stopped 9 drivers on the bypass.",
    )
    assert dropped.severity == "minor", dropped.severity_reason  # a detail dropped


@pytest.mark.parametrize(
    ("old", "new"),
    [("Bank raises rates", "Bank raised rates"), ("Court rules on ban", "Court ruled on ban")],
)
def test_a_tense_change_is_no_typo(old, new):
    assert wording.compare(old, new).kind == "rewritten"


def test_the_word_correction_in_a_sentence_is_no_notice():
    e = named(
        "Row over", "Row over", "He asked for a fix.", "He asked for a correction. Nothing came."
    )
    assert not e.correction_notice


@pytest.mark.parametrize(
    ("title_old", "title_new"),
    [
        ("Miners wait as rescuers search for the missing crew", "Missing crew found dead"),
        ("Senate holds hearing on the budget bill", "Senate rejects the budget bill"),
        (
            "Mayor visits the harbour city, seeks a trade pact",
            "Mayor and harbour city agree a pact",
        ),
        ("Port braces for the storm surge", "Storm surge collapsed the old port wall"),
    ],
)
def test_an_outcome_replacing_a_process_headline_is_major(title_old, title_new):
    e = named(title_old, title_new, "Officials spoke on Monday.", "Officials spoke on Monday.")
    assert e.severity == "major"


def test_an_outcome_headline_after_another_outcome_is_not_major():
    e = named(
        "Court convicts the three accused",
        "Three accused sentenced to two years",
        "The court sat in the capital.",
        "The court sat in the capital.",
    )
    assert e.severity != "major"


def test_a_headline_reporting_another_outcome_is_major():
    e = named(
        "Climber crashed on the glacier. Rescue under way",
        "Climber missing on the glacier. Rescue under way",
        "Teams flew out at dawn.",
        "Teams flew out at dawn.",
    )
    assert e.severity == "major"


def test_a_new_outcome_in_the_headline_is_a_new_development():
    e = named(
        "Crowds storm the parliament building",
        "Protest leaders arrested as crowds storm the parliament building",
        "Windows were broken.",
        "Windows were broken.",
    )
    assert e.severity == "substantive"


@pytest.mark.parametrize(
    ("title_old", "title_new"),
    [
        ("Hosts thrash visitors by six wickets", "Hosts' openers rip through the visitors' attack"),
        (
            "Minister resigns after the expenses row",
            "Minister under pressure after the expenses row",
        ),
    ],
)
def test_an_outcome_dropped_from_the_whole_version_is_major(title_old, title_new):
    assert named(title_old, title_new).severity == "major"


def test_an_outcome_moved_from_the_headline_to_the_text_is_not_major():
    e = named(
        "Minister resigns after the expenses row",
        "Minister under pressure after the expenses row",
        "The minister faced questions.",
        "The minister resigned on Friday after facing questions.",
    )
    assert e.severity != "major"


def test_a_text_rewritten_much_shorter_with_no_new_fact_is_minor():
    old = (
        "On a grey morning the ferry left the harbour late, its deck crowded with "
        "commuters who had waited an hour in the rain for the crossing to begin."
    )
    e = named("Ferry service resumes", "Ferry service resumes", old, "The ferry crossing resumed.")
    assert e.paragraphs_added and e.paragraphs_removed
    assert e.severity == "minor"
