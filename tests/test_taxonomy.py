"""The theme taxonomy format: good files, bad files with errors naming file/theme/key."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.themes import stories, taxonomy

ROOT = Path(__file__).resolve().parent.parent

BUILTIN = ROOT / "monitor" / "data" / "stories" / "pakistan-taliban.toml"
SAMPLE = ROOT / "samples" / "stories" / "pakistan-taliban.toml"

REQUIRED = {
    "cross-border-terrorism",
    "ttp-safe-havens",
    "peace-talks",
    "military-escalation",
    "border-clashes",
    "civilian-casualties",
    "refugees-deportations",
    "humanitarian",
    "trade-economy",
    "regional-powers",
    "counter-terrorism-cooperation",
    "diplomatic-relations",
}


def test_builtin_story_and_sample_are_identical():
    assert BUILTIN.read_bytes() == SAMPLE.read_bytes()


def test_builtin_taxonomy_covers_the_required_themes():
    story = stories.builtin_stories()["pakistan-taliban"]
    themes = {t.slug: t for t in taxonomy.parse_themes(story)}
    assert set(themes) >= REQUIRED
    mediators = " ".join(themes["peace-talks"].terms)
    for name in ("Qatar", "Turkey", "China", "Saudi Arabia"):
        assert name in mediators
    crossings = " ".join(themes["border-clashes"].terms)
    assert "Torkham" in crossings and "Chaman" in crossings
    assert any("airstrike" in t for t in themes["military-escalation"].terms)
    assert "cricket" in themes["cross-border-terrorism"].exclude


GOOD = """
slug = "demo"
name = "Demo"
rule = "Pakistan"

[[themes]]
slug = "talks"
label = "Talks"
terms = ["peace talks", {term = "ceasefire", weight = 2.5}]
context = ["Kabul"]
exclude = ["cricket"]
min_score = 1
"""


def test_good_file_parses_weights_context_exclude():
    story = stories.parse_story(GOOD, "demo.toml")
    (theme,) = taxonomy.parse_themes(story)
    assert theme.terms == {"peace talks": 1.0, "ceasefire": 2.5}
    assert theme.context == ["Kabul"] and theme.exclude == ["cricket"]
    assert theme.min_score == 1.0
    compiled = taxonomy.CompiledTheme(theme)
    assert compiled.score("A ceasefire in Kabul") is not None
    assert compiled.score("A ceasefire in Doha") is None  # no context term
    assert compiled.score("A ceasefire in Kabul, cricket resumes") is None  # excluded
    hit = compiled.score("Peace talks in Kabul. More peace talks and ceasefires.")
    assert hit is not None
    assert hit.terms == {"peace talks": 2, "ceasefire": 1}
    assert hit.score == 4.5
    assert "peace talks" in hit.snippet.lower()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[themes]]\nslug = "Bad Slug"\nterms = ["x"]', "themes[1]: 'slug'"),
        ('[[themes]]\nslug = "a"\nterms = "peace"', "themes[1] (a): 'terms' must be a list"),
        ('[[themes]]\nslug = "a"\nterms = []', "themes[1] (a): 'terms' is empty"),
        ('[[themes]]\nslug = "a"\nterms = ["x", 3]', "themes[1] (a): 'terms'[2] must be"),
        (
            '[[themes]]\nslug = "a"\nterms = [{term = "x", weight = -1}]',
            "'terms'[1] 'weight' must be a positive number",
        ),
        ('[[themes]]\nslug = "a"\nterms = ["x"]\nmin_score = "high"', "'min_score' must be"),
        ('[[themes]]\nslug = "a"\nterm = ["x"]', "themes[1] (a): unknown key 'term'"),
        ('[[themes]]\nslug = "a"\nterms = ["x"]\ncontext = [""]', "'context'[1] must be"),
        (
            '[[themes]]\nslug = "a"\nterms = ["x"]\n[[themes]]\nslug = "a"\nterms = ["y"]',
            "themes[2]: duplicate theme slug 'a'",
        ),
    ],
)
def test_bad_theme_names_file_theme_and_key(tmp_path: Path, invoke, body: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text(f'slug = "bad"\nname = "Bad"\n{body}\n', encoding="utf-8")
    result = invoke("stories", "add", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert invoke("stories", "list", "--json").stdout.count('"bad"') == 0


def test_toml_syntax_error_names_the_line(tmp_path: Path, invoke):
    path = tmp_path / "broken.toml"
    path.write_text('slug = "b"\nname = "B"\n[[themes]]\nslug = "a"\nterms = ["x" "y"]\n', "utf-8")
    result = invoke("stories", "add", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr and "line 5" in result.stderr


def test_parse_themes_error_is_input_error():
    story = stories.parse_story('slug = "d"\nname = "D"\n[[themes]]\nslug = "x"\n', "d.toml")
    with pytest.raises(InputError, match=r"d.toml: themes\[1\] \(x\): 'terms' is empty"):
        taxonomy.parse_themes(story)
