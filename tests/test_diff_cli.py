"""``monitor diff``: formats, history, folding, errors."""

from __future__ import annotations

import json

import pytest
from diff_match_patch import diff_match_patch

OLD = """First paragraph stays the same.

Second paragraph says 60 people died.

Third paragraph stays.

Fourth paragraph stays.

Fifth paragraph has <script>alert("x")</script> in it."""

NEW = OLD.replace("60", "70").replace(
    "Fourth paragraph stays.", "Fourth paragraph stays.\n\nAdded <b>bold</b> claim & more."
)


@pytest.fixture
def article(invoke, tmp_path):
    for i, (title, text) in enumerate(
        [("Old <title>", OLD), ("New <title>", NEW), ("New <title>", NEW + "\n\nLast words.")], 1
    ):
        path = tmp_path / f"v{i}.txt"
        path.write_text(f"Title: {title}\nURL: https://x.example/a\n\n{text}\n", encoding="utf-8")
        assert invoke("add", str(path)).exit_code == 0
    return 1


def test_default_text_markers(invoke, article):
    result = invoke("diff", "1")
    assert result.exit_code == 0
    assert "version 2" in result.stdout and "version 3" in result.stdout
    assert "{+Last words.+}" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_from_to_with_title_first(invoke, article):
    out = invoke("diff", "1", "1", "2").stdout
    assert out.index("Headline:") < out.index("First paragraph")
    assert "[-Old-]{+New+} <title>" in out
    assert "says [-60-]{+70+} people" in out
    assert "numbers 60 → 70" in out


def test_context_folds_unchanged_paragraphs(invoke, article):
    out = invoke("diff", "1", "1", "2", "--context", "0").stdout
    assert "First paragraph" not in out and "⋯ 1 unchanged paragraph ⋯" in out
    assert "⋯ 2 unchanged paragraphs ⋯" in out  # third and fourth


def test_json_ops_reconstruct_versions(invoke, article):
    data = json.loads(invoke("diff", "1", "1", "3", "--format", "json").stdout)
    old = "".join(t for op, t in data["ops"] if op != 1)
    new = "".join(t for op, t in data["ops"] if op != -1)
    assert old == OLD and new == NEW + "\n\nLast words."
    assert data["title"] == {"old": "Old <title>", "new": "New <title>"}
    assert data["stats"]["paragraphs_added"] == 2 and data["stats"]["title_changed"] is True
    assert (data["from"]["number"], data["to"]["number"], data["article"]) == (1, 3, 1)


def test_patch_applies_with_the_headline(invoke, article):
    """Regression: the patch left out the headline change."""
    patch = invoke("diff", "1", "1", "2", "--format", "patch").stdout
    dmp = diff_match_patch()
    result, ok = dmp.patch_apply(dmp.patch_fromText(patch), "Old <title>\n\n" + OLD)
    assert all(ok) and result == "New <title>\n\n" + NEW


def test_html_escapes_article_text(invoke, article):
    page = invoke("diff", "1", "1", "2", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<ins>Added &lt;b&gt;bold&lt;/b&gt; claim &amp; more.</ins>" in page
    assert "<title>" not in page.split("</title>", 1)[1]  # the article title is escaped too


def test_all_and_stat(invoke, article):
    out = invoke("diff", "1", "--all", "--stat").stdout.splitlines()
    assert [line.split()[0] for line in out] == ["v1→v2", "v2→v3"]
    assert "title changed" in out[0] and "title same" in out[1]
    rows = json.loads(invoke("diff", "1", "--all", "--stat", "--format", "json").stdout)
    assert [(r["from"], r["to"], r["words_added"]) for r in rows] == [
        (1, 2, 7),
        (2, 3, 2),
    ]  # 70; Added b bold b claim more
    history = json.loads(invoke("diff", "1", "--all", "--format", "json").stdout)
    assert len(history) == 2


def test_identical_and_single_version(invoke, article, tmp_path):
    result = invoke("diff", "1", "2", "2")
    assert result.exit_code == 0 and result.stdout == ""
    assert "versions 2 and 2 are identical" in result.stderr
    path = tmp_path / "single.txt"
    path.write_text("Title: Only one\n\nJust one version.\n", encoding="utf-8")
    invoke("add", str(path))
    result = invoke("diff", "2")
    assert result.exit_code == 0 and "one version: nothing to compare" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["99"], "article 99: not found"),
        (["1", "1", "9"], "article 1: has no version 9 (it has 1 to 3)"),
    ],
)
def test_unknown_article_or_version(invoke, article, args, message):
    result = invoke("diff", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_bad_combinations(invoke, article):
    assert invoke("diff", "1", "1", "--all").exit_code == 2
    result = invoke("diff", "1", "--all", "--format", "patch")
    assert result.exit_code == 2 and "one pair" in result.stderr
    assert invoke("diff", "1", "0").exit_code == 2


def test_colour_marks_deletions_struck_red_and_insertions_green():
    from monitor.analysis import edits
    from monitor.render import diff as diff_render

    v = lambda n, text: {"number": n, "observed_at": "t", "title": "T", "text": text}  # noqa: E731
    out = diff_render.render_text(edits.compare(1, v(1, "a 60 b"), v(2, "a 70 b")), colour=True)
    assert "\x1b[31m\x1b[9m60" in out and "\x1b[32m" in out and "70" in out
    assert "[-" not in out


def test_show_lists_each_versions_edits(invoke, article):
    out = invoke("show", "1").stdout
    assert "headline rewritten" in out and "monitor diff 1 --all" in out
    versions = json.loads(invoke("show", "1", "--json").stdout)["versions"]
    assert versions[0]["edits"] is None
    assert versions[2]["edits"].startswith("paragraphs 1 added")
