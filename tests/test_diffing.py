"""The word-level diff: exact reconstruction, readable edits, no degenerate answers."""

from __future__ import annotations

from diff_match_patch import diff_match_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import diffing
from monitor.analysis.diffing import DELETE, EQUAL, INSERT, diff_text, new_text, old_text
from monitor.analysis.edits import Comparison, compare
from monitor.render.diff import to_patch

WORDS = ["Taliban", "Pakistan", "talks", "the", "60", "70", "said", "Kabul", ",", ".", "“", "”"]
WORDS += ["طالبان", "پاکستان", "مذاکرات", "سرحد", "塔利班", "巴基斯坦", "和谈", "د", "افغانستان"]

paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join)
article = st.lists(paragraph, min_size=0, max_size=8).map("\n\n".join)
any_text = st.text(max_size=300)


def apply_patch(old: str, patch: str) -> str:
    dmp = diff_match_patch()
    result, applied = dmp.patch_apply(dmp.patch_fromText(patch), old)
    assert all(applied)
    return result


def comparison(old: str, new: str) -> Comparison:
    v = lambda n, text: {"number": n, "observed_at": "t", "title": "T", "text": text}  # noqa: E731
    return compare(1, v(1, old), v(2, new))


def edit(text: str, data: st.DataObject) -> str:
    """A version of ``text`` with a few words replaced, dropped or added."""
    paragraphs = text.split("\n\n") if text else []
    for _ in range(data.draw(st.integers(0, 4))):
        choice = data.draw(st.sampled_from(["replace", "add", "drop"]))
        if choice == "add" or not paragraphs:
            paragraphs.insert(data.draw(st.integers(0, len(paragraphs))), data.draw(paragraph))
            continue
        i = data.draw(st.integers(0, len(paragraphs) - 1))
        words = paragraphs[i].split(" ")
        if choice == "drop":
            del paragraphs[i]
        else:
            words[data.draw(st.integers(0, len(words) - 1))] = data.draw(st.sampled_from(WORDS))
            paragraphs[i] = " ".join(words)
    return "\n\n".join(paragraphs)


@settings(max_examples=200, deadline=None)
@given(article, st.data())
def test_ops_and_patch_reconstruct_edited_articles(old, data):
    new = edit(old, data)
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert apply_patch(old, to_patch(comparison(old, new))) == new


@settings(max_examples=200, deadline=None)
@given(any_text, any_text)
def test_ops_and_patch_reconstruct_arbitrary_text(old, new):
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert all(text for _, text in ops)
    assert apply_patch(old, to_patch(comparison(old, new))) == new


@given(any_text, any_text)
def test_title_diff_reconstructs(old, new):
    ops = diffing.diff_words(old, new)
    assert old_text(ops) == old and new_text(ops) == new


def test_word_edit_reads_as_words_not_letters():
    ops = diff_text("Asif said 60 soldiers were killed.", "Asif said 70 soldiers were killed.")
    assert ops == [
        (EQUAL, "Asif said "),
        (DELETE, "60"),
        (INSERT, "70"),
        (EQUAL, " soldiers were killed."),
    ]


def test_numbers_stay_whole():
    ops = diff_text("about 1,200 people", "about 1,500 people")
    assert (DELETE, "1,200") in ops and (INSERT, "1,500") in ops


def test_unicode_scripts():
    old = "پاکستان اور افغانستان کے درمیان مذاکرات ناکام ہو گئے۔\n\n巴基斯坦与阿富汗塔利班的和谈破裂。"
    new = "پاکستان اور افغان طالبان کے درمیان مذاکرات ناکام ہو گئے۔\n\n巴基斯坦与阿富汗塔利班的和谈再次破裂。"
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert (INSERT, "再次") in ops  # Chinese diffs by character, not by whole clause
    assert any(op == INSERT and "طالبان" in text for op, text in ops)
    assert ops[0] == (EQUAL, "پاکستان اور ")


def test_empty_and_identical():
    assert diff_text("", "") == []
    assert diff_text("Same.", "Same.") == [(EQUAL, "Same.")]
    assert diff_text("", "New text.") == [(INSERT, "New text.")]
    assert diff_text("Old text.", "") == [(DELETE, "Old text.")]


def long_article(words: int, seed: int = 1) -> str:
    import random

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    out, paragraph = [], []
    for i in range(words):
        paragraph.append(rng.choice(vocab) + ("." if i % 17 == 16 else ""))
        if len(paragraph) == 80:
            out.append(" ".join(paragraph))
            paragraph = []
    out.append(" ".join(paragraph))
    return "\n\n".join(out)


def test_shared_paragraphs_never_degenerate_to_delete_all():
    old = long_article(5000)
    paragraphs = old.split("\n\n")
    paragraphs[10] = paragraphs[10].replace(" ", " inserted ", 1)
    paragraphs[40] = paragraphs[40][: len(paragraphs[40]) // 2]
    new = "\n\n".join(paragraphs[:20] + ["A new paragraph."] + paragraphs[20:])
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    changed = sum(len(text) for op, text in ops if op != EQUAL)
    assert changed < 0.05 * len(old)


def test_very_long_single_paragraph_with_one_edit():
    old = long_article(20000).replace("\n\n", " ")
    new = old.replace("w17 ", "w17 EDITED ", 1)
    ops = diff_text(old, new)
    assert [op for op in ops if op[0] != EQUAL] == [(INSERT, "EDITED ")]


def test_unrelated_texts_give_a_correct_diff():
    old, new = long_article(3000, seed=1), long_article(3000, seed=2)
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new


def test_paragraph_changes_pairs_edited_paragraphs():
    old = "One two three four.\n\nGone paragraph here.\n\nFive six seven eight."
    new = "One two three FOUR.\n\nFive six seven eight.\n\nBrand new words entirely."
    changes = diffing.paragraph_changes(old, new)
    assert changes.changed == [("One two three four.", "One two three FOUR.")]
    assert changes.removed == ["Gone paragraph here."]
    assert changes.added == ["Brand new words entirely."]


# separators and sentence ends are what the levels split on: mix them densely
pieces = st.lists(
    st.sampled_from(["a", "b c", "\n\n", " ", "\n", ". ", "。", "x y.", "60", "\n \n", "؟ "]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(pieces, pieces)
def test_ops_reconstruct_texts_dense_in_separators(old, new):
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert apply_patch(old, to_patch(comparison(old, new))) == new
    # merged: no two neighbours share an op, and deletions come before insertions
    for (a, _), (b, _) in zip(ops, ops[1:], strict=False):
        assert a != b and (a, b) != (INSERT, DELETE)


# --- faithful, readable, bounded (issue 15 diff bullet, issue 12 readable replacements) ---


def minimal_changed_words(old: str, new: str) -> int:
    """Words marked changed by a minimal diff of the word sequences (an exact LCS)."""
    table: dict[str, str] = {}
    encoded = [
        "".join(
            table.setdefault(t, chr(len(table))) for t in diffing.word_units(text) if t[0].isalnum()
        )
        for text in (old, new)
    ]
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return sum(len(chars) for op, chars in dmp.diff_main(*encoded, False) if op != EQUAL)


def changed_words(ops) -> int:
    return sum(diffing.count_words(text) for op, text in ops if op != EQUAL)


def render(ops) -> str:
    marks = {EQUAL: "{}", DELETE: "[-{}-]", INSERT: "{{+{}+}}"}
    return "".join(marks[op].format(text) for op, text in ops)


def test_separators_do_not_anchor_a_paragraph_to_the_wrong_neighbour():
    # a paragraph added above an edited one: the blank line between them used to be
    # matched first, so the edited paragraph was shown removed and re-added whole
    first = "Pakistan said talks in Istanbul had failed after four days of negotiations."
    second = "The Taliban government denied sheltering militants and blamed Islamabad."
    old = f"{first}\n\n{second}"
    added = "Qatar and Turkey offered to mediate again on Friday."
    new = f"{added}\n\n{first.replace('four', 'five')}\n\n{second}"
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert changed_words(ops) == minimal_changed_words(old, new) == 11
    changes = diffing.paragraph_changes(old, new)
    assert changes.changed == [(first, first.replace("four", "five"))]
    assert changes.added == [added] and changes.removed == []


def test_rewritten_sentence_is_one_block_not_shredded_around_stop_words():
    ops = diff_text(
        "Talks in Doha collapsed on Monday after the Taliban walked out. Trade resumed.",
        "Fighting in Kabul resumed on Tuesday as the army moved in. Trade resumed.",
    )
    assert ops == [
        (DELETE, "Talks in Doha collapsed on Monday after the Taliban walked out"),
        (INSERT, "Fighting in Kabul resumed on Tuesday as the army moved in"),
        (EQUAL, ". Trade resumed."),
    ]
    ops = diff_text(
        "The U.S. said on Monday it would send aid.", "Officials in the U.S. expect a deal soon."
    )
    assert [op for op, _ in ops] == [DELETE, INSERT, EQUAL], render(ops)


def test_small_edits_keep_their_context():
    # a shared word between two one-word edits is not swallowed: numbers stay paired
    assert render(diff_text("from 60 to 70 people", "from 65 to 80 people")) == (
        "from [-60-]{+65+} to [-70-]{+80+} people"
    )
    # a shared phrase of three words or more stays visible inside a rewrite
    ops = diff_text(
        "Rohit Sharma admitted to the media after India's loss in the World Cup final.",
        "Rohit Sharma kept a low profile in the media after admitting defeat in the World Cup final.",
    )
    assert (EQUAL, " the media after ") in ops and (EQUAL, " in the World Cup final.") in ops


def test_a_rewrite_never_absorbs_a_sentence_or_paragraph_boundary():
    old = "Old words here entirely. Then a short one.\n\nAnother old clause."
    new = "New text written instead. Then a short one.\n\nA different clause."
    ops = diff_text(old, new)
    assert (EQUAL, ". Then a short one.\n\n") in ops, render(ops)


def news_text(words: int, seed: int) -> str:
    """Sentences with a realistic spread of words: many rare, a few very common."""
    import random

    rng = random.Random(seed)
    common = [
        "the",
        "of",
        "to",
        "in",
        "and",
        "a",
        "said",
        "on",
        "for",
        "that",
        "with",
        "was",
        "as",
        "by",
        "at",
        "from",
    ]
    rare = [
        f"{c}{v}{c2}{v2}"
        for c in "bdfgklmnprst"
        for v in "aeiou"
        for c2 in "lnrst"
        for v2 in "aeio"
    ]
    paragraphs = []
    for _ in range(words // 60):
        sentences = []
        for _ in range(3):
            length = rng.randint(12, 28)
            sentence = [
                rng.choice(common) if rng.random() < 0.45 else rng.choice(rare)
                for _ in range(length)
            ]
            sentences.append(" ".join(sentence).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def edited(text: str, seed: int, edits: int = 12) -> str:
    import random

    rng = random.Random(seed)
    other = news_text(600, seed + 100).split("\n\n")
    paragraphs = text.split("\n\n")
    for _ in range(edits):
        p = rng.randrange(len(paragraphs))
        kind = rng.choice(["word", "sentence", "add", "drop", "join"])
        words = paragraphs[p].split(" ")
        if kind == "word":
            words[rng.randrange(len(words))] = rng.choice(["seventy", "denied", "Mujahid"])
            paragraphs[p] = " ".join(words)
        elif kind == "sentence":
            words.insert(rng.randrange(len(words)), "Officials confirmed the report on Tuesday.")
            paragraphs[p] = " ".join(words)
        elif kind == "add":
            paragraphs.insert(p, rng.choice(other))
        elif kind == "drop" and len(paragraphs) > 2:
            del paragraphs[p]
        elif kind == "join" and p + 1 < len(paragraphs):
            paragraphs[p : p + 2] = [paragraphs[p] + " " + paragraphs[p + 1]]
    return "\n\n".join(paragraphs)


def test_edited_articles_mark_about_as_few_words_as_a_minimal_diff():
    for seed in range(6):
        old = news_text(3000, seed)
        new = edited(old, seed)
        ops = diff_text(old, new)
        assert old_text(ops) == old and new_text(ops) == new
        assert changed_words(ops) <= 1.1 * minimal_changed_words(old, new), seed


def test_unrelated_texts_are_one_replaced_block_at_each_level():
    one, two = news_text(6000, 1), news_text(6000, 2)
    assert diff_text(one, two) == [(DELETE, one), (INSERT, two)]
    flat_one, flat_two = one.replace("\n\n", " "), two.replace("\n\n", " ")
    assert diff_text(flat_one, flat_two) == [(DELETE, flat_one), (INSERT, flat_two)]
    # shared opening, then unrelated: the shared part stays equal, the rest is one block
    shared = news_text(600, 3)
    ops = diff_text(f"{shared}\n\n{one}", f"{shared}\n\n{two}")
    assert ops == [(EQUAL, f"{shared}\n\n"), (DELETE, one), (INSERT, two)]
    # and inside one long paragraph, at the sentence level
    shared = shared.replace("\n\n", " ")
    ops = diff_text(f"{shared} {flat_one}", f"{shared} {flat_two}")
    assert ops == [(EQUAL, f"{shared} "), (DELETE, flat_one), (INSERT, flat_two)]


def test_relatedness_tells_versions_from_unrelated_texts():
    old = news_text(3000, 4)
    assert diffing.relatedness(old, edited(old, 4)) > 0.5
    assert diffing.relatedness(old, news_text(3000, 5)) < 0.05
    assert diffing.relatedness(old, old) > 0.9


def test_the_step_budget_bounds_the_word_diff():
    # no word occurs once on a side, so nothing anchors: only Myers can align these
    old = " ".join(["alpha beta", "beta alpha", "gamma"][i % 3] for i in range(3000))
    new = " ".join(["beta alpha", "gamma", "alpha beta"][i % 3] for i in range(3000))
    cheap = diff_text(old, new, max_steps=10_000)
    assert cheap == [(DELETE, old), (INSERT, new)]  # over budget: shown as replaced
    small_old, small_new = old[:300], new[:300]
    full = diff_text(small_old, small_new)
    assert old_text(full) == small_old and new_text(full) == small_new
    assert changed_words(full) < diffing.count_words(small_old) + diffing.count_words(small_new)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_long_single_paragraphs_reconstruct_and_find_the_edits(data):
    old = long_article(20000, seed=data.draw(st.integers(0, 3))).replace("\n\n", " ")
    words = old.split(" ")
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(words) - 1))
        words[i] = data.draw(st.sampled_from(WORDS))
    new = " ".join(words)
    ops = diff_text(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert changed_words(ops) <= 3 * minimal_changed_words(old, new) + 4


@settings(max_examples=200, deadline=None)
@given(article, st.data(), st.integers(0, 60))
def test_ops_reconstruct_when_the_budget_runs_out_part_way(old, data, steps):
    new = edit(old, data)
    ops = diff_text(old, new, max_steps=steps)
    assert old_text(ops) == old and new_text(ops) == new
    assert all(text for _, text in ops)
