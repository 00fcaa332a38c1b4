"""monitor search: query parsing, ranking, snippets, filters, old versions, bad queries."""

from __future__ import annotations

import json

import pytest
from conftest import add_article

from monitor.analysis.search import QueryError, SearchOptions, search, to_fts
from monitor.ingest import Observation, store


def add(db, url, title, text, source="Dawn", published="2026-11-20T08:00:00Z", story=None):
    return add_article(
        db, url, title, text, source=source, story=story, published=published, observed=published
    )


@pytest.fixture
def corpus(db):
    add(
        db,
        "https://a/1",
        "Ceasefire talks in Doha",
        "Negotiators met in Doha. The ceasefire talks continued for a second day.",
    )
    add(
        db,
        "https://a/2",
        "Border clashes",
        "Clashes on the border. Talks were mentioned once.",
        source="Geo",
        published="2026-10-01T08:00:00Z",
    )
    add(
        db,
        "https://a/3",
        "سرحد پر مذاکرات",
        "طالبان اور پاکستان کے درمیان مذاکرات دوحہ میں ہوئے۔",
        source="Jang",
        story="pakistan-taliban",
    )
    # article 4: a sentence about casualties that a later version removed
    add(db, "https://a/4", "Drone strike", "A drone strike hit a compound. Twelve casualties.")
    store(
        db,
        Observation(
            title="Drone strike",
            text="A drone strike hit a compound.",
            origin="file",
            url="https://a/4",
            observed_at="2026-11-21T08:00:00Z",
        ),
    )
    return db


def ids(rows):
    return [r["id"] for r in rows]


def test_ranking_puts_title_and_repeated_matches_first(corpus):
    rows = list(search(corpus, "talks", SearchOptions()))
    assert ids(rows) == [1, 2]
    assert rows[0]["rank"] < rows[1]["rank"]  # bm25: lower is better


def test_snippets_and_titles_are_highlighted(corpus, invoke):
    result = invoke("search", "ceasefire")
    assert result.exit_code == 0
    assert "[Ceasefire] talks in Doha" in result.stdout
    assert "The [ceasefire] talks continued" in result.stdout
    data = json.loads(invoke("search", "ceasefire", "--json").stdout)
    assert data[0]["snippet"].count("[ceasefire]") == 1
    assert data[0]["id"] == 1 and data[0]["version"] == 1


def test_colour_markers_only_on_tty(corpus, invoke, monkeypatch):
    # CliRunner is not a TTY: brackets, no escape codes
    assert "\x1b[" not in invoke("search", "ceasefire").stdout
    monkeypatch.setattr("monitor.render.rows.use_colour", lambda stream=None: True)
    assert "\x1b[1;33mceasefire\x1b[0m" in invoke("search", "ceasefire").stdout


def test_query_syntax_phrases_or_not_prefix(corpus):
    def run(q):
        return ids(search(corpus, q, SearchOptions()))

    assert run('"ceasefire talks"') == [1]
    assert run('"talks ceasefire"') == []
    assert sorted(run("doha OR clashes")) == [1, 2]
    assert run("talks NOT border") == [1]
    assert run("negotiat*") == [1]
    assert run("title:talks") == [1]
    assert sorted(run("(clashes OR negotiators) talks")) == [1, 2]
    assert run("مذاکرات") == [3]
    assert run("talks -") == [1, 2]  # punctuation-only words are ignored
    assert run("or") == []  # lower-case operators are plain words


def test_filters(corpus, db):
    assert ids(search(db, "talks", SearchOptions(source="geo"))) == [2]
    assert ids(search(db, "talks", SearchOptions(since="2026-11-01T00:00:00Z"))) == [1]
    assert ids(search(db, "talks", SearchOptions(until="2026-10-31T00:00:00Z"))) == [2]
    assert ids(search(db, "مذاکرات", SearchOptions(story="pakistan-taliban"))) == [3]
    assert ids(search(db, "talks", SearchOptions(story="pakistan-taliban"))) == []
    assert ids(search(db, "talks", SearchOptions(limit=1))) == [1]
    db["themes"].insert({"story": "s", "slug": "diplomacy", "label": "Diplomacy"})
    vid = db.execute("select id from versions where article_id = 2").fetchone()[0]
    db["version_themes"].insert(
        {"version_id": vid, "story": "s", "theme": "diplomacy", "score": 0.9}
    )
    assert ids(search(db, "talks", SearchOptions(theme="diplomacy"))) == [2]
    assert ids(search(db, "talks", SearchOptions(theme="Diplomacy"))) == [2]


def test_cli_filters(corpus, invoke):
    result = invoke("search", "talks", "--source", "Geo", "--since", "2026-09-01", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == [2]
    result = invoke("search", "talks", "--theme", "nope")
    assert result.exit_code == 1
    assert "--theme 'nope': no such theme" in result.stderr


def test_all_versions_finds_text_edited_out(corpus, invoke):
    assert ids(search(corpus, "casualties", SearchOptions())) == []
    rows = list(search(corpus, "casualties", SearchOptions(all_versions=True)))
    assert ids(rows) == [4]
    assert rows[0]["versions_matched"] == [1] and rows[0]["in_current"] is False
    both = list(search(corpus, "drone", SearchOptions(all_versions=True)))
    assert both[0]["versions_matched"] == [1, 2] and both[0]["in_current"] is True
    result = invoke("search", "casualties", "--all-versions")
    assert "v1 (gone from current v2)" in result.stdout
    assert "Twelve [casualties]" in result.stdout


def test_no_matches_is_not_an_error(corpus, invoke):
    result = invoke("search", "zebra")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no matches" in result.stderr


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"ceasefire talks', "unbalanced quote"),
        ("talks)", "unbalanced ')'"),
        ("(talks", "unbalanced '('"),
        ("OR talks", "OR at the start"),
        ("talks NOT", "NOT at the end"),
        ("talks AND OR doha", "two operators in a row"),
        ("(OR talks)", "OR after '('"),
        ("NOT talks", "NOT at the start"),
        ("()", "has no words"),
        ("(talks ())", "empty '()'"),
        ("*", "'*' needs letters"),
        ("ta*lks", "'*' only goes at the end"),
        ("   ", "has no words"),
        ('"" ?', "has no words"),
    ],
)
def test_malformed_queries_give_one_line(corpus, invoke, query, message):
    result = invoke("search", query)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: search:")
    assert message in lines[0]
    assert "Traceback" not in result.stderr and "fts5" not in result.stderr


def test_to_fts_quotes_every_word():
    assert to_fts('talks "a ""b" NOT x*') == '"talks" AND "a " AND "b" NOT "x"*'
    assert to_fts("title:doha OR text:kabul") == 'title : "doha" OR text : "kabul"'
    # FTS5 keywords and column-like words are searched as words, not syntax
    assert to_fts("NEAR(a b) c:d") == '"NEAR" AND ( "a" AND "b" ) AND "c:d"'
    with pytest.raises(QueryError):
        to_fts('"open')


def test_sqlite_errors_become_query_errors(corpus, monkeypatch):
    # the parser is the first line of defence; an FTS error is still caught
    monkeypatch.setattr("monitor.analysis.search.to_fts", lambda q: '"a" AND AND')
    with pytest.raises(QueryError, match="cannot run"):
        list(search(corpus, "a", SearchOptions()))


def test_malformed_query_with_json_writes_nothing(corpus, invoke):
    result = invoke("search", '"open', "--json")
    assert result.exit_code == 1 and result.stdout == ""


def test_query_limits_are_clear_errors():
    import pytest

    from monitor.analysis.search import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, QueryError, to_fts

    with pytest.raises(QueryError, match=f"the limit is {MAX_TERMS}"):
        to_fts("talks " * (MAX_TERMS + 1))
    assert to_fts("talks " * MAX_TERMS).count('"talks"') == MAX_TERMS
    with pytest.raises(QueryError, match="characters long"):
        to_fts("talks " * 20_000)
    with pytest.raises(QueryError, match=f"more than {MAX_DEPTH} deep"):
        to_fts("(" * (MAX_DEPTH + 1) + "talks" + ")" * (MAX_DEPTH + 1))
    assert to_fts("(" * MAX_DEPTH + "talks" + ")" * MAX_DEPTH)
    # the error names the query, shortened
    with pytest.raises(QueryError) as info:
        to_fts("x" * (MAX_QUERY_CHARS + 1))
    assert len(str(info.value)) < 200


def test_search_of_many_repeated_terms_is_a_usage_error(invoke):
    assert invoke("init").exit_code == 0
    result = invoke("search", " ".join(["talks"] * 20_000))
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert "limit" in result.stderr and len(result.stderr) < 300
