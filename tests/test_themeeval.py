"""`themes eval`: measuring a story against a labelled CSV, without a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.errors import InputError
from monitor.themes import evaluate as themeeval
from monitor.themes import stories

STORY = """
slug = "demo"
name = "Demo"
rule = "Pakistan AND Taliban"

[[themes]]
slug = "talks"
terms = [{term = "peace talks", weight = 3}, {term = "ceasefire", weight = 0.5}]
min_score = 4

[[themes]]
slug = "refugees"
terms = [{term = "refugee", weight = 3}, {term = "deportation", weight = 3}]
min_score = 2
"""

LABELS = """id,title,summary,themes,relevant
a1,Pakistan and Taliban hold peace talks,Delegations met in Doha.,talks,yes
a2,Taliban and Pakistan agree a ceasefire,The truce holds.,talks,yes
a3,Afghan refugees face deportation,Thousands crossed at Torkham.,refugees,borderline
a4,Pakistan cricket team wins,Taliban not involved here; peace talks of the board.,,no
a5,Weather in Kabul,Snow fell.,,no
"""


def demo_story() -> stories.Story:
    return stories.parse_story(STORY, "demo.toml")


def write(tmp_path: Path, text: str, name: str = "labels.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_eval_counts_themes_and_rule(tmp_path):
    result = themeeval.evaluate_files([write(tmp_path, LABELS)], demo_story())
    talks, refugees = result.themes["talks"], result.themes["refugees"]
    # short texts: threshold 4 x 0.5 = 2. a1 tagged ("peace talks" 3, +3 in the headline);
    # a2 has only "ceasefire" (0.5, +0.5 in the headline = 1 < 2): a miss; a4 (3) a false positive
    assert (talks.tp, talks.fp, talks.fn) == (1, 1, 1)
    assert talks.precision == 0.5 and talks.recall == 0.5 and talks.f1 == 0.5
    assert (refugees.tp, refugees.fp, refugees.fn) == (1, 0, 0)
    micro = result.micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 1, 1)
    assert result.labelled_items == 3 and result.labelled_covered == 2
    assert result.coverage == pytest.approx(0.667)
    rule = result.rule
    assert rule is not None
    # a1, a2 (yes) and a4 (no) match the rule; a3 (borderline) does not
    assert (rule.yes, rule.yes_matched) == (2, 2)
    assert rule.recall == 1.0
    assert rule.precision == pytest.approx(0.667)
    miss = result.misses("miss", "talks")[0]
    assert miss.item.id == "a2"
    assert miss.evidence["terms"] == {"ceasefire": 1}
    assert miss.evidence["score"] == 1.0 and miss.evidence["threshold"] == 2.0
    assert miss.evidence["short_by"] == 1.0
    assert miss.evidence["reason"] == "below threshold"
    fp = result.misses("false positive", "rule")[0]
    assert fp.item.id == "a4" and fp.evidence["terms"] == ["Pakistan", "Taliban"]


def test_borderline_is_no_false_positive_and_not_required(tmp_path):
    text = (
        "title,summary,themes,relevant\nPakistan Taliban clash,x,,borderline\nKabul,y,,borderline\n"
    )
    result = themeeval.evaluate_files([write(tmp_path, text)], demo_story())
    assert result.rule is not None
    assert result.rule.recall is None  # no relevant=yes item: nothing to recall
    assert result.rule.precision == 1.0  # the one kept item is borderline


def test_cli_eval_table_and_json(tmp_path):
    labels = write(tmp_path, LABELS)
    story = write(tmp_path, STORY, "demo.toml")
    db = tmp_path / "never.db"
    runner = CliRunner()
    res = runner.invoke(
        cli, ["--db", str(db), "themes", "eval", str(labels), "--story", str(story)]
    )
    assert res.exit_code == 0, res.output
    assert "talks" in res.output and "0.500" in res.output
    assert "rule: recall 1.000" in res.output
    assert "a2: Taliban and Pakistan agree a ceasefire" in res.output
    assert not db.exists()  # nothing stored, no database made
    res = runner.invoke(
        cli, ["--db", str(db), "themes", "eval", str(labels), "--story", str(story), "--json"]
    )
    data = json.loads(res.output)
    assert data["micro"]["tp"] == 2 and data["rule"]["recall"] == 1.0
    assert {c["id"] for c in data["cases"]} == {"a2", "a4"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,themes\nA,b\n", ":1: missing column 'text or summary'"),
        ("title,summary\nA,b\n", ":1: missing column 'themes'"),
        ("title,summary,themes\nA,b,talks\nC,d\n", ":3: 2 fields where the header has 3"),
        (
            "title,summary,themes,relevant\nA,b,talks,yes\nC,d,,maybe\n",
            ":3: relevant 'maybe' is not one of yes, borderline, no",
        ),
        ('title,summary,themes\n"A\nsplit",b,\n,,talks\n', ":4: empty title and summary"),
    ],
)
def test_bad_csv_names_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        themeeval.read_labels(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_cli_bad_csv_is_one_line_no_traceback(tmp_path):
    path = write(tmp_path, "title,summary,themes\nA,b,talks\nC,d\n")
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "themes", "eval", str(path)])
    assert res.exit_code == 1
    assert f"{path}:3:" in res.output
    assert "Traceback" not in res.output


def test_builtin_story_is_measured_on_the_dev_set_if_present():
    dev = Path(__file__).resolve().parents[1] / ".." / "shared" / "dev" / "devset.csv"
    if not dev.exists():
        pytest.skip(f"dev set absent: {dev}")
    result = themeeval.evaluate_files([dev], stories.builtin_stories()["pakistan-taliban"])
    assert result.items > 1000 and not result.unknown_themes
