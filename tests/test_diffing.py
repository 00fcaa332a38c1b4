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
