"""Lemma and proximity matching, short-text scoring, near-misses, and number/depth validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.themes import lemmas, rules, stories, taxonomy
from monitor.themes import tagger as tagging


def theme(**raw) -> taxonomy.Theme:
    return taxonomy.parse_theme({"slug": "t", **raw}, "test")


def tagged(t: taxonomy.Theme, text: str) -> bool:
    return taxonomy.CompiledTaxonomy([t]).tag(text) != []


# -- lemmas -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("flee", "Thousands fled the fighting"),
        ("seize", "Taliban seized two border posts"),
        ("strike", "Jets struck hideouts in Paktika"),
        ("displace", "families displaced by the shelling"),
        ("evacuee", "evacuees reached Islamabad"),
    ],
)
def test_term_in_dictionary_form_matches_irregular_forms(term: str, text: str):
    assert rules.contains(term, text)
    assert tagged(theme(terms=[term], min_score=1), text)


def test_inflected_term_matches_as_written_only():
    # "closed" is not a dictionary form: it must not match the adjective "close"
    assert not rules.contains("closed", "a close aide of the minister")
    assert rules.contains("closed", "Torkham closed again")
    assert lemmas.term_key("closed") is None and lemmas.term_key("close") == "close"


def test_urdu_plural_and_oblique_forms_share_a_key():
    assert lemmas.lemma("حملہ") == lemmas.lemma("حملے") == lemmas.lemma("حملوں")
    # Arabic-script spellings fold together (Arabic yeh/kaf, Urdu heh)
    assert lemmas.lemma("مہاجرین") == lemmas.lemma("مهاجر")
    t = theme(terms=[{"term": "حملہ", "weight": 3}], min_score=2)
    assert tagged(t, "پشاور میں دہشت گردوں کے حملوں میں پانچ افراد ہلاک")
    assert rules.compile_rule("طالبان AND حملہ").matches("طالبان کے حملے جاری")


def test_lemma_tokens_keep_spans():
    toks = lemmas.tokens("They fled, Pakistan's army said")
    assert toks.lemmas[:2] == ["they", "flee"] and toks.lemmas[2] == "pakistan"
    assert toks.index_at(toks.starts[3]) == 3


# -- proximity ------------------------------------------------------------------------------


def test_near_term_counts_only_close_to_a_sense_word():
    t = theme(
        terms=[{"term": "safe haven", "weight": 3, "near": ["TTP", "militant*"], "within": 6}],
        min_score=2,
    )
    assert tagged(t, "Kabul denies TTP militants enjoy safe havens in Afghanistan")
    assert not tagged(t, "Refugees found a safe haven in Germany after a long journey")
    far = "TTP " + "word " * 20 + "safe haven"
    assert not tagged(t, far)


def test_near_groups_need_a_word_of_every_group_close_by():
    # an actor counts near a place AND an action, not on a mere mention
    t = theme(
        terms=[
            {
                "term": "China",
                "weight": 3,
                "near": [["Pakistan*", "Afghan*"], ["talks", "deal*", "invest*"]],
                "within": 8,
            }
        ],
        min_score=2,
    )
    assert tagged(t, "China signs a mining deal with the Afghan Taliban")
    assert not tagged(t, "Earthquake felt in China, Pakistan and Afghanistan")  # no action
    assert not tagged(t, "China holds trade talks with Brazil")  # no place
    far = "China " + "word " * 20 + "deal with Pakistan"
    assert not tagged(t, far)


def test_not_near_drops_occurrences_close_to_a_veto_word():
    t = theme(
        terms=[{"term": "embassy", "weight": 3, "not_near": ["blast", "attack*"], "within": 4}],
        min_score=2,
    )
    assert tagged(t, "Pakistan reopens its embassy in Kabul")
    assert not tagged(t, "A blast outside the Russian embassy in Kabul")
    # another occurrence far from the veto still counts
    assert tagged(t, "A blast outside the gate. " + "word " * 10 + "The embassy stays open")


def test_rule_near_rejects_incidental_co_mentions():
    rule = rules.compile_rule("(Pakistan OR Islamabad) NEAR/8 (Taliban OR TTP)")
    assert rule.matches("Islamabad accuses the Afghan Taliban of sheltering TTP")
    profile = "Pakistan's best-known singer " + "sang and toured for decades, " * 5 + "Taliban"
    assert not rule.matches(profile)
    assert rules.parse_rule("Pakistan NEAR/8 Taliban").matches("Taliban warn Pakistan")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("a NEAR/0 b", "NEAR/N with N words from 1 to 200"),
        ("a NEAR b", "NEAR/N"),
        ("a NEAR/3 (b AND c)", "each side of NEAR"),
        ("(" * 300 + "a" + ")" * 300, "nested deeper than 32"),
        ("NOT " * 40 + "a", "nested deeper than 32"),
    ],
)
def test_bad_rules_are_clear_errors(rule: str, message: str):
    with pytest.raises(rules.RuleError, match=message):
        rules.parse_rule(rule)


# -- short texts -------------------------------------------------------------------------------


def test_short_text_threshold_scales_and_headline_counts_double():
    t = theme(terms=[{"term": "suicide attack", "weight": 2}, "attack"], min_score=3)
    # a headline and one sentence: the threshold is 1.5; "suicide attack" (2) is enough
    assert tagged(t, "Blast in Quetta\n\nA suicide attack killed five people on Monday.")
    # a single weight-1 word in the body is not; in the headline (1 + 1) it is
    assert not tagged(t, "Blast in Quetta\n\nAn attack killed five people on Monday.")
    assert tagged(t, "Attack in Quetta\n\nFive people were killed on Monday.")
    # in a long article the full min_score holds
    long_body = "A suicide attack killed five people. " + "Officials said little. " * 60
    assert not tagged(t, "Quetta\n\n" + long_body)
    assert taxonomy.length_scale(40) == 0.5 and taxonomy.length_scale(400) == 1.0


def test_near_misses_say_how_far_a_theme_fell_short():
    t1 = theme(terms=[{"term": "ceasefire", "weight": 1}], min_score=8)
    t2 = taxonomy.parse_theme(
        {"slug": "u", "terms": ["truce"], "context": ["Kabul"], "min_score": 1}, "test"
    )
    compiled = taxonomy.CompiledTaxonomy([t1, t2])
    missed = compiled.near_misses("Talks\n\nA ceasefire and a truce were agreed.")
    assert [(m.theme, m.reason) for m in missed] == [
        ("u", "no context word"),
        ("t", "below threshold"),
    ]
    assert missed[1].score == 1.0 and missed[1].threshold == 4.0 and missed[1].short_by == 3.0
    assert missed[1].terms == {"ceasefire": 1}


def test_why_lists_tags_with_evidence_and_near_misses():
    story = stories.parse_story(
        """slug = "s"
name = "S"
rule = "Kabul"
[[themes]]
slug = "talks"
terms = [{term = "ceasefire", weight = 2}]
min_score = 2
[[themes]]
slug = "aid"
terms = ["famine"]
min_score = 8
""",
        "s.toml",
    )
    taggers = {"s": tagging.tagger_for(story)}
    [found] = tagging.why(taggers, "Ceasefire agreed", "Famine feared in Herat, Kabul says.")
    assert found.story == "s" and found.relevant is True
    assert [(t.theme, t.terms) for t in found.tags] == [("talks", {"ceasefire": 1})]
    assert "Ceasefire" in found.tags[0].snippet
    [miss] = found.near_misses
    assert (miss.theme, miss.reason, miss.short_by) == ("aid", "below threshold", 3.0)
    assert found.as_dict()["near_misses"][0]["short_by"] == 3.0
    # what tagging stores is exactly the tags shown
    assert [h.theme for h in taggers["s"].tag(tagging.document("Ceasefire agreed", ""))] == [
        "talks"
    ]
    assert tagging.why(taggers, "x", "y", story="nope") == []
    [other] = tagging.why(taggers, "Nothing here", "at all", story="s")
    assert other.relevant is False and other.tags == [] and other.near_misses == []


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('terms = [{term = "x", weight = nan}]', "'weight' must be a positive number"),
        ('terms = [{term = "x", weight = inf}]', "'weight' must be a positive number"),
        ('terms = [{term = "x", weight = 1e9}]', "up to 100"),
        ('terms = ["x"]\nmin_score = nan', "'min_score' must be a positive number"),
        ('terms = ["x"]\nmin_score = inf', "'min_score' must be a positive number"),
        ('terms = [{term = "x", near = ["y"], within = 0}]', "'within' must be"),
        ('terms = [{term = "x", within = 3}]', "'within' needs 'near' or 'not_near'"),
        ('terms = [{term = "x", near = []}]', "'near' is empty"),
        ('terms = [{term = "x", not_near = []}]', "'not_near' is empty"),
        ('terms = [{term = "x", near = [["y"], []]}]', "'near[2]' is empty"),
        ('terms = [{term = "x", far = ["y"]}]', "unknown key 'far'"),
    ],
)
def test_numbers_must_be_finite_and_in_range(tmp_path: Path, invoke, body: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text(f'slug = "bad"\nname = "Bad"\n[[themes]]\nslug = "a"\n{body}\n', "utf-8")
    result = invoke("stories", "add", str(path))
    assert result.exit_code == 1
    assert str(path) in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_deeply_nested_rule_and_toml_are_input_errors(tmp_path: Path, invoke):
    deep_rule = tmp_path / "rule.toml"
    deep_rule.write_text(
        f'slug = "d"\nname = "D"\nrule = "{"(" * 300}Pakistan{")" * 300}"\n', "utf-8"
    )
    result = invoke("stories", "add", str(deep_rule))
    assert result.exit_code == 1 and "nested deeper than 32" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(InputError, match="nested too deep"):
        stories.parse_story("a = " + "[" * 5000 + "]" * 5000, "deep.toml")


def test_acronyms_match_in_capitals_only():
    assert rules.contains("US", "US troops left") and not rules.contains("US", "tell us more")
    assert rules.contains("WHO", "the WHO said") and not rules.contains("WHO", "who said")
    assert rules.contains("TTP", "the TTP's leader")
    t = theme(terms=[{"term": "RAW", "weight": 3}], min_score=1)
    assert not tagged(t, "raw sewage in the river")


def test_wildcard_credit_follows_the_matched_text():
    # "Qatari" matches another theme's "Qatar*"; it must not count as this theme's "Qatar"
    talks = theme(terms=["Qatar", "talks"], min_score=1)
    other = taxonomy.parse_theme({"slug": "o", "terms": ["Qatar*"]}, "test")
    text = "Talks in Doha, the Qatari ministry said."
    together = {h.theme: h.terms for h in taxonomy.CompiledTaxonomy([talks, other]).tag(text)}
    assert together["t"] == {"talks": 1}


def test_a_word_of_vowel_marks_alone_does_not_crash_tagging():
    # a lone Quranic mark folds to nothing; simplemma raised ValueError on ""
    from monitor.themes import lemmas

    assert lemmas.lemma("\u06d6") == ""
    assert len(lemmas.tokens("Taliban \u06d6 Pakistan")) == 3
