"""monitor export: every WHAT in csv / json / nl, round trips, CSV injection, atomic files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import add_article

from monitor.analysis.export import WHATS

URDU = "طالبان اور پاکستان کے درمیان مذاکرات"
TRICKY = 'He said "no".\n\nSecond paragraph, with a comma; and a\ttab.'


def add(db, url, title, text, observed, source="Dawn", story="pakistan-taliban"):
    return add_article(
        db, url, title, text, source=source, story=story, published=observed, observed=observed
    )


@pytest.fixture
def data(db):
    db["stories"].insert(
        {"slug": "pakistan-taliban", "name": "P", "created_at": "x", "updated_at": "x"}
    )
    add(db, "https://a/1", URDU, TRICKY, "2026-11-02T08:00:00Z")
    add(db, "https://a/1", URDU + " (updated)", TRICKY + "\n\nMore.", "2026-11-03T08:00:00Z")
    add(db, "https://a/2", '=HYPERLINK("http://evil")', "@SUM(A1)", "2026-11-10T08:00:00Z", "Geo")
    add(db, "https://a/3", "-5", "+cmd|' /C calc'!A0", "2026-10-01T08:00:00Z", "Geo", story=None)
    # the version pair above gets its "edits" row when the version is stored
    db["themes"].insert_all(
        [
            {"story": "pakistan-taliban", "slug": "talks", "label": "Talks"},
            {"story": "pakistan-taliban", "slug": "attacks", "label": "Attacks"},
        ]
    )
    v = {r["article_id"]: r["id"] for r in db.query("select id, article_id from versions")}
    db["version_themes"].insert_all(
        [
            {
                "version_id": v[1],
                "story": "pakistan-taliban",
                "theme": "talks",
                "score": 0.8,
                "evidence": json.dumps({"terms": ["مذاکرات"]}, ensure_ascii=False),
            },
            {"version_id": v[2], "story": "pakistan-taliban", "theme": "talks", "score": 0.5},
            {"version_id": v[2], "story": "pakistan-taliban", "theme": "attacks", "score": 0.7},
        ]
    )
    db["feeds"].insert(
        {
            "url": "https://dawn.example/feed",
            "story": "pakistan-taliban",
            "name": "=Dawn",
            "created_at": "2026-10-01T00:00:00Z",
        }
    )
    db["runs"].insert(
        {"command": "fetch", "started_at": "2026-11-03T00:00:00Z", "status": "ok", "feeds_ok": 1}
    )
    return db


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("what", WHATS)
@pytest.mark.parametrize("fmt", ["csv", "json", "nl"])
def test_every_export_round_trips(data, invoke, what, fmt):
    result = invoke("export", what, "--format", fmt, "--no-safe")
    assert result.exit_code == 0, result.stderr
    if fmt == "csv":
        rows = read_csv(result.stdout_bytes.decode())
    elif fmt == "json":
        rows = json.loads(result.stdout_bytes.decode())
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows, what
    expected = {
        "articles": "select count(*) from articles",
        "versions": "select count(*) from versions",
        "themes": """select count(*) from version_themes vt join versions v on v.id = vt.version_id
                     join articles a on a.id = v.article_id and v.number = a.current_version""",
        "theme-trends": None,
        "edits": "select count(*) from diffs",
        "feeds": "select count(*) from feeds",
        "runs": "select count(*) from runs",
    }[what]
    if expected:
        assert len(rows) == data.execute(expected).fetchone()[0]


def test_csv_round_trip_matches_database(data, invoke):
    result = invoke("export", "versions", "--no-safe")
    assert result.stdout.startswith("article_id,version,")
    assert b"\r\n" in result.stdout_bytes  # RFC 4180 line ends
    rows = read_csv(result.stdout_bytes.decode())
    stored = list(data.query("select * from versions order by article_id, number"))
    assert [(int(r["article_id"]), int(r["version"])) for r in rows] == [
        (s["article_id"], s["number"]) for s in stored
    ]
    for row, s in zip(rows, stored, strict=True):
        assert row["title"] == s["title"]
        assert row["text"] == s["text"]
    assert rows[0]["title"] == URDU
    assert rows[0]["text"] == TRICKY.replace("\t", " ")  # stored text is normalised


def test_csv_injection_neutralised_by_default(data, invoke):
    rows = read_csv(invoke("export", "articles").stdout_bytes.decode())
    by_id = {r["id"]: r for r in rows}
    assert by_id["2"]["title"] == '\'=HYPERLINK("http://evil")'
    assert by_id["2"]["text"] == "'@SUM(A1)"
    assert by_id["3"]["text"].startswith("'+cmd")
    assert by_id["3"]["title"] == "-5"  # a plain negative number is data, not a formula
    feeds = read_csv(invoke("export", "feeds").stdout_bytes.decode())
    assert feeds[0]["name"] == "'=Dawn"
    raw = read_csv(invoke("export", "articles", "--no-safe").stdout_bytes.decode())
    assert {r["id"]: r for r in raw}["2"]["title"] == '=HYPERLINK("http://evil")'
    # JSON is data for programs: never altered
    assert json.loads(invoke("export", "articles", "--format", "json").stdout)[0][
        "title"
    ].startswith("=")


def test_output_file_is_written_atomically(data, invoke, tmp_path):
    target = tmp_path / "out.csv"
    result = invoke("export", "articles", "-o", str(target), "--bom")
    assert result.exit_code == 0
    assert "exported 3 articles rows" in result.stderr
    assert result.stdout == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(target.read_text(encoding="utf-8-sig"))
    assert {r["title"] for r in rows} >= {URDU + " (updated)"}
    assert not list(tmp_path.glob(".out.csv.*"))  # no temporary left behind


def test_failed_export_leaves_old_file_and_no_part(data, tmp_path, monkeypatch, invoke):
    target = tmp_path / "out.csv"
    target.write_text("previous export\n")

    def explode(*args, **kwargs):
        yield {"a": 1}
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("monitor.render.rows.write_csv", lambda rows, out, **kw: list(explode()))
    from monitor.analysis.export import ExportOptions, export
    from monitor.store import db as dbmod
    from monitor.store.queries import ArticleFilter

    with pytest.raises(RuntimeError):
        export(
            dbmod.connect(tmp_path / "monitor.db"),
            ExportOptions("articles", ArticleFilter()),
            "csv",
            path=target,
        )
    assert target.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_filters_like_list(data, invoke):
    def ids(*args):
        return [
            r["id"]
            for r in json.loads(
                invoke("export", "articles", "--format", "json", *args).stdout_bytes.decode()
            )
        ]

    assert ids("--source", "geo") == [2, 3]
    assert ids("--since", "2026-11-05") == [2]
    assert ids("--until", "2026-10-31") == [3]
    assert ids("--edited") == [1]
    assert ids("--story", "pakistan-taliban") == [2, 1]
    assert ids("--limit", "1") == [2]
    versions = json.loads(
        invoke("export", "versions", "--edited", "--format", "json").stdout_bytes.decode()
    )
    assert [(v["article_id"], v["version"]) for v in versions] == [(1, 1), (1, 2)]


def test_filter_that_does_not_apply_is_a_usage_error(data, invoke):
    result = invoke("export", "feeds", "--edited")
    assert result.exit_code == 2
    assert "--edited does not apply" in result.stderr


def test_themes_and_trends(data, invoke):
    themes = json.loads(invoke("export", "themes", "--format", "json").stdout_bytes.decode())
    assert [(t["article_id"], t["theme"], t["label"], t["score"]) for t in themes] == [
        (2, "attacks", "Attacks", 0.7),
        (2, "talks", "Talks", 0.5),
        (1, "talks", "Talks", 0.8),
    ]
    assert json.loads(themes[2]["evidence"]) == {"terms": ["مذاکرات"]}
    weeks = json.loads(
        invoke("export", "theme-trends", "--by", "week", "--format", "json").stdout_bytes.decode()
    )
    # the labels of 'monitor themes' (ISO weeks), with each period's first day beside them
    assert [(w["period"], w["period_start"], w["theme"], w["articles"]) for w in weeks] == [
        ("2026-W45", "2026-11-02", "talks", 1),  # 2026-11-02 is a Monday
        ("2026-W46", "2026-11-09", "attacks", 1),
        ("2026-W46", "2026-11-09", "talks", 1),
    ]
    months = json.loads(invoke("export", "theme-trends", "--format", "json").stdout)  # by month
    assert [(m["period"], m["theme"], m["articles"]) for m in months] == [
        ("2026-11", "attacks", 1),
        ("2026-11", "talks", 2),
    ]


def test_edits_export_has_titles(data, invoke):
    edits = read_csv(invoke("export", "edits").stdout_bytes.decode())
    assert edits[0]["title_old"] == URDU and edits[0]["title_new"] == URDU + " (updated)"
    assert edits[0]["words_added"] == "1"


def test_empty_export_still_has_a_header(db, invoke):
    result = invoke("export", "edits")
    assert result.exit_code == 0
    assert result.stdout.startswith("article_id,from_number,to_number")
    assert invoke("export", "runs", "--format", "json").stdout == "[]\n"


def test_bad_output_path(data, invoke, tmp_path):
    result = invoke("export", "articles", "-o", str(tmp_path / "missing" / "x.csv"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not Path(tmp_path / "missing").exists()
